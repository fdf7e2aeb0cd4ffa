"""The same item in the course's other versions: its "twins" (selectors).

A course is taught from several versions at once (last year's trainees took version 1, this
year's take version 2), and a new version starts as a copy of the previous one, so a wrong
key is usually wrong in every version. An item's twins are the items of the same course with
the same module slug, case slug, item slug and type. The twin in the draft is fixed with the
item automatically (``quizzes.regrade.item_key_fix``); the twins in the other published or
withdrawn versions are offered to the faculty member, who chooses which to fix too. This
module says which there are and whether each can take the fix.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from courses.models import CourseVersion, Item

from training.errors import ApplicationError, Conflict

from .grading import item_key_errors
from .models import Grade, RegradeJob

VERSION_STATUS_WORDS = {
    CourseVersion.Status.PUBLISHED: pgettext_lazy("a course version", "published"),
    CourseVersion.Status.WITHDRAWN: pgettext_lazy("a course version", "withdrawn"),
}


def item_twins(item: Item) -> QuerySet[Item]:
    """The same item (module, case and item slug, and type) in the course's other versions.

    ``item`` should come with its case, module and version loaded (else three queries)."""
    module = item.case.module
    return Item.objects.filter(
        case__module__version__course_id=module.version.course_id, case__module__slug=module.slug,
        case__slug=item.case.slug, slug=item.slug, type=item.type,
    ).exclude(pk=item.pk)


class VersionTwin:
    """What the twins of an item or of an AI output share: their version's status in words,
    and (in subclasses) ``qualifies``, ``conflicting`` and ``refusal``."""

    version_number: int
    version_status: str

    @property
    def status_word(self) -> str:
        return str(VERSION_STATUS_WORDS.get(self.version_status, self.version_status))


def chosen_twins_or_refusal(chosen: list[int], twins: dict, *, not_a_twin: str) -> list:
    """The twins chosen (by id, from ``twins``) when every one can take the fix; else the
    refusal naming each that cannot: 409 when one changed separately or is being regraded,
    400 otherwise, and the caller changes nothing. ``not_a_twin`` says so of an id (``%(id)s``)."""
    problems = []
    conflict = False
    for pk in chosen:
        twin = twins.get(pk)
        if twin is None:
            problems.append(not_a_twin % {"id": pk})
        elif not twin.qualifies:
            conflict = conflict or twin.conflicting
            problems.append(_("Version %(number)s cannot take this fix: %(why)s") % {
                "number": twin.version_number, "why": twin.refusal,
            })
    if problems:
        message = (
            _("%(problem)s Nothing was changed.") % {"problem": problems[0]} if len(problems) == 1
            else _("Some of the other versions cannot take this fix; nothing was changed.")
        )
        raise (Conflict if conflict else ApplicationError)(message, {"also_fix": problems})
    return [twins[pk] for pk in chosen]


@dataclass(frozen=True)
class KeyTwin(VersionTwin):
    """The same item in another published or withdrawn version, and whether it can take a fix."""

    item: Item
    version_number: int
    version_status: str
    same_old_key: bool  # its key is the key being fixed
    key_errors: dict[str, list[str]] | None  # what is wrong with the new key for it; None: not checked
    graded: int  # answers to it with a grade
    regrade_running: bool

    @property
    def qualifies(self) -> bool:
        """Whether the fix can be applied to it too (as far as checked: see ``key_errors``)."""
        return self.same_old_key and not self.regrade_running and not self.key_errors

    @property
    def conflicting(self) -> bool:
        """Whether it cannot take the fix because of a change made meanwhile (a 409, not a 400)."""
        return not self.same_old_key or self.regrade_running

    @property
    def refusal(self) -> str:
        """Why it cannot take the fix, in plain words; empty when it can."""
        if not self.same_old_key:
            return _("Its key is not the one being fixed (it was changed separately).")
        if self.regrade_running:
            return _("A regrade of it is running; wait until it has finished.")
        if self.key_errors:
            first = next(iter(self.key_errors.values()))[0]
            return _("The new key does not fit its question: %(problem)s") % {"problem": first}
        return ""


def item_key_twins(*, item: Item, old_answer: Any = None, new_answer: Any = None) -> list[KeyTwin]:
    """The item's twins in the course's other published or withdrawn versions, oldest version first.

    ``old_answer`` is the key being fixed (default: the item's current key); ``new_answer``,
    when given, is checked against each twin's own question (``key_errors``). Two queries
    (and one for the item's key when ``old_answer`` is not given), whatever the number of
    versions.
    """
    if old_answer is None:
        old_answer = item.key.answer
    graded = (
        Grade.objects.filter(response__item_id=OuterRef("pk")).order_by()
        .values("response__item_id").annotate(n=Count("pk")).values("n")
    )
    twins = (
        item_twins(item).exclude(case__module__version__status=CourseVersion.Status.DRAFT)
        .select_related("key", "artifact", "case__module__version__course")
        .prefetch_related("artifact__failure_modes")
        .annotate(
            graded=Coalesce(Subquery(graded, output_field=IntegerField()), Value(0)),
            regrade_running=Exists(RegradeJob.objects.filter(item_id=OuterRef("pk"),
                                                             status=RegradeJob.Status.RUNNING)),
        )
        .order_by("case__module__version__number")
    )
    return [
        KeyTwin(
            item=twin, version_number=twin.case.module.version.number, version_status=twin.case.module.version.status,
            same_old_key=twin.key.answer == old_answer,
            key_errors=None if new_answer is None else item_key_errors(item=twin, answer=new_answer),
            graded=twin.graded, regrade_running=twin.regrade_running,
        )
        for twin in twins
    ]
