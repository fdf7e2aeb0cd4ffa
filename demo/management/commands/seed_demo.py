"""``python manage.py seed_demo``: the demo courses, school, people and answer histories.

Safe to run twice: a school that already exists is left as it is.
"""
import random
from datetime import timedelta
from pathlib import Path


from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from cohorts import services as cohort_services
from progress.aggregates import trend_rows_rebuild
from quizzes.selectors import final_grade_contributions
from progress.models import ModuleProgress
from schools.models import Enrollment, Role, School
from courses.models import Course, Item
from courses.services import course_package_import
from courses.selectors import course_latest_published
from demo.simulation import PROFILES, final_answer, unaided_answer
from quizzes import services as quiz_services
from quizzes.models import Attempt, Grade, Response
from schools import services as school_services

COURSES_DIR = Path(__file__).resolve().parents[2] / "courses"
DEMO_PASSWORD = "vigil-demo"
SCHOOL_SLUG = "demo-medical-school"


class Command(BaseCommand):
    help = "Load the demo courses and a demo school with 30 trainees and simulated answers."

    def add_arguments(self, parser):
        parser.add_argument("--trainees", type=int, default=30)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        if School.objects.filter(slug=SCHOOL_SLUG).exists():
            self.stdout.write("The demo school exists already; nothing to do.")
            return
        rng = random.Random(options["seed"])
        courses = self._import_courses()
        people = self._people(options["trainees"])
        cohorts = self._cohorts(people, courses)
        answered = self._simulate(rng, people["trainees"], courses["ai-literacy-clinicians"])
        self._confirm_some_free_text(rng, people["faculty"])
        self._spread_over_weeks(rng, people["trainees"])
        issued = cohort_services.attestations_issue(
            cohort=cohorts[0], course=courses["ai-literacy-clinicians"], issued_by=people["admin"],
        )
        self.stdout.write(self.style.SUCCESS(
            f"Demo ready: {len(courses)} courses, {len(cohorts)} cohorts, {len(people['trainees'])} trainees, "
            f"{answered} answers, {len(issued)} attestations. Sign in as trainee01, faculty, reviewer or schooladmin "
            f"(password {DEMO_PASSWORD!r})."
        ))

    def _import_courses(self) -> dict[str, Course]:
        courses = {}
        for folder in sorted(p for p in COURSES_DIR.iterdir() if (p / "course.yaml").exists()):
            version = course_package_import(path=folder, publish=True)
            courses[version.course.slug] = version.course
        return courses

    @transaction.atomic
    def _people(self, n_trainees: int) -> dict:
        school = School.objects.create(name="Demo Faculty of Medicine", slug=SCHOOL_SLUG)

        def user(username, first, last, role, **extra):
            u = User.objects.create_user(username=username, password=DEMO_PASSWORD, first_name=first,
                                         last_name=last, email=f"{username}@demo.vigil.example", **extra)
            school_services.school_member_add(school=school, user=u, role=role)
            return u

        faculty = user("faculty", "Claire", "Martin", Role.FACULTY)
        for course in Course.objects.all():
            course.owner = faculty
            course.school = school
            course.save(update_fields=["owner", "school"])
        trainees = [
            user(f"trainee{i:02d}", f"Trainee{i:02d}", "Demo", Role.TRAINEE, training_year=3 + i % 4)
            for i in range(1, n_trainees + 1)
        ]
        return {
            "school": school, "faculty": faculty, "trainees": trainees,
            "reviewer": user("reviewer", "Paul", "Durand", Role.REVIEWER),
            "admin": user("schooladmin", "Amina", "Benali", Role.ADMIN),
        }

    def _cohorts(self, people: dict, courses: dict[str, Course]) -> list:
        school = people["school"]
        english = school_services.cohort_create(school=school, name="Class of 2027", year=2026)
        french = school_services.cohort_create(school=school, name="Promotion 2027 (FR)", year=2026)
        names = [t.username for t in people["trainees"]]
        school_services.cohort_enroll(cohort=english, usernames=names)
        school_services.cohort_enroll(cohort=french, usernames=names[:5])
        for cohort in (english, french):
            school_services.cohort_enroll(cohort=cohort, usernames=["faculty"], role=Enrollment.CohortRole.FACULTY)
        due = timezone.now() + timedelta(days=30)
        school_services.cohort_assign_course(cohort=english, course=courses["ai-literacy-clinicians"], due_at=due)
        for slug, course in courses.items():
            if slug != "ai-literacy-clinicians":
                school_services.cohort_assign_course(cohort=french, course=course, due_at=due)
        return [english, french]

    def _simulate(self, rng: random.Random, trainees: list[User], course: Course) -> int:
        """Each trainee answers a profile-dependent share of the course, module by module."""
        version = course_latest_published(course=course)
        modules = list(version.modules.prefetch_related("cases__items__key", "cases__items__artifact"))
        answered = 0
        for i, trainee in enumerate(trainees):
            profile = PROFILES[i % len(PROFILES)]
            reach = 1 + (i * 7) % len(modules)  # how many modules this trainee has reached
            if i % 10 == 9:
                continue  # some trainees have not started: the dashboard shows them
            for module in modules[:reach]:
                attempt = quiz_services.attempt_start(trainee=trainee, module=module)
                for case in module.cases.all():
                    for item in case.items.all():
                        initial = None
                        if item.decide_first:
                            initial = unaided_answer(rng, profile, item)
                            quiz_services.response_answer_unaided(attempt=attempt, item=item, answer=initial)
                        with transaction.atomic():
                            quiz_services.response_submit(
                                attempt=attempt, item=item, answer=final_answer(rng, profile, item, initial),
                            )
                        answered += 1
                if module is not modules[reach - 1]:
                    quiz_services.attempt_submit(attempt=attempt)
        return answered

    def _confirm_some_free_text(self, rng: random.Random, faculty: User) -> None:
        """Faculty confirmed about half of the free-text answers; the rest wait in the queue."""
        pending = Response.objects.filter(state=Response.State.REVIEW, item__type=Item.Type.FREE_TEXT).select_related(
            "grade", "item__key", "attempt")
        for response in pending:
            if rng.random() < 0.5:
                points = {c["id"]: c["suggested"] for c in response.grade.detail["criteria"]}
                quiz_services.response_review_confirm(response=response, reviewer=faculty, points=points)

    @transaction.atomic
    def _spread_over_weeks(self, rng: random.Random, trainees: list[User]) -> None:
        """Date each trainee's modules a week or so apart, the last one this week, so the
        trend pages show weeks, not one day. Every timestamp of a module moves by the same
        amount, so their order (answers, grades, completion) stays as it was; the trend rows
        are then rebuilt from the grades (``progress.aggregates.trend_rows_rebuild``)."""
        for trainee in trainees:
            attempts = list(Attempt.objects.filter(trainee=trainee).order_by("started_at", "pk"))
            for index, attempt in enumerate(attempts):
                back = timedelta(days=7 * (len(attempts) - 1 - index) + rng.randrange(0, 3), hours=rng.randrange(0, 8))
                responses = Response.objects.filter(attempt=attempt)
                Grade.objects.filter(response__in=responses).update(graded_at=F("graded_at") - back)
                responses.update(submitted_at=F("submitted_at") - back, initial_at=F("initial_at") - back)
                Attempt.objects.filter(pk=attempt.pk).update(started_at=F("started_at") - back,
                                                             submitted_at=F("submitted_at") - back)
                ModuleProgress.objects.filter(
                    trainee=trainee, course_id=attempt.course_id, module_slug=attempt.module_slug,
                ).update(started_at=F("started_at") - back, last_activity_at=F("last_activity_at") - back,
                         completed_at=F("completed_at") - back)
        trend_rows_rebuild(final_grades=final_grade_contributions())

