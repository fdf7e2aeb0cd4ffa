"""Reads of the quizzes app: what a trainee may see of an item, a response and its grade."""
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from statistics import quantiles

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from progress.measures import ratio
from progress.models import MeasureCounter
from schools.models import Assignment, Enrollment, School
from progress.selectors import trainee_measures
from schools.rules import gradable_responses
from schools.selectors import trainee_assignments, trainee_due_date
from courses.models import (
    Artifact,
    Case,
    Course,
    CourseVersion,
    Item,
    Module,
)
from courses.selectors import version_media_urls

from training.compiled import CompiledQuery
from training.errors import Conflict

from .models import Attempt, Grade, Response


# ---------------------------------------------------------------- decide first
# The one rule of what a decide-first item withholds, used by every page and endpoint that
# shows an AI output, a question about one, an answer to such a question or its feedback,
# and by the service that stores final answers (quizzes.services.response_submit).


@dataclass(frozen=True)
class Withheld:
    """What decide-first withholds in an attempt: ``pending`` are the decide-first items whose
    unaided answer is not stored yet. Until every one about an AI output has it, nothing
    derived from that output is obtainable: its content, source and the AI's answer, the
    other questions about it (their wording may quote it), answers to them and their
    feedback. Only the unaided questions themselves are asked, without the AI's answer."""

    pending: tuple[Item, ...] = ()

    def blocker(self, item: Item) -> Item | None:
        """The unaided question that withholds ``item`` (``item`` itself, when it is one), or None."""
        if any(p.pk == item.pk for p in self.pending):
            return item
        return self.artifact(item.artifact_id)

    def artifact(self, artifact_id: int | None) -> Item | None:
        """The unaided question that withholds this AI output, or None."""
        return next((p for p in self.pending if artifact_id is not None and p.artifact_id == artifact_id), None)

    def shows_response(self, response: Response) -> bool:
        """A stored unaided answer is the trainee's own and shows; any answer beyond it to a
        withheld item, and so its grade and feedback, does not."""
        return response.state == Response.State.UNAIDED or self.blocker(response.item) is None


def withheld_among(*, items: Iterable[Item], unaided: Collection[int]) -> Withheld:
    """The rule over items already read (in the order given), ``unaided`` being the ids of
    those whose unaided answer is stored (``unaided_given``)."""
    return Withheld(pending=tuple(i for i in items if i.decide_first and i.pk not in unaided))


def unaided_given(responses: Iterable[Response]) -> set[int]:
    """The ids of the items whose unaided answer these responses hold."""
    return {r.item_id for r in responses if r.initial_answer is not None}


def withheld_about(*, attempt: Attempt | None, item: Item) -> Withheld:
    """The rule in the attempt over the decide-first items about the same AI output as
    ``item`` (and ``item`` itself): enough to say whether ``item``, and answers to it, are
    withheld (1 query; none for an item neither decide-first nor about an AI output)."""
    if not item.decide_first and item.artifact_id is None:
        return Withheld()
    if attempt is not None:  # every answer's path: the query compiled once (training/compiled.py)
        if item.artifact_id is not None:
            candidates = _WITHHELD_ABOUT_ARTIFACT(attempt_id=attempt.pk, item_id=item.pk, artifact_id=item.artifact_id)
        else:
            candidates = _WITHHELD_ABOUT_ITEM(attempt_id=attempt.pk, item_id=item.pk)
        return _withheld_of(candidates)
    about = Q(pk=item.pk) | Q(artifact_id=item.artifact_id) if item.artifact_id is not None else Q(pk=item.pk)
    return _withheld(attempt, about)


def withheld_in_attempt(*, attempt: Attempt) -> Withheld:
    """The rule over the whole module of the attempt (1 query)."""
    return _withheld(attempt, Q(case__module_id=attempt.module_id))


def _candidates(attempt_id: int | None, about: Q) -> QuerySet[Item]:
    """The reliance questions ``about`` selects, in order, each with whether its unaided
    answer is stored in the attempt (``unaided``)."""
    return (
        Item.objects.filter(about, type=Item.Type.RELIANCE_DECISION)
        .only("id", "type", "spec", "artifact_id", "case_id", "position").order_by("position", "id")
        .annotate(unaided=Exists(Response.objects.filter(
            attempt_id=attempt_id, item_id=OuterRef("pk"), initial_answer__isnull=False,
        )))
    )


_WITHHELD_ABOUT_ARTIFACT = CompiledQuery(
    lambda attempt_id, item_id, artifact_id: _candidates(attempt_id, Q(pk=item_id) | Q(artifact_id=artifact_id)),
    "attempt_id", "item_id", "artifact_id",
)
_WITHHELD_ABOUT_ITEM = CompiledQuery(
    lambda attempt_id, item_id: _candidates(attempt_id, Q(pk=item_id)), "attempt_id", "item_id",
)


def _withheld(attempt: Attempt | None, about: Q) -> Withheld:
    return _withheld_of(list(_candidates(attempt.pk if attempt else None, about)))


def _withheld_of(candidates: list[Item]) -> Withheld:
    return withheld_among(items=candidates, unaided={i.pk for i in candidates if i.unaided})


def refuse_if_withheld(*, attempt: Attempt, item: Item) -> None:
    """Conflict (409) when decide-first withholds ``item`` in the attempt, naming the unaided
    question to answer first. Asked before anything else about a request, so that what is
    refused, and how, says nothing of the AI output (1 query, or none: ``withheld_about``;
    one more to name another question)."""
    blocker = withheld_about(attempt=attempt, item=item).blocker(item)
    if blocker is not None:
        raise withheld_conflict(item=item, blocker=blocker)


def withheld_conflict(*, item: Item, blocker: Item, number: int | None = None) -> Conflict:
    """The refusal of an answer to ``item`` while ``blocker``, its unaided question, awaits its
    answer (``Withheld.blocker``); ``number`` is the blocker's question number, read when not
    given (1 query). The studio's preview refuses with it too."""
    if blocker.pk == item.pk:
        return Conflict(_("Give your unaided answer first; the AI output is shown after it."))
    return Conflict(
        _("Answer the unaided question first: question %(number)s, “%(question)s”. The AI output and the "
          "questions about it are shown after it.")
        % {"number": number if number is not None else question_number(blocker),
           "question": (blocker.spec or {}).get("question", "")},
    )


def asking_order(items: Iterable[Item]) -> list[Item]:
    """The items of a case in the order they are asked: their positions, except that the
    unaided question of a decide-first item comes before every other question about its AI
    output (publishing refuses another order, ``courses.packages.unaided``; a version
    published before that rule keeps its positions and is asked this way). The player, the
    case API and the numbers that messages quote all count in this order."""
    items = list(items)
    first: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        if item.decide_first and item.artifact_id is not None:
            first[item.artifact_id].append(item)
    ordered: list[Item] = []
    placed: set[int] = set()
    for item in items:
        for earlier in first.get(item.artifact_id, ()) if item.artifact_id is not None else ():
            if earlier.pk not in placed:
                placed.add(earlier.pk)
                ordered.append(earlier)
        if item.pk not in placed:
            placed.add(item.pk)
            ordered.append(item)
    return ordered


def question_number(item: Item) -> int:
    """The item's number in its case, as the case player counts (``asking_order``; 1 query)."""
    siblings = Item.objects.filter(case_id=item.case_id).only("id", "type", "spec", "artifact_id", "position")
    return next(number for number, i in enumerate(asking_order(siblings.order_by("position", "id")), start=1)
                if i.pk == item.pk)


def feedback_is_due(*, response: Response) -> bool:
    """May the trainee see the feedback of this graded response yet: the key, the rationale,
    the ground truth and the grader's sentences (``quizzes.feedback.grade_feedback``)?"""
    if response.state != Response.State.GRADED:
        return False
    policy = response.attempt.module.feedback_policy
    if policy == Module.FeedbackPolicy.IMMEDIATE:
        return True
    if policy == Module.FeedbackPolicy.AFTER_ATTEMPT:
        return response.attempt.status == Attempt.Status.SUBMITTED
    due = trainee_due_date(trainee=response.attempt.trainee, course=response.attempt.course)
    return response.attempt.status == Attempt.Status.SUBMITTED and (due is None or due <= timezone.now())


def awaiting_review() -> QuerySet[Response]:
    """Free-text answers waiting for their first faculty grade (anyone's)."""
    return Response.objects.filter(state=Response.State.REVIEW, item__type=Item.Type.FREE_TEXT)


def review_queue(*, user: User) -> QuerySet[Response]:
    """Free-text answers waiting for a grade that the user may give, oldest first: the scope
    of ``quizzes.grade_response`` (``schools.rules.gradable_responses``), so the queue and
    the rule asked on each answer cannot disagree."""
    return gradable_responses(user, awaiting_review()).select_related("item__key", "grade", "attempt").order_by(
        "submitted_at", "pk")


# ---------------------------------------------------------------- trainee pages
# Reads behind the trainee's server-rendered pages (quizzes/views). Each issues a fixed
# number of queries whatever the number of modules, cases or items; tests pin them.



FINAL_STATES = (Response.State.SUBMITTED, Response.State.REVIEW, Response.State.GRADED, Response.State.FAILED)


@dataclass
class ModuleSummary:
    """One module as the trainee's home and module pages show it."""

    module: Module
    items_total: int = 0
    answered: int = 0  # final answers in the attempt shown (latest, the open one first)
    graded: int = 0
    score_sum: float = 0.0
    attempt: Attempt | None = None

    @property
    def mean_score(self) -> float | None:
        return self.score_sum / self.graded if self.graded else None

    @property
    def module_score(self) -> float | None:
        """The score sum over every question of the module: an unanswered question counts 0,
        and so does an answer until it is graded (docs/measures.md, "Module score")."""
        return self.score_sum / self.items_total if self.items_total else None

    @property
    def unanswered(self) -> int:
        return max(self.items_total - self.answered, 0)

    @property
    def ungraded(self) -> int:
        """Answers given but not graded yet (being graded, waiting for review, or failed)."""
        return max(self.answered - self.graded, 0)

    @property
    def status(self) -> str:
        if self.attempt is None:
            return "not_started"
        if self.attempt.status == Attempt.Status.SUBMITTED:
            return "submitted"
        if self.items_total and self.answered >= self.items_total:
            return "answered"
        return "in_progress"


@dataclass
class CourseSummary:
    version: CourseVersion
    due_at: object | None
    cohorts: list[str]
    modules: list[ModuleSummary] = field(default_factory=list)

    @property
    def items_total(self) -> int:
        return sum(m.items_total for m in self.modules)

    @property
    def answered(self) -> int:
        return sum(min(m.answered, m.items_total) for m in self.modules)


def _latest_attempts(*, trainee: User, modules: list[Module]) -> dict[int, Attempt]:
    """Per module: the open attempt if there is one, else the latest submitted one."""
    chosen: dict[int, Attempt] = {}
    for attempt in Attempt.objects.filter(trainee=trainee, module__in=modules).order_by("-started_at"):
        current = chosen.get(attempt.module_id)
        if current is None or (attempt.status == Attempt.Status.OPEN and current.status != Attempt.Status.OPEN):
            chosen[attempt.module_id] = attempt
    return chosen


def _attempt_tallies(attempts: list[Attempt]) -> dict[int, dict]:
    """Answered and graded counts, score sums and last activity per attempt (1 query)."""
    out: dict[int, dict] = defaultdict(lambda: {"answered": 0, "graded": 0, "score_sum": 0.0, "last": None})
    rows = (
        Response.objects.filter(attempt__in=attempts)
        .values("attempt_id", "state")
        .annotate(n=Count("id"), score=Sum("grade__score"), last=Max("updated_at"))
    )
    for row in rows:
        tally = out[row["attempt_id"]]
        if row["state"] in FINAL_STATES:
            tally["answered"] += row["n"]
        if row["state"] == Response.State.GRADED:
            tally["graded"] += row["n"]
            tally["score_sum"] += row["score"] or 0.0
        if row["last"] and (tally["last"] is None or row["last"] > tally["last"]):
            tally["last"] = row["last"]
    return out


def _items_per_module(modules: list[Module]) -> dict[int, int]:
    return dict(
        Item.objects.filter(case__module__in=modules).values("case__module_id")
        .annotate(n=Count("id")).values_list("case__module_id", "n")
    )


def trainee_home(*, trainee: User) -> dict:
    """The trainee's assigned courses (latest published versions), each module's progress
    in its latest attempt, and where to continue (8 queries)."""
    by_course: dict[int, dict] = {}
    for a in trainee_assignments(trainee=trainee):
        entry = by_course.setdefault(a.course_id, {"dues": [], "cohorts": []})
        entry["dues"].append(a.due_at)
        if a.cohort.name not in entry["cohorts"]:
            entry["cohorts"].append(a.cohort.name)
    versions: dict[int, CourseVersion] = {}
    for v in CourseVersion.objects.filter(course_id__in=by_course, status=CourseVersion.Status.PUBLISHED).select_related(
        "course",
    ).order_by("course_id", "-number"):
        versions.setdefault(v.course_id, v)
    modules = list(Module.objects.filter(version__in=versions.values()).order_by("position"))
    totals = _items_per_module(modules)
    attempts = _latest_attempts(trainee=trainee, modules=modules)
    tallies = _attempt_tallies(list(attempts.values()))
    courses: dict[int, CourseSummary] = {}
    for course_id, version in versions.items():
        dues = by_course[course_id]["dues"]
        courses[version.pk] = CourseSummary(
            version=version, due_at=None if any(d is None for d in dues) else max(dues),
            cohorts=by_course[course_id]["cohorts"],
        )
    for m in modules:
        attempt = attempts.get(m.pk)
        tally = tallies[attempt.pk] if attempt else {"answered": 0, "graded": 0, "score_sum": 0.0}
        courses[m.version_id].modules.append(ModuleSummary(
            module=m, items_total=totals.get(m.pk, 0), answered=tally["answered"], graded=tally["graded"],
            score_sum=tally["score_sum"], attempt=attempt,
        ))
    ordered = sorted(courses.values(), key=lambda c: (c.due_at is None, c.due_at or 0, c.version.title))
    return {"courses": ordered, "resume": _resume_point(attempts=attempts, tallies=tallies, modules=modules)}


def _resume_point(*, attempts: dict[int, Attempt], tallies: dict[int, dict], modules: list[Module]) -> dict | None:
    """The open attempt touched last and its first case with an unanswered item (2 queries)."""
    open_attempts = [a for a in attempts.values() if a.status == Attempt.Status.OPEN]
    if not open_attempts:
        return None
    attempt = max(open_attempts, key=lambda a: tallies[a.pk]["last"] or a.started_at)
    module = next(m for m in modules if m.pk == attempt.module_id)
    case = next_case_to_answer(attempt=attempt)
    return {"attempt": attempt, "module": module, "case": case}


def attempt_answer_count(*, attempt: Attempt) -> tuple[int, int]:
    """How many questions of the attempt's module have a final answer, and how many there
    are (2 queries)."""
    answered = Response.objects.filter(attempt=attempt, state__in=FINAL_STATES).count()
    return answered, Item.objects.filter(case__module_id=attempt.module_id).count()


def next_case_to_answer(*, attempt: Attempt, after_case: Case | None = None) -> dict | None:
    """The first case of the attempt's module (after ``after_case`` if given, wrapping
    round) with an item not answered yet, and that item (2 queries)."""
    answered = set(
        Response.objects.filter(attempt=attempt, state__in=FINAL_STATES).values_list("item_id", flat=True)
    )
    rows = list(
        Item.objects.filter(case__module_id=attempt.module_id)
        .order_by("case__position", "position").values_list("id", "case_id", "case__title", "case__position")
    )
    pending = [r for r in rows if r[0] not in answered]
    if not pending:
        return None
    if after_case is not None:
        later = [r for r in pending if r[3] > after_case.position]
        pending = later or pending
    item_id, case_id, title, _position = pending[0]
    return {"case_id": case_id, "item_id": item_id, "title": title}


def trainee_module_page(*, trainee: User, module: Module) -> dict:
    """A module with its lessons and cases, each case's status in the attempt shown, and
    any open attempt of the same module on another version (6 queries)."""
    attempts = list(
        Attempt.objects.filter(trainee=trainee, course_id=module.version.course_id, module_slug=module.slug)
        .order_by("-started_at")
    )
    here = [a for a in attempts if a.module_id == module.pk]
    attempt = next((a for a in here if a.status == Attempt.Status.OPEN), here[0] if here else None)
    elsewhere = next((a for a in attempts if a.status == Attempt.Status.OPEN and a.module_id != module.pk), None)
    lessons = list(module.lessons.order_by("position"))
    cases = list(module.cases.order_by("position"))
    items = list(Item.objects.filter(case__module=module).values_list("id", "case_id"))
    states: dict[int, tuple[str, float | None]] = {}
    if attempt is not None:
        states = {
            item_id: (state, score)
            for item_id, state, score in Response.objects.filter(attempt=attempt).values_list("item_id", "state", "grade__score")
        }
    rows = []
    for case in cases:
        case_items = [i for i, c in items if c == case.pk]
        rows.append({"case": case, **case_status(item_ids=case_items, states=states)})
    summary = ModuleSummary(
        module=module, items_total=len(items), attempt=attempt,
        answered=sum(1 for s, _ in states.values() if s in FINAL_STATES),
        graded=sum(1 for s, _ in states.values() if s == Response.State.GRADED),
        score_sum=sum(score or 0.0 for s, score in states.values() if s == Response.State.GRADED),
    )
    media = media_urls_if_shown(version_id=module.version_id, texts=[module.summary, *(lesson.body for lesson in lessons)])
    return {"summary": summary, "attempt": attempt, "other_version_attempt": elsewhere, "lessons": lessons, "cases": rows,
            "media": media}


def case_status(*, item_ids: list[int], states: dict[int, tuple[str, float | None]]) -> dict:
    """not_started, in_progress, pending (grading or review) or graded, with the mean score."""
    found = [states[i] for i in item_ids if i in states]
    final = [(s, score) for s, score in found if s in FINAL_STATES]
    graded = [score or 0.0 for s, score in final if s == Response.State.GRADED]
    if not found:
        status = "not_started"
    elif len(final) < len(item_ids):
        status = "in_progress"
    elif any(s == Response.State.REVIEW for s, _ in final):
        status = "review"
    elif len(graded) < len(item_ids):
        status = "pending"
    else:
        status = "graded"
    return {
        "status": status, "items": len(item_ids), "answered": len(final),
        "score": sum(graded) / len(graded) if graded and status == "graded" else None,
    }


MEDIA_REFERENCE = "](media/"  # how authored Markdown shows one of the version's files


def media_urls_if_shown(*, version_id: int, texts: Iterable[str] = (), needed: bool = False) -> dict[str, str]:
    """The URLs of a version's media files by package path (``media/scan.png``), read only
    when an image artifact needs them or a Markdown text shows one (1 query, or none)."""
    if not needed and not any(MEDIA_REFERENCE in (t or "") for t in texts):
        return {}
    return version_media_urls(version_id=version_id)


def case_content(*, case: Case) -> dict:
    """What any page playing a case shows of it (5 queries, or 4 without media): the
    artifacts with their ground-truth failure modes, the items in asking order with their
    keys (read: an item without a key yet has none) and competencies, and the media URLs
    its texts need. The case player and the studio's preview both read it; the caller
    decides what of the keys and ground truth to show."""
    module = case.module
    artifacts = list(case.artifacts.order_by("position").prefetch_related("failure_modes"))
    by_id = {a.pk: a for a in artifacts}
    items = asking_order(case.items.order_by("position").select_related("key").prefetch_related("competencies"))
    for item in items:
        item.case = case
        if item.artifact_id in by_id:
            item.artifact = by_id[item.artifact_id]
    texts = [case.vignette, *(i.prompt for i in items), *(i.key.rationale for i in items if hasattr(i, "key")),
             *(a.truth_explanation for a in artifacts),
             *(str(o.get("text", "")) for i in items for o in (i.spec or {}).get("options") or [] if isinstance(o, dict))]
    media = media_urls_if_shown(version_id=module.version_id, texts=texts,
                               needed=any(a.kind == Artifact.Kind.IMAGE for a in artifacts))
    return {"artifacts": artifacts, "items": items, "media": media}


def trainee_case_page(*, trainee: User, case: Case) -> dict:
    """Everything the case player shows (8 queries): the attempt on this module (the open
    one, else the latest), the responses with their grades, ``case_content`` and the
    module's case list. The caller decides what of the keys and ground truth to show."""
    module = case.module
    attempts = list(Attempt.objects.filter(trainee=trainee, module=module).order_by("-started_at"))
    attempt = next((a for a in attempts if a.status == Attempt.Status.OPEN), attempts[0] if attempts else None)
    if attempt is not None:
        attempt.module, attempt.trainee, attempt.course = module, trainee, module.version.course
    responses = {}
    if attempt is not None:
        for r in Response.objects.filter(attempt=attempt, item__case=case).select_related("grade"):
            r.attempt = attempt
            responses[r.item_id] = r
    content = case_content(case=case)
    for r in responses.values():
        r.item = next(i for i in content["items"] if i.pk == r.item_id)
    siblings = list(module.cases.order_by("position").values_list("id", "title"))
    return {"attempt": attempt, "responses": responses, **content, "siblings": siblings}


def trainee_response(*, trainee: User, response_id: int) -> Response | None:
    """One of the trainee's responses with what its feedback shows, or None when it is not
    theirs or decide-first withholds it (``Withheld.shows_response``): the poll of the API
    and the page's feedback fragment both read it here. 1 query, one more for an answer
    about an AI output, and the artifact's failure modes one more when the feedback shows
    the ground truth."""
    response = (
        Response.objects.select_related(
            "grade", "item__key", "item__artifact", "attempt__module", "attempt__course", "attempt__trainee",
        )
        .filter(pk=response_id, attempt__trainee=trainee)
        .first()
    )
    if response is None or response.state == Response.State.UNAIDED:
        return response
    if not withheld_about(attempt=response.attempt, item=response.item).shows_response(response):
        return None
    return response


# Counters a cohort comparison needs (progress.measures names); nothing else is read.
_COMPARISON_COUNTERS = (
    "items.n", "items.score", "rel.R.n", "rel.R.accepted", "rel.W.n", "rel.W.accepted", "conf.n", "conf.brier",
)
# The smallest number of trainees with a value for a distribution to be shown at all.
COHORT_MIN_PEERS = 5


# The smallest number of observations behind a trainee's figure for it to be placed among
# their cohorts, when the school sets none (School.min_decisions).
DEFAULT_MIN_DECISIONS = 10


def _comparison_values(counters: dict[str, float]) -> dict[str, tuple[float | None, float]]:
    """Each compared measure as (value, observations behind it)."""
    g = lambda name: counters.get(name, 0)  # noqa: E731
    r_n, w_n = g("rel.R.n"), g("rel.W.n")
    return {
        "mean_score": (ratio(g("items.score"), g("items.n")), g("items.n")),
        "appropriate_reliance": (ratio(g("rel.R.accepted") + w_n - g("rel.W.accepted"), r_n + w_n), r_n + w_n),
        "automation_bias_rate": (ratio(g("rel.W.accepted"), w_n), w_n),
        "aversion_rate": (ratio(r_n - g("rel.R.accepted"), r_n), r_n),
        "brier_score": (ratio(g("conf.brier"), g("conf.n")), g("conf.n")),
    }


def trainee_min_decisions(*, trainee: User) -> int:
    """The minimum number of observations for a per-trainee figure in the trainee's schools:
    the strictest of them (1 query)."""
    found = (School.objects.filter(cohorts__enrollments__user=trainee,
                                   cohorts__enrollments__role=Enrollment.CohortRole.TRAINEE)
             .aggregate(m=Max("min_decisions"))["m"])
    return DEFAULT_MIN_DECISIONS if found is None else found


def trainee_cohort_comparison(*, trainee: User, held_back: dict[str, float] | None = None) -> dict:
    """Where the trainee stands among the trainees of their cohorts, without any other
    trainee's identity or value: per measure, how many have one, the quartiles and the
    trainee's percentile rank (share of the others below, ties counted half). Withheld
    (None) when fewer than COHORT_MIN_PEERS trainees have a value (2 queries).

    Only trainees with at least the school's minimum number of observations behind a
    measure (School.min_decisions) are in its distribution; ``left_out`` counts the others,
    and the trainee's own value below it is shown but not ranked (``own_below_minimum``).

    Everyone's values, the trainee's own included, are over the courses assigned to the
    trainee's cohorts: what a peer did in another school's course stays there."""
    minimum = trainee_min_decisions(trainee=trainee)
    cohorts = Enrollment.objects.filter(user=trainee, role=Enrollment.CohortRole.TRAINEE).values("cohort_id")
    peers = Enrollment.objects.filter(cohort_id__in=cohorts, role=Enrollment.CohortRole.TRAINEE).values("user_id")
    courses = Assignment.objects.filter(cohort_id__in=cohorts).values("course_id")
    per_trainee: dict[int, dict[str, float]] = defaultdict(dict)
    rows = (
        MeasureCounter.objects.filter(trainee_id__in=peers, course_id__in=courses, name__in=_COMPARISON_COUNTERS)
        .values("trainee_id", "name").annotate(total=Sum("value")).values_list("trainee_id", "name", "total")
    )
    for trainee_id, name, total in rows:
        per_trainee[trainee_id][name] = total
    for name, value in (held_back or {}).items():  # the trainee's own, as their feedback shows it
        if name in per_trainee.get(trainee.pk, {}):
            per_trainee[trainee.pk][name] -= value
    values = {tid: _comparison_values(c) for tid, c in per_trainee.items()}
    mine = values.get(trainee.pk) or _comparison_values({})
    out: dict[str, dict | None] = {}
    for measure, (own, own_n) in mine.items():
        counted = {tid: v[measure] for tid, v in values.items() if v[measure][0] is not None}
        eligible = {tid: value for tid, (value, n) in counted.items() if n >= minimum}
        left_out = len(counted) - len(eligible)
        population = list(eligible.values())
        if len(population) < COHORT_MIN_PEERS:
            out[measure] = None
            continue
        q1, median, q3 = quantiles(population, n=4, method="inclusive")
        own_below = own is not None and own_n < minimum
        others = [v for tid, v in eligible.items() if tid != trainee.pk]
        rank = None
        if own is not None and not own_below and others:
            below = sum(1 for v in others if v < own) + 0.5 * sum(1 for v in others if v == own)
            rank = below / len(others)
        out[measure] = {"n": len(population), "q1": q1, "median": median, "q3": q3, "own": own, "rank": rank,
                        "own_n": round(own_n), "own_below_minimum": own_below,
                        "left_out": left_out, "minimum": minimum}
    return out


def feedback_held_back(*, trainee: User) -> dict[str, float]:
    """What the trainee's final grades added that their feedback does not show yet (an open
    attempt in a module whose feedback comes after it, or before the due date): a measure of
    reliance says whether the AI was right, which is feedback too, so the trainee's own
    figures leave these out until the feedback is due (1 query, one more per course with a
    due-date policy)."""
    rows = (
        Grade.objects.filter(is_final=True, response__attempt__trainee=trainee)
        .exclude(response__attempt__module__feedback_policy=Module.FeedbackPolicy.IMMEDIATE)
        .filter(~Q(response__attempt__status=Attempt.Status.SUBMITTED)
                | Q(response__attempt__module__feedback_policy=Module.FeedbackPolicy.AFTER_DUE))
        .values_list("response__attempt__course_id", "response__attempt__module__feedback_policy",
                     "response__attempt__status", "contribution")
    )
    held: dict[str, float] = defaultdict(float)
    due_passed: dict[int, bool] = {}
    now = timezone.now()
    for course_id, policy, status, contribution in rows:
        if status == Attempt.Status.SUBMITTED:  # the due-date policy: held until the date
            if course_id not in due_passed:
                due = trainee_due_date(trainee=trainee, course=Course(pk=course_id))
                due_passed[course_id] = due is None or due <= now
            if due_passed[course_id]:
                continue
        for name, value in (contribution or {}).items():
            held[name] += value
    return dict(held)


def trainee_released_measures(*, trainee: User) -> dict:
    """The trainee's own measures over the grades whose feedback they may see (2 queries)."""
    return trainee_measures(trainee=trainee, held_back=feedback_held_back(trainee=trainee))


def trainee_profile(*, trainee: User) -> dict:
    """The trainee's own measures (progress.measures) and their cohort comparison, both
    without what their feedback does not show yet (3 queries)."""
    held = feedback_held_back(trainee=trainee)
    return {"measures": trainee_measures(trainee=trainee, held_back=held),
            "comparison": trainee_cohort_comparison(trainee=trainee, held_back=held)}


def final_grade_contributions() -> Iterator[tuple[int, int, str, datetime, dict | None]]:
    """What every final grade added, with the time it was answered (the trend rows' day):
    the input of ``progress.aggregates.trend_rows_rebuild``, streamed in chunks."""
    rows = Grade.objects.filter(is_final=True).values_list(
        "response__attempt__trainee_id", "response__attempt__course_id", "response__attempt__module_slug",
        "response__submitted_at", "graded_at", "contribution",
    )
    for trainee_id, course_id, slug, submitted_at, graded_at, contribution in rows.iterator(chunk_size=2000):
        yield trainee_id, course_id, slug, submitted_at or graded_at, contribution
