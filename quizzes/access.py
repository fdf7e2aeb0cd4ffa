"""Who may open which module, case or item as a trainee (raising 404 rather than telling
a stranger that a thing exists): the rule ``quizzes.take_course`` (schools.rules)."""
import rules
from schools.selectors import answers_open
from django.http import Http404

from accounts.models import User
from courses.models import Case, CourseVersion, Item, Module
from training.compiled import CompiledQuery

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


# The lookups of an answer submit, the hot path of an exam: compiled once per process
# (training/compiled.py), each with only what a submit reads.
_SUBMIT_ATTEMPT = CompiledQuery(
    lambda attempt_id, trainee_id: (
        Attempt.objects.only("id", "trainee_id", "module_id", "status").annotate(answers_open=answers_open())
        .filter(pk=attempt_id, trainee_id=trainee_id).order_by()[:1]
    ),
    "attempt_id", "trainee_id",
)
_SUBMIT_ITEM = CompiledQuery(
    lambda item_id, module_id: (
        Item.objects.select_related("case", "artifact").only(
            "id", "type", "spec", "artifact_id", "case__id", "case__module_id",
            "artifact__id", "artifact__kind", "artifact__content", "artifact__ai_correct",
        ).filter(pk=item_id, case__module_id=module_id).order_by()[:1]
    ),
    "item_id", "module_id",
)


def trainee_submit_target(*, trainee: User, attempt_id: int, item_id: int) -> tuple[Attempt, Item]:
    """The attempt (the trainee's own, with ``answers_open``) and the item (of the attempt's
    module, with its case and artifact) an answer is submitted to, with only what the submit
    reads: no module, version or course behind the attempt, no key or case text behind the
    item; 404 for an attempt that is not the trainee's or an item of another module (2 queries)."""
    found = _SUBMIT_ATTEMPT(attempt_id=attempt_id, trainee_id=trainee.pk)
    if not found:
        raise Http404
    attempt = found[0]
    found = _SUBMIT_ITEM(item_id=item_id, module_id=attempt.module_id)
    if not found:
        raise Http404
    return attempt, found[0]
