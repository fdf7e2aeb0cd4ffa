"""What the navigation needs to know about the signed-in person: which hats they wear, as the
rules (schools.rules) answer."""
import rules
from django.utils.functional import SimpleLazyObject

from . import rules as vigil_rules
from .models import Role


def _roles(user) -> dict[str, bool | list[dict[str, str]]]:
    if not user.is_authenticated:
        return {"trainee": False, "staff": False, "author": False, "admin_schools": [], "register_schools": []}
    # rules.has_perm rather than user.has_perm: a refusal then costs no query of Django's
    # permission tables, and the rules give superusers what they hold.
    return {
        "trainee": vigil_rules.has_role(user, Role.TRAINEE),
        "staff": rules.has_perm("cohorts.list_cohorts", user),
        "author": rules.has_perm("courses.author", user),
        "admin_schools": vigil_rules.audit_log_schools(user),
        "register_schools": vigil_rules.register_schools(user),
    }


def roles(request) -> dict:
    """``vigil_roles.trainee`` / ``.staff`` / ``.author`` / ``.admin_schools``, computed once per
    request if used."""
    return {"vigil_roles": SimpleLazyObject(lambda: _roles(request.user))}
