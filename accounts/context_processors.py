"""What the navigation needs to know about the signed-in person: which hats they wear."""
from django.utils.functional import SimpleLazyObject


def _roles(user) -> dict[str, bool | list[dict[str, str]]]:
    from schools.models import Enrollment, Membership, Role

    if not user.is_authenticated:
        return {"trainee": False, "staff": False, "author": False, "admin_schools": []}
    memberships = list(Membership.objects.filter(user=user).order_by("school__name")
                       .values_list("role", "school__slug", "school__name"))
    roles = {role for role, _slug, _name in memberships}
    teaches = Enrollment.objects.filter(user=user, role=Enrollment.CohortRole.FACULTY).exists() if Role.FACULTY in roles else False
    return {
        "trainee": Role.TRAINEE in roles,
        "staff": user.is_superuser or bool(roles & {Role.REVIEWER, Role.ADMIN}) or teaches,
        "author": user.is_superuser or bool(roles & {Role.FACULTY, Role.ADMIN}),
        # Schools whose audit log the person may read (a superuser opens any from its address).
        "admin_schools": [{"slug": slug, "name": name} for role, slug, name in memberships if role == Role.ADMIN],
    }


def roles(request) -> dict:
    """``vigil_roles.trainee`` / ``.staff`` / ``.author`` / ``.admin_schools``, computed once per
    request if used."""
    return {"vigil_roles": SimpleLazyObject(lambda: _roles(request.user))}
