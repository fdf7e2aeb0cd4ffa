"""factory_boy factories for every model a test needs; the shortest valid rows."""
import factory
from django.utils import timezone

from accounts.models import User
from schools.models import Assignment, AuditEvent, Cohort, Enrollment, Membership, Role, School
from courses.models import Artifact, Case, Course, CourseVersion, Item, ItemKey, Lesson, Module
from quizzes.models import Attempt, Response


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pw-for-tests-1")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"School {n}")
    slug = factory.Sequence(lambda n: f"school-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    school = factory.SubFactory(SchoolFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.TRAINEE


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    slug = factory.Sequence(lambda n: f"cohort-{n}")
    year = 2026


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory(UserFactory)
    role = Enrollment.CohortRole.TRAINEE


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    slug = factory.Sequence(lambda n: f"course-{n}")


class CourseVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseVersion

    course = factory.SubFactory(CourseFactory)
    number = 1
    status = CourseVersion.Status.PUBLISHED
    language = "en"
    title = factory.Sequence(lambda n: f"Course {n}")
    published_at = factory.LazyFunction(timezone.now)


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    version = factory.SubFactory(CourseVersionFactory)
    slug = factory.Sequence(lambda n: f"module-{n}")
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Module {n}")


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    position = factory.Sequence(lambda n: n)
    title = "A lesson"
    body = "Some *Markdown*."


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    module = factory.SubFactory(ModuleFactory)
    slug = factory.Sequence(lambda n: f"case-{n}")
    position = factory.Sequence(lambda n: n)
    title = "A case"
    vignette = "A 67-year-old man (synthetic)."


class ArtifactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Artifact

    case = factory.SubFactory(CaseFactory)
    slug = factory.Sequence(lambda n: f"artifact-{n}")
    position = factory.Sequence(lambda n: n)
    kind = Artifact.Kind.TEXT
    title = "AI-drafted note"
    content = factory.LazyFunction(lambda: {"text": "Patient is allergic to penicillin. Start amoxicillin."})
    ai_correct = False


class ItemFactory(factory.django.DjangoModelFactory):
    """A single-choice item with its key; pass type/spec/key for others."""

    class Meta:
        model = Item
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    slug = factory.Sequence(lambda n: f"item-{n}")
    position = factory.Sequence(lambda n: n)
    type = Item.Type.SINGLE_CHOICE
    prompt = "Which is right?"
    spec = factory.LazyFunction(lambda: {"options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]})

    @factory.post_generation
    def key(self, create, extracted, **kwargs):
        if create:
            ItemKey.objects.create(item=self, answer=extracted or {"answer": "b"}, rationale="Because B.")

    @factory.post_generation
    def competencies(self, create, extracted, **kwargs):
        if create:
            self.competencies.set(extracted or ["VER"])


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    cohort = factory.SubFactory(CohortFactory)
    course = factory.SubFactory(CourseFactory)


class AuditEventFactory(factory.django.DjangoModelFactory):
    """A staff member's read of a cohort, recorded in its school's log; ``at=`` back-dates it."""

    class Meta:
        model = AuditEvent
        skip_postgeneration_save = True

    actor = factory.SubFactory(UserFactory)
    action = "cohort.trainee.read"
    cohort = factory.SubFactory(CohortFactory)
    school = factory.SelfAttribute("cohort.school")

    @factory.post_generation
    def at(self, create, extracted, **kwargs):
        if create and extracted is not None:  # ``at`` is set on insert (auto_now_add): move it after
            AuditEvent.objects.filter(pk=self.pk).update(at=extracted)
            self.at = extracted


class AttemptFactory(factory.django.DjangoModelFactory):
    """An open attempt at a module, of its course."""

    class Meta:
        model = Attempt

    trainee = factory.SubFactory(UserFactory)
    module = factory.SubFactory(ModuleFactory)
    course = factory.SelfAttribute("module.version.course")
    module_slug = factory.SelfAttribute("module.slug")


class ResponseFactory(factory.django.DjangoModelFactory):
    """A free-text answer waiting for a faculty grade (no grade row: the services make those)."""

    class Meta:
        model = Response

    attempt = factory.SubFactory(AttemptFactory)
    item = factory.SubFactory(ItemFactory, case__module=factory.SelfAttribute("...attempt.module"),
                              type=Item.Type.FREE_TEXT, spec={})
    state = Response.State.REVIEW
    answer = factory.LazyFunction(lambda: {"text": "An answer."})
    submitted_at = factory.LazyFunction(timezone.now)


def assigned_module(*trainees: User, **module_fields) -> Module:
    """A published module of a course assigned, through one cohort, to all these trainees."""
    module = ModuleFactory(**module_fields)
    cohort = CohortFactory()
    for trainee in trainees:
        EnrollmentFactory(user=trainee, cohort=cohort)
    AssignmentFactory(cohort=cohort, course=module.version.course)
    return module


class PracticeReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "observatory.PracticeReport"

    school = factory.SubFactory(SchoolFactory)
    reporter = factory.SubFactory(UserFactory)
    tool_name = "Chest X-ray triage AI"
    tool_category = "imaging"
    failure_mode_id = "SHIFT"
    severity = "near_miss"
    ai_output = "No acute finding."
    what_was_wrong = "A pneumothorax was missed on a portable film."
    clinician_action = "Read the film again and asked for a CT."
