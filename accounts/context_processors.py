"""What the navigation needs to know about the signed-in person: which hats they wear."""
from django.utils.functional import SimpleLazyObject


def _roles(user) -> dict[str, bool]:
    from cohorts.models import Enrollment, Membership, Role

    if not user.is_authenticated:
        return {"trainee": False, "staff": False, "author": False}
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    teaches = Enrollment.objects.filter(user=user, role=Enrollment.CohortRole.FACULTY).exists() if Role.FACULTY in roles else False
    return {
        "trainee": Role.TRAINEE in roles,
        "staff": user.is_superuser or bool(roles & {Role.REVIEWER, Role.ADMIN}) or teaches,
        "author": user.is_superuser or bool(roles & {Role.FACULTY, Role.ADMIN}),
    }


def roles(request) -> dict:
    """``vigil_roles.trainee`` / ``.staff`` / ``.author``, computed once per request if used."""
    return {"vigil_roles": SimpleLazyObject(lambda: _roles(request.user))}
