"""Two schools, each with everything a URL of Vigil can name, and unique marker strings planted in
every place a person might see what they may not: keys, rationales, ground truths, the
decide-first AI output, each trainee's name, each school's name.

Each school ``X`` (``A`` or ``B``) has: a course owned by its faculty with a published version
(feedback *after the attempt*, so no key is due while the attempts are open); a module with a
lesson; a case with an item of every type, among them a decide-first reliance item whose
unaided answer is **not** stored and a numeric question about the same artifact (withheld until
it is: its prompt is a marker of the AI output); a cohort taught by the faculty with two
trainees who answered and were graded; trainee 1's free-text answer awaiting review; an export
job (done), an attestation of trainee 1, an audit event, a key fix and a regrade job.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cohorts import services as cohort_services
from cohorts.attestations import new_code
from cohorts.models import Attestation, ExportJob
from courses.models import Artifact, Course, ImportJob, Item, ItemKey, Module
from privacy import services as privacy_services
from privacy.models import DataExport
from quizzes import regrade
from quizzes import services as quiz_services
from quizzes.models import Attempt, KeyFix, RegradeJob, Response, TruthFix
from registry import services as registry_services
from registry.models import Tool
from schools.models import AuditEvent, Cohort, Enrollment, Role, School
from tests.factories import (
    ArtifactFactory, AssignmentFactory, AuditEventFactory, CaseFactory, CohortFactory, CourseFactory,
    CourseVersionFactory, EnrollmentFactory, ItemFactory, LessonFactory, MembershipFactory, ModuleFactory,
    SchoolFactory, UserFactory,
)

NOTE = "The patient reports chest pain since this morning. No known allergies. Plan: aspirin."


def marker(school: str, what: str) -> str:
    """A string found nowhere else: ``zqA-rationale-numeric-qz``."""
    return f"zq{school}-{what}-qz"


@dataclass
class SchoolWorld:
    tag: str
    school: School
    course: Course
    module: Module
    cohort: Cohort
    items: dict[str, Item]
    decide_first_artifact: Artifact
    trainee1: User
    trainee2: User
    faculty: User
    reviewer: User
    admin: User
    attempt1: Attempt
    attempt2: Attempt
    free_text_response: Response
    graded_response: Response
    export_job: ExportJob
    attestation: Attestation
    audit_event: AuditEvent
    key_fix: KeyFix
    truth_fix: TruthFix
    regrade_job: RegradeJob
    import_job: ImportJob
    own_data_export: DataExport  # trainee1's archive of their own data, written
    school_data_export: DataExport  # the admin's archive of trainee1's data at the school, written
    tool: Tool  # an AI tool of the school's register, used by its cohort, requiring its course
    # Markers by kind: "school", "trainee1" (name, free-text answer), "trainee2", "secret" (keys,
    # rationales, ground truths), "ai_output" (the decide-first artifact and its sibling question,
    # withheld from trainees while no unaided answer is stored).
    markers: dict[str, list[str]] = field(default_factory=dict)

    def all_markers(self) -> list[str]:
        return [m for ms in self.markers.values() for m in ms]


def _item(case, slug, type_, *, spec, key, artifact=None, rationale, competencies=("VER",), prompt=None) -> Item:
    item = ItemFactory(case=case, slug=slug, type=type_, spec=spec, key=key, artifact=artifact,
                       competencies=list(competencies), prompt=prompt or f"Question {slug}?")
    ItemKey.objects.filter(item=item).update(rationale=rationale)
    return item


def build_school(tag: str) -> SchoolWorld:
    m = lambda what: marker(tag, what)  # noqa: E731
    secrets: list[str] = []

    def secret(what: str) -> str:
        secrets.append(m(what))
        return m(what)

    school = SchoolFactory(name=m("school"), slug=f"school-{tag.lower()}")
    faculty = UserFactory(username=f"faculty{tag}", first_name="Fac", last_name=tag)
    reviewer = UserFactory(username=f"reviewer{tag}")
    admin = UserFactory(username=f"admin{tag}")
    trainee1 = UserFactory(username=f"trainee{tag}1", first_name=m("trainee1"), last_name="One")
    trainee2 = UserFactory(username=f"trainee{tag}2", first_name=m("trainee2"), last_name="Two")
    MembershipFactory(school=school, user=faculty, role=Role.FACULTY)
    MembershipFactory(school=school, user=reviewer, role=Role.REVIEWER)
    MembershipFactory(school=school, user=admin, role=Role.ADMIN)
    for t in (trainee1, trainee2):
        MembershipFactory(school=school, user=t, role=Role.TRAINEE)

    course = CourseFactory(slug=f"course-{tag.lower()}", school=school, owner=faculty)
    version = CourseVersionFactory(course=course, title=f"Course {tag}", hours=2)
    module = ModuleFactory(version=version, slug="mod", position=1, title=f"Module {tag}",
                           feedback_policy=Module.FeedbackPolicy.AFTER_ATTEMPT)
    LessonFactory(module=module, slug="intro", position=1)
    case = CaseFactory(module=module, slug="case", position=1, title=f"Case {tag}")
    note = ArtifactFactory(case=case, slug="note", position=1, kind=Artifact.Kind.TEXT, content={"text": NOTE},
                           ai_correct=False, truth_explanation=secret("truth-note"))
    df = ArtifactFactory(case=case, slug="df", position=2, kind=Artifact.Kind.PREDICTION, ai_correct=False,
                         content={"model": m("ai-output-model"), "target": "T", "output": m("ai-output"),
                                  "probability": 0.8},
                         source=m("ai-output-source"), truth_explanation=secret("truth-df"))
    options = [{"id": "a", "text": "Option A"}, {"id": "b", "text": "Option B"}]
    allergy = NOTE.index("No known")
    items = {
        "single": _item(case, "single", Item.Type.SINGLE_CHOICE, spec={"options": options}, key={"answer": "b"},
                        rationale=secret("rationale-single")),
        "multiple": _item(case, "multiple", Item.Type.MULTIPLE_CHOICE, spec={"options": options},
                          key={"correct": ["a"]}, rationale=secret("rationale-multiple")),
        "spans": _item(case, "spans", Item.Type.ERROR_SPANS, artifact=note, spec={},
                       key={"spans": [{"start": allergy, "end": allergy + 19, "failure_mode": "HAL",
                                       "corrections": [secret("key-spans")]}]},
                       rationale=secret("rationale-spans")),
        "sct": _item(case, "sct", Item.Type.SCRIPT_CONCORDANCE,
                     spec={"hypothesis": "Pneumonia", "new_information": "A new finding."},
                     key={"panel": {"-2": 0, "-1": 1, "0": 2, "1": 6, "2": 1}}, rationale=secret("rationale-sct")),
        "free": _item(case, "free", Item.Type.FREE_TEXT, spec={"max_words": 100},
                      key={"criteria": [{"id": "c1", "text": secret("key-free"), "points": 1,
                                         "look_for": [["aspirin"]]}]},
                      rationale=secret("rationale-free")),
        "decide": _item(case, "decide", Item.Type.RELIANCE_DECISION, artifact=df,
                        spec={"question": "Start?", "options": options, "ai_answer": "a", "decide_first": True,
                              "ask_confidence": True},
                        key={"answer": "b"}, rationale=secret("rationale-decide"), competencies=("OVS",)),
        "sibling": _item(case, "sibling", Item.Type.NUMERIC, artifact=df, spec={"unit": "%"},
                         key={"value": 42.5, "tolerance_abs": 0.5}, rationale=secret("rationale-sibling"),
                         prompt=m("ai-output-sibling-prompt")),
    }

    cohort = CohortFactory(school=school, name=f"Cohort {tag}", slug=f"cohort-{tag.lower()}")
    AssignmentFactory(cohort=cohort, course=course)
    EnrollmentFactory(cohort=cohort, user=faculty, role=Enrollment.CohortRole.FACULTY)
    for t in (trainee1, trainee2):
        EnrollmentFactory(cohort=cohort, user=t)

    attempt1 = quiz_services.attempt_start(trainee=trainee1, module=module)
    attempt2 = quiz_services.attempt_start(trainee=trainee2, module=module)
    graded, _ = quiz_services.response_submit(attempt=attempt1, item=items["single"], answer={"answer": "a"})
    quiz_services.response_grade(response_id=graded.pk)
    free, _ = quiz_services.response_submit(attempt=attempt1, item=items["free"],
                                            answer={"text": f"I would stop the aspirin. {m('trainee1-answer')}"})
    quiz_services.response_grade(response_id=free.pk)
    for key, answer in (("single", {"answer": "b"}), ("multiple", {"answers": ["a"]})):
        r, _ = quiz_services.response_submit(attempt=attempt2, item=items[key], answer=answer)
        quiz_services.response_grade(response_id=r.pk)
    free.refresh_from_db()

    job = cohort_services.export_request(user=reviewer, cohort=cohort, kind="progress", fmt="csv")
    cohort_services.export_run(job_id=job.pk)
    job.refresh_from_db()
    attestation = Attestation.objects.create(
        code=new_code(), trainee=trainee1, school=school, cohort=cohort, course=course, version=version,
        holder_name=f"{m('trainee1')} One", holder_initials="Z. O.", course_title=version.title, version_number=1,
        completed_at=timezone.now(), score=0.5, hours=2,
    )
    event = AuditEventFactory(actor=admin, cohort=cohort, subject=trainee1)
    key_fix = KeyFix.objects.create(item=items["single"], old_answer={"answer": "b"}, new_answer={"answer": "b"},
                                    reason="A fix.", fixed_by=faculty)
    truth_fix = TruthFix.objects.create(artifact=df, old_correct=df.ai_correct, new_correct=df.ai_correct,
                                        reason="A fix.", fixed_by=faculty)
    job_regrade = regrade.regrade_job_create(item=items["single"], user=faculty, reason="A regrade.")
    import_job = ImportJob.objects.create(kind=ImportJob.Kind.PACKAGE, requested_by=faculty,
                                          source_name=f"{m('import')}.zip")
    own_export = privacy_services.data_export_request(subject=trainee1, requested_by=trainee1)
    privacy_services.data_export_run(export_id=own_export.pk)
    school_export = DataExport.objects.create(subject=trainee1, requested_by=admin, school=school)
    privacy_services.data_export_run(export_id=school_export.pk)

    tool = registry_services.tool_create(school=school, actor=admin, data={
        "name": f"Tool {tag}", "category": "triage", "failure_modes": ["CAL"], "cohorts": [cohort.slug],
        "user_roles": ["faculty"], "training": [course.slug]})
    with transaction.atomic():
        tool = registry_services.model_card_attach(tool=tool, actor=admin, filename="card.md",
                                                   data=f"# Model card\n\nIntended use: {m('school')}\n".encode())

    w = SchoolWorld(
        tag=tag, school=school, course=course, module=module, cohort=cohort, items=items,
        decide_first_artifact=df, trainee1=trainee1, trainee2=trainee2, faculty=faculty, reviewer=reviewer,
        admin=admin, attempt1=attempt1, attempt2=attempt2, free_text_response=free, graded_response=graded,
        export_job=job, attestation=attestation, audit_event=event, key_fix=key_fix, truth_fix=truth_fix,
        regrade_job=job_regrade, import_job=import_job, own_data_export=own_export,
        school_data_export=school_export, tool=tool,
    )
    w.markers = {
        "school": [m("school")], "trainee1": [m("trainee1"), m("trainee1-answer")], "trainee2": [m("trainee2")],
        "secret": secrets,
        "ai_output": [m("ai-output-model"), m("ai-output"), m("ai-output-source"), m("ai-output-sibling-prompt")],
    }
    return w


def forbidden_markers(role: str, a: SchoolWorld, b: SchoolWorld) -> list[str]:
    """The markers a person of ``role`` (``test_permissions_matrix.ROLES``, named after school
    ``a``; ``b`` is the other school) must never see in any answer: the other school's, the
    other trainee's, and for trainees the keys, rationales, ground truths and withheld AI
    output that are not released while the attempts are open."""
    unreleased = a.markers["secret"] + a.markers["ai_output"]  # attempts open, feedback after the attempt
    return {
        "anonymous": a.all_markers() + b.all_markers(),
        "trainee": b.all_markers() + a.markers["trainee2"] + unreleased,
        "other_trainee": b.all_markers() + a.markers["trainee1"] + unreleased,
        "faculty": b.all_markers(),
        "other_school_faculty": a.all_markers(),
        "reviewer": b.all_markers() + a.markers["secret"],
        "admin": b.all_markers() + a.markers["secret"],
        "other_school_reviewer": a.all_markers(),
        "other_school_admin": a.all_markers(),
    }[role]
