"""Asking the rules (``schools.rules``) from pages and the API.

- ``RulesCacheMiddleware``: what the rules read is kept for one request, no longer.
- ``permission_required(perm)``: a page for people who hold ``perm`` (anonymous people go to
  the sign-in page, others get 403).
- ``object_or_404(user, perm, queryset, **lookup)``: the row, or 404 when it is missing or
  refused alike, so a stranger does not learn that it exists.
- ``permission(perm, message=...)``: the same as a DRF permission class (403 with the message).
"""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from rest_framework.permissions import BasePermission
from rules.contrib.views import permission_required as rules_permission_required

from schools.rules import allowed, request_cache


class RulesCacheMiddleware:
    """Memberships and scopes read by the rules are kept until the response is built."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_cache():
            return self.get_response(request)


def permission_required(perm: str):
    """Signed in (else the sign-in page) and holding ``perm`` (else 403)."""

    def decorator(view):
        return login_required(rules_permission_required(perm, raise_exception=True)(view))

    return decorator


def object_or_404(user, perm: str, queryset, **lookup):
    """The row of ``queryset`` matching ``lookup`` if ``user`` holds ``perm`` on it; 404 otherwise."""
    obj = allowed(user, perm, queryset, **lookup)
    if obj is None:
        raise Http404
    return obj


class RulePermission(BasePermission):
    """A DRF permission class asking ``perm`` of the signed-in user (on the object, for
    ``check_object_permissions``)."""

    perm = ""

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm(self.perm)

    def has_object_permission(self, request, view, obj) -> bool:
        return request.user.has_perm(self.perm, obj)


def permission(perm: str, *, message=None) -> type[RulePermission]:
    """``permission_classes = [IsAuthenticated, permission("courses.author", message=...)]``."""
    return type("RulePermission", (RulePermission,), {"perm": perm, "message": message})
