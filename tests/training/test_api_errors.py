"""Every API error has one shape, whatever raised it."""
import subprocess
import sys

from django.core.exceptions import ValidationError
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from training.errors import ApplicationError, Conflict


def _answer(exc: Exception):
    class Raising(APIView):
        authentication_classes = []
        permission_classes = []

        def get(self, request):
            raise exc

    return Raising.as_view()(APIRequestFactory().get("/"))


def test_an_application_error_says_what_and_where():
    response = _answer(ApplicationError("The answer is not valid.", {"spans[1]": ["Overlaps span 0."]}))
    assert (response.status_code, response.data) == (
        400, {"message": "The answer is not valid.", "errors": {"spans[1]": ["Overlaps span 0."]}})


def test_a_conflict_is_409():
    assert _answer(Conflict("Published versions never change.")).status_code == 409


def test_a_django_validation_error_by_field_has_the_same_shape():
    response = _answer(ValidationError({"slug": ["Enter a valid slug."], "__all__": ["Two things clash."]}))
    assert response.status_code == 400
    assert response.data["errors"] == {"slug": ["Enter a valid slug."], "non_field_errors": ["Two things clash."]}


def test_a_django_validation_error_without_a_field_is_a_non_field_error():
    response = _answer(ValidationError("The version has no module."))
    assert response.data["errors"] == {"non_field_errors": ["The version has no module."]}


def test_the_error_type_needs_no_drf():
    code = "import sys, training.errors; assert 'rest_framework' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def test_no_service_imports_the_drf_error_module():
    """Services raise training.errors.ApplicationError; only the exception handler knows DRF."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    importers = [str(p.relative_to(root)) for p in root.glob("*/**/*.py")
                 if not {".venv", "tests"} & set(p.relative_to(root).parts)
                 and "training.api_errors import" in p.read_text(errors="ignore")]
    assert importers == []
