"""Who may reach the studio, and the content rows a person may edit."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from schools.models import Membership, Role
from courses.apis import authored_courses
from courses.models import Artifact, Case, Course, CourseVersion, Item, Lesson, Module

_COURSE_PATH = {
    Module: "version__course",
    Lesson: "module__version__course",
    Case: "module__version__course",
    Artifact: "case__module__version__course",
    Item: "case__module__version__course",
    CourseVersion: "course",
}


def is_author(user) -> bool:
    """Faculty or school admins anywhere, and platform superusers, may use the studio."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_vigil_is_author", None)
    if cached is None:
        cached = Membership.objects.filter(user=user, role__in=[Role.FACULTY, Role.ADMIN]).exists()
        user._vigil_is_author = cached
    return cached


def author_required(view):
    """Signed in (else the sign-in page) and an author (else 403)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_author(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def course_for(request, slug: str) -> Course:
    """A course the user authors (owner, co-author, superuser), else 404."""
    course = authored_courses(request.user).filter(slug=slug).select_related("owner").first()
    if course is None:
        raise Http404
    return course


def owned(request, model, pk: int, *, related: tuple[str, ...] = ()):
    """A content row of a course the user authors, its version and course loaded, else 404."""
    path = _COURSE_PATH[model]
    obj = model.objects.select_related(path, *related).filter(pk=pk).first()
    if obj is None:
        raise Http404
    course = obj
    for part in path.split("__"):
        course = getattr(course, part)
    if not authored_courses(request.user).filter(pk=course.pk).exists():
        raise Http404
    return obj


def course_of(obj) -> Course:
    path = _COURSE_PATH[type(obj)]
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj
