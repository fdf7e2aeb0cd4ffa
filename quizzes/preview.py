"""The studio's preview of a case: answers read, checked and graded as a trainee's are, in
memory, and nothing stored (no attempt, response or grade row).

A preview carries the unaided answers given so far (item id → option id) in its forms'
actions (``initial-<item id>``). Here they become unsaved responses in the ``unaided``
state, and a graded answer an unsaved response with its unsaved grade, so that the case
player's presenters show them as they show a trainee's stored ones: the same decide-first
rule (``Withheld``), the same forms, the same feedback. The checks are the services' own
(``check_unaided_answer``, ``check_answer``) and the grade is the grader's.
"""
from collections.abc import Mapping, Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Item
from training.errors import ApplicationError, Conflict

from .graders import grader_for
from .grading import answer_for_grading, artifact_payload, grade_answer
from .models import Grade, Response
from .selectors import Withheld, withheld_among, withheld_conflict
from .services import check_answer, check_unaided_answer

CARRIED_PREFIX = "initial-"


def carried_unaided(items: Sequence[Item], params: Mapping[str, str]) -> dict[int, str]:
    """The unaided answers ``params`` carries (``initial-<item id>``: an option id) that are
    valid for a decide-first item among ``items``; anything else is left out."""
    by_id = {item.pk: item for item in items if item.decide_first}
    carried = {}
    for name, value in params.items():
        if not name.startswith(CARRIED_PREFIX) or not value:
            continue
        item = by_id.get(int(name.removeprefix(CARRIED_PREFIX))) if name.removeprefix(CARRIED_PREFIX).isdigit() else None
        if item is not None and not grader_for(item.type).validate_initial_answer(item.spec, {"answer": value}):
            carried[item.pk] = value
    return carried


def carried_params(carried: Mapping[int, str]) -> dict[str, str]:
    """The query parameters that carry these unaided answers (``carried_unaided`` reads them)."""
    return {f"{CARRIED_PREFIX}{item_id}": value for item_id, value in sorted(carried.items())}


def withheld(items: Sequence[Item], carried: Mapping[int, str]) -> Withheld:
    return withheld_among(items=items, unaided=set(carried))


def unaided_responses(items: Sequence[Item], carried: Mapping[int, str]) -> dict[int, Response]:
    """The carried unaided answers as the player's responses in the ``unaided`` state (unsaved)."""
    return {
        item.pk: Response(item=item, state=Response.State.UNAIDED, initial_answer={"answer": carried[item.pk]})
        for item in items if item.pk in carried
    }


def preview_unaided(*, item: Item, answer: dict, carried: Mapping[int, str]) -> None:
    """Refuse, as ``response_answer_unaided`` does, an unaided answer a trainee could not give."""
    check_unaided_answer(item=item, answer=answer)
    if item.pk in carried and carried[item.pk] != answer.get("answer"):
        raise Conflict(_("The unaided answer was already given and cannot be changed."))


def preview_answer(*, items: Sequence[Item], item: Item, answer: dict, carried: Mapping[int, str]) -> Response:
    """The final answer to ``item`` graded in memory: an unsaved response (graded) with its
    unsaved grade; refused as ``response_submit`` refuses it (decide-first first, then the
    answer's validity), or when the item has no key yet (a draft)."""
    items = list(items)
    blocker = withheld(items, carried).blocker(item)
    if blocker is not None:
        raise withheld_conflict(item=item, blocker=blocker, number=items.index(blocker) + 1)
    check_answer(item=item, answer=answer)
    if not hasattr(item, "key"):
        raise ApplicationError(_("This question has no answer key yet: give it one in the editor to see answers graded."))
    initial = {"answer": carried[item.pk]} if item.pk in carried else None
    grader = grader_for(item.type)
    result = grade_answer(item=item, key=item.key.answer,
                          answer=answer_for_grading(item=item, answer=answer, initial_answer=initial),
                          artifact=artifact_payload(item, failure_modes=False))
    now = timezone.now()
    response = Response(item=item, state=Response.State.GRADED, answer=answer, initial_answer=initial,
                        submitted_at=now)
    response.grade = Grade(score=result.score, cbm_mark=result.cbm_mark, feedback=result.feedback,
                           detail=result.detail, grader_version=grader.VERSION, is_final=not result.needs_review,
                           graded_at=now)
    return response
