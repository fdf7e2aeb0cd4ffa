"""Who may open which module, case or item as a trainee (raising 404 rather than telling
a stranger that a thing exists): the rule ``quizzes.take_course`` (schools.rules)."""
import rules
from schools.selectors import answers_open
from django.http import Http404

from accounts.models import User
from courses.models import Case, CourseVersion, Module
from .models import Attempt


def trainee_module(*, trainee: User, module_id: int) -> Module:
    """A module the trainee may open: of an assigned course, in its published version or a
    version the trainee already has an attempt on."""
    module = Module.objects.select_related("version__course").filter(pk=module_id).first()
    # rules.has_perm, not trainee.has_perm: Django's lets a superuser take any course.
    if module is None or not rules.has_perm("quizzes.take_course", trainee, module.version.course):
        raise Http404
    if module.version.status != CourseVersion.Status.PUBLISHED and not Attempt.objects.filter(
        trainee=trainee, module=module,
    ).exists():
        raise Http404
    return module


def trainee_case(*, trainee: User, case_id: int) -> Case:
    case = Case.objects.filter(pk=case_id).only("id", "module_id").first()
    if case is None:
        raise Http404
    module = trainee_module(trainee=trainee, module_id=case.module_id)
    case = Case.objects.get(pk=case_id)
    case.module = module
    return case


def trainee_attempt(*, trainee: User, attempt_id: int) -> Attempt:
    attempt = (Attempt.objects.select_related("module__version__course").annotate(answers_open=answers_open())
               .filter(pk=attempt_id, trainee=trainee).first())
    if attempt is None:
        raise Http404
    return attempt
