"""The OpenAPI schema tells every answer an endpoint can give, the errors included.

drf-spectacular documents the success of each operation; the errors every endpoint shares are
added here (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]), in the one error shape of
``training.api_errors`` (``{"message": ..., "errors": {field: [...]}}``):

- 403 for an operation that needs a signed-in user (no or a wrong token, or a role that may
  not do this: DRF answers 403, as session authentication comes first and sends no challenge);
- 404 for an operation with path parameters (a row missing or not the user's to see);
- 400 for an operation that reads a body or query parameters (invalid input, named by field).

An operation's own errors (409, 429, ...) are documented where the view is (``extend_schema``).
"""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse

ERROR_COMPONENT = "ApiError"
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "message": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["message", "errors"],
}
DESCRIPTIONS = {
    "400": "The request is not valid: the message, and the errors by field path.",
    "403": "Not signed in, or not allowed to do this.",
    "404": "Not found, or not yours to see.",
}
METHODS = ("get", "post", "put", "patch", "delete")


def _needs_sign_in(operation: dict, default_security: list) -> bool:
    security = operation.get("security", default_security)
    return bool(security) and {} not in security


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the shared error answers of every operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(ERROR_COMPONENT, ERROR_SCHEMA)
    ref = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    default_security = result.get("security", [{}])
    for path, item in result.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            params = operation.get("parameters", [])
            codes = []
            if _needs_sign_in(operation, default_security):
                codes.append("403")
            if "{" in path:
                codes.append("404")
            if "requestBody" in operation or any(p.get("in") == "query" for p in params):
                codes.append("400")
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                if code.startswith("4") and "content" not in response:
                    response["content"] = {"application/json": {"schema": ref}}
            for code in codes:
                responses.setdefault(code, {
                    "description": DESCRIPTIONS[code], "content": {"application/json": {"schema": ref}},
                })
    return result


# An operation's own 409 (``extend_schema(responses={..., 409: CONFLICT})``); the hook gives it the
# error shape, as it does to any error answer documented without a body.
CONFLICT = OpenApiResponse(description="Conflicts with the current state: the message says which.")
