"""Who may reach the studio, and the content rows a person may edit: the rules
``courses.author`` and ``courses.edit_course`` (schools.rules), asked here."""
from django.http import Http404

from courses.models import Artifact, Case, Course, CourseVersion, Item, Lesson, Module
from training.permissions import object_or_404, permission_required

_COURSE_PATH = {
    Module: "version__course",
    Lesson: "module__version__course",
    Case: "module__version__course",
    Artifact: "case__module__version__course",
    Item: "case__module__version__course",
    CourseVersion: "course",
}


# Signed in (else the sign-in page) and allowed to use the studio (else 403).
author_required = permission_required("courses.author")


def course_for(request, slug: str) -> Course:
    """A course the user may edit (owner, co-author, superuser), else 404."""
    return object_or_404(request.user, "courses.edit_course", Course.objects.select_related("owner"), slug=slug)


def owned(request, model, pk: int, *, related: tuple[str, ...] = ()):
    """A content row of a course the user authors, its version and course loaded, else 404."""
    path = _COURSE_PATH[model]
    obj = model.objects.select_related(path, *related).filter(pk=pk).first()
    if obj is None:
        raise Http404
    course = obj
    for part in path.split("__"):
        course = getattr(course, part)
    if not request.user.has_perm("courses.edit_course", course):
        raise Http404
    return obj


def course_of(obj) -> Course:
    path = _COURSE_PATH[type(obj)]
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj
