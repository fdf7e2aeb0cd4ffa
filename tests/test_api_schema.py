"""The OpenAPI description is what API clients generate code from: it must build without a
warning (no two components of one name, no colliding operation ids) and validate."""
from django.core.management import call_command


def test_the_openapi_schema_builds_without_warnings_and_validates(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(out), "--validate", "--fail-on-warn")
    text = out.read_text(encoding="utf-8")
    assert "/api/v1/attestations/verify/{code}/" in text and "CohortCreateRequest" in text
