"""One error type and one JSON error shape for every API endpoint.

Shape: ``{"message": "...", "errors": {"field.path": ["..."]}}``. Services raise
ApplicationError; DRF's own validation and permission errors are reshaped the same way.
"""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ApplicationError(Exception):
    """A request that cannot be carried out; says what is wrong and where."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None, *, status_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        if status_code is not None:
            self.status_code = status_code


class Conflict(ApplicationError):
    status_code = status.HTTP_409_CONFLICT


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error detail into {"a.b[0].c": [messages]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            for k, v in _flatten(value, path).items():
                flat.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        if all(not isinstance(v, (dict, list)) for v in detail):
            flat[prefix or "non_field_errors"] = [str(v) for v in detail]
        else:
            for i, value in enumerate(detail):
                for k, v in _flatten(value, f"{prefix}[{i}]").items():
                    flat.setdefault(k, []).extend(v)
    else:
        flat[prefix or "non_field_errors"] = [str(detail)]
    return flat


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response({"message": exc.message, "errors": exc.errors}, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"message": _("The request is not valid."), "errors": _flatten(exc.detail)}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        response.data = {"message": str(detail), "errors": {}}
    return response
