"""``python manage.py seed_demo``: the demo courses, school, people and answer histories.

Safe to run twice: a school that already exists is left as it is.
"""
import random
from datetime import timedelta
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction
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
from demo.simulation import cohort_profiles, final_answer, free_text_answer, reliance_plan, unaided_answer
from quizzes import services as quiz_services
from quizzes.models import Attempt, Grade, Response
from registry import services as registry_services
from schools import services as school_services

COURSES_DIR = Path(__file__).resolve().parents[2] / "courses"
DEMO_PASSWORD = "vigil-demo"
SCHOOL_SLUG = "demo-medical-school"


ENGLISH, FRENCH = "ai-literacy-clinicians", "ai-literacy-clinicians-fr"


class Command(BaseCommand):
    help = ("Load the demo courses and a demo school: an English cohort of 30 trainees and a French one of 12, "
            "each with its own course and simulated answers.")

    def add_arguments(self, parser):
        parser.add_argument("--trainees", type=int, default=30, help="Trainees of the English cohort.")
        parser.add_argument("--french-trainees", type=int, default=None,
                            help="Trainees of the French cohort (default: two fifths of --trainees).")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        if School.objects.filter(slug=SCHOOL_SLUG).exists():
            self.stdout.write("The demo school exists already; nothing to do.")
            return
        n_english = options["trainees"]
        n_french = options["french_trainees"]
        if n_french is None:
            n_french = round(n_english * 2 / 5)
        self._commit_without_waiting_for_the_disk()
        courses = self._import_courses()
        people = self._people(n_english, n_french)
        english, french = self._cohorts(people, courses)
        marks: dict[tuple[int, int], dict[str, float]] = {}
        # Each cohort has its own random stream: its histories are its own, and the English
        # ones stay the same whatever the size of the French cohort.
        rng = random.Random(options["seed"])
        answered = self._simulate(rng, people["english"], courses[ENGLISH], marks)
        answered += self._simulate(random.Random(options["seed"] + 1), people["french"], courses[FRENCH], marks)
        confirmed = self._confirm_some_free_text(rng, people["faculty"], marks)
        self._spread_over_weeks(rng, people["english"] + people["french"])
        issued = [
            *cohort_services.attestations_issue(cohort=english, course=courses[ENGLISH], issued_by=people["admin"]),
            *cohort_services.attestations_issue(cohort=french, course=courses[FRENCH], issued_by=people["admin"]),
        ]
        tools = self._register(people, english, french, courses)
        reports = seed_practice_reports(people=people, course=courses[ENGLISH])
        self.stdout.write(f"{reports} practice reports, one turned into a draft case.")
        self.stdout.write(self.style.SUCCESS(
            f"Demo ready: {tools} AI tools in the register, {len(courses)} courses, 2 cohorts, {n_english + n_french} trainees "
            f"({n_english} in {english.name}, {n_french} in {french.name}), {answered} answers, "
            f"{confirmed} free-text marks confirmed by faculty, {len(issued)} attestations. Sign in as trainee01, "
            f"interne01, faculty, reviewer or schooladmin (password {DEMO_PASSWORD!r})."
        ))

    @staticmethod
    @transaction.atomic
    def _register(people: dict, english, french, courses: dict[str, Course]) -> int:
        """The school's AI tool register: a handful of synthetic tools (fictional names and
        vendors, no real product's claims), their users and required training (the English
        course for the English cohort, a module of it for the scribe, nothing yet for the
        patient chat, so the coverage page and the map show every case)."""
        modules = [m.slug for m in courses[ENGLISH].versions.filter(status="published").order_by(
            "-number").first().modules.order_by("position")]
        fictional = "(fictional vendor, demo)"
        tools = [
            {"name": "ChestScan Assist", "vendor": f"Northwind Imaging {fictional}", "version": "3.2",
             "category": "imaging", "status": "deployed", "high_risk": True, "device_class": "IIa",
             "intended_use": "Flags suspected pneumothorax and nodules on adult chest X-rays for the radiologist's review.",
             "intended_users": "Radiologists and emergency physicians", "known_limits":
             "Not validated under 18 years; lower sensitivity on portable AP films.",
             "failure_modes": ["SHIFT", "SHORT", "BIAS"], "cohorts": [english.slug], "user_roles": ["faculty"],
             "departments": ["Radiology", "Emergency"], "training": [courses[ENGLISH].slug]},
            {"name": "EarlyWarn Sepsis", "vendor": f"Helio Analytics {fictional}", "version": "1.4",
             "category": "triage", "status": "pilot", "high_risk": True, "device_class": "IIb",
             "intended_use": "Scores the risk of sepsis in the next 12 hours from vital signs and labs.",
             "known_limits": "Threshold set on another hospital's population; alerts late in neutropenia.",
             "failure_modes": ["CAL", "SHIFT", "OMI"], "cohorts": [english.slug, french.slug],
             "departments": ["ICU", "Internal medicine"], "training": [courses[ENGLISH].slug, courses[FRENCH].slug]},
            {"name": "NoteDraft Scribe", "vendor": f"Quill Health {fictional}", "version": "2025.11",
             "category": "scribe", "status": "deployed", "intended_use": "Drafts the visit note from the consultation audio.",
             "known_limits": "Can add findings never said (negations, laterality).",
             "failure_modes": ["HAL", "OMI", "PRIV"], "cohorts": [french.slug], "departments": ["Outpatients"],
             "training": [f"{courses[ENGLISH].slug}/{modules[0]}"] if modules else []},
            {"name": "Ward LLM Assistant", "vendor": f"Generic LLM provider {fictional}", "version": "4",
             "category": "llm", "status": "evaluated", "intended_use": "Answers clinicians' questions; drafts letters.",
             "known_limits": "Not a medical device; cites guidance that may be outdated or invented.",
             "failure_modes": ["HAL", "OLD", "INJ", "CLIN"], "user_roles": ["faculty", "reviewer"],
             "training": [courses[ENGLISH].slug]},
            {"name": "PatientChat Triage", "vendor": f"Bluebird Care {fictional}", "version": "0.9",
             "category": "patient-chat", "status": "pilot", "high_risk": True,
             "intended_use": "Answers patients' questions after discharge and suggests when to call.",
             "failure_modes": ["SCOPE", "CLIN"], "cohorts": [french.slug], "training": []},
            {"name": "DoseCheck Paediatrics", "vendor": f"Ardent Pharma IT {fictional}", "version": "2.0",
             "category": "dosing", "status": "retired", "failure_modes": ["CLIN", "CAL"],
             "known_limits": "Retired after weight units were misread.", "user_roles": [], "training": []},
        ]
        for data in tools:
            tool = registry_services.tool_create(school=people["school"], data=data, actor=people["admin"])
            if data["name"] == "ChestScan Assist":
                registry_services.model_card_attach(tool=tool, data=MODEL_CARD.encode(), actor=people["admin"],
                                                    filename="chestscan-assist-model-card.md")
        return len(tools)

    @staticmethod
    def _commit_without_waiting_for_the_disk() -> None:
        """The seeding commits a few thousand small transactions (an answer, then its
        grade); waiting for each to reach the disk was most of its time. This connection
        does not wait: SQLite without ``synchronous`` (a crash of the process cannot corrupt
        the file, a crash of the machine could, and the demo is then seeded again),
        PostgreSQL without ``synchronous_commit`` (a crash may lose the last transactions,
        never corrupt)."""
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA synchronous = OFF")
            elif connection.vendor == "postgresql":
                cursor.execute("SET synchronous_commit = off")

    def _import_courses(self) -> dict[str, Course]:
        courses = {}
        for folder in sorted(p for p in COURSES_DIR.iterdir() if (p / "course.yaml").exists()):
            version = course_package_import(path=folder, publish=True)
            courses[version.course.slug] = version.course
        return courses

    @transaction.atomic
    def _people(self, n_english: int, n_french: int) -> dict:
        """The school's staff and two sets of trainees, training years 1 to 6 in turn."""
        school = School.objects.create(name="Demo Faculty of Medicine", slug=SCHOOL_SLUG)
        password = make_password(DEMO_PASSWORD)  # the same for every account: hashed once, not 50 times

        def user(username, first, last, role, **extra):
            u = User.objects.create(username=username, password=password, first_name=first,
                                    last_name=last, email=f"{username}@demo.vigil.example", **extra)
            school_services.school_member_add(school=school, user=u, role=role)
            return u

        faculty = user("faculty", "Claire", "Martin", Role.FACULTY)
        for course in Course.objects.all():
            course.owner = faculty
            course.school = school
            course.save(update_fields=["owner", "school"])

        def trainees(prefix, last_name, n):
            return [user(f"{prefix}{i:02d}", f"{prefix.capitalize()}{i:02d}", last_name, Role.TRAINEE,
                         training_year=1 + (i - 1) % 6) for i in range(1, n + 1)]

        return {
            "school": school, "faculty": faculty,
            "english": trainees("trainee", "Demo", n_english), "french": trainees("interne", "Démo", n_french),
            "reviewer": user("reviewer", "Paul", "Durand", Role.REVIEWER),
            "admin": user("schooladmin", "Amina", "Benali", Role.ADMIN),
        }

    def _cohorts(self, people: dict, courses: dict[str, Course]) -> tuple:
        """Each language version of the course goes to its own cohort, with its own trainees."""
        school = people["school"]
        english = school_services.cohort_create(school=school, name="Class of 2027", year=2026)
        french = school_services.cohort_create(school=school, name="Promotion 2027 (FR)", year=2026)
        due = timezone.now() + timedelta(days=30)
        for cohort, trainees, slug in ((english, people["english"], ENGLISH), (french, people["french"], FRENCH)):
            school_services.cohort_enroll(cohort=cohort, usernames=[t.username for t in trainees])
            school_services.cohort_enroll(cohort=cohort, usernames=["faculty"], role=Enrollment.CohortRole.FACULTY)
            school_services.cohort_assign_course(cohort=cohort, course=courses[slug], due_at=due)
        return english, french

    def _simulate(self, rng: random.Random, trainees: list[User], course: Course,
                  marks: dict[tuple[int, int], dict[str, float]]) -> int:
        """Each trainee works through the course module by module: a third of them to the end
        (the course completed), a third to the last module, still open, a third to the one
        before, still open; every tenth has not started. Whoever started meets enough
        reliance decisions, and enough wrong AI outputs, for the per-trainee figures
        (School.min_decisions). The teacher's marks of free-text answers go into ``marks``."""
        version = course_latest_published(course=course)
        modules = list(version.modules.prefetch_related("cases__items__key", "cases__items__artifact"))
        answered = 0
        started = [(i, t) for i, t in enumerate(trainees, start=1) if i % 10]  # every tenth has not started
        for (i, trainee), profile in zip(started, cohort_profiles(rng, [t.training_year for _, t in started])):
            reach = len(modules) - (1 if i % 3 == 2 else 0)
            reached = modules[:reach]
            right = reliance_plan(rng, profile, [it for m in reached for c in m.cases.all() for it in c.items.all()])
            for module in reached:
                attempt = quiz_services.attempt_start(trainee=trainee, module=module)
                for case in module.cases.all():
                    for item in case.items.all():
                        answered += self._answer(rng, profile, attempt, item, item.pk in right,
                                                 version.language, marks)
                if module is not reached[-1] or i % 3 == 0:
                    quiz_services.attempt_submit(attempt=attempt)
        return answered

    @staticmethod
    def _answer(rng, profile, attempt, item, right: bool, language: str, marks: dict) -> int:
        initial = None
        if item.type == Item.Type.FREE_TEXT:
            answer, marks[(attempt.pk, item.pk)] = free_text_answer(rng, profile, item, language=language)
        else:
            if item.decide_first:
                initial = unaided_answer(rng, profile, item, right)
                quiz_services.response_answer_unaided(attempt=attempt, item=item, answer=initial)
            answer = final_answer(rng, profile, item, initial, right, language)
        with transaction.atomic():
            quiz_services.response_submit(attempt=attempt, item=item, answer=answer)
        return 1

    def _confirm_some_free_text(self, rng: random.Random, faculty: User,
                                marks: dict[tuple[int, int], dict[str, float]]) -> int:
        """Faculty marked about half of the free-text answers, with the points a teacher gives
        what the trainee wrote (``demo.simulation.free_text_answer``), which differ from the
        suggested points now and then; the rest wait in the queue."""
        pending = Response.objects.filter(state=Response.State.REVIEW, item__type=Item.Type.FREE_TEXT).select_related(
            "grade", "item__key", "attempt").order_by("pk")
        confirmed = 0
        for response in pending:
            if rng.random() < 0.5:
                points = marks[(response.attempt_id, response.item_id)]
                quiz_services.response_review_confirm(response=response, reviewer=faculty, points=points)
                confirmed += 1
        return confirmed

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



# ---------------------------------------------------------------- practice reports (observatory)

DEMO_REPORTS = [
    # (reporter, tool, category, failure mode, severity, what the AI produced, what was wrong, what the
    # clinician did, status, weeks ago). Synthetic: no real tool, vendor or patient.
    ("trainee01", "Chest X-ray triage AI (pilot)", "imaging", "SHIFT", "near_miss",
     "Portable chest film of an intensive-care patient flagged \"no acute finding\", low priority.",
     "A small apical pneumothorax after a central line. The tool was trained on upright outpatient films; "
     "supine portable films are outside what it saw.",
     "The registrar read the film within the hour, as the unit's rule asks, and called the team.", "new", 1),
    ("trainee02", "NoteDraft Scribe", "scribe", "HAL", "no_harm",
     "Discharge letter: \"No known drug allergies.\"",
     "The allergy to penicillin was said aloud during the consultation; the letter invented its absence.",
     "Corrected the letter before signing and told the ward pharmacist.", "reviewed", 3),
    ("trainee03", "Sepsis early-warning score", "triage", "CAL", "near_miss",
     "No alert for six hours in an elderly patient on a beta blocker.",
     "The heart-rate criterion cannot fire under a beta blocker; the threshold was set on a younger population.",
     "The nurse escalated on clinical concern; lactate was raised.", "new", 5),
    ("interne01", "Assistant conversationnel généraliste", "llm", "OLD", "near_miss",
     "Posologie proposée selon une recommandation remplacée depuis deux ans.",
     "La recommandation citée n'est plus en vigueur ; la dose proposée dépasse la dose actuelle.",
     "Vérifié dans la recommandation en vigueur avant de prescrire.", "new", 14),
    ("trainee04", "Chest X-ray triage AI (pilot)", "imaging", "SHIFT", "near_miss",
     "Paediatric film scored as \"cardiomegaly, urgent\".",
     "The tool is intended for adults; a child's normal cardiothoracic ratio is larger.",
     "Reported as normal by the paediatric radiologist.", "closed", 16),
]


DEMO_REPLY = ("Thank you. The scribe's vendor is told, and the ward's module on ambient scribes gets a case "
              "on invented negations next term.")

MODEL_CARD = """# ChestScan Assist 3.2: model card (fictional, demo)

## Intended use
Flags suspected pneumothorax and lung nodules on adult chest X-rays, for a radiologist's review.

## Data
Trained on upright postero-anterior films of adult outpatients from three sites.

## Known limits
- Not validated under 18 years.
- Lower sensitivity on supine portable antero-posterior films.
- Not evaluated on films with lines and tubes.
"""


def seed_practice_reports(*, people: dict, course: Course) -> int:
    """A few practice reports of the demo school, in different weeks, the first one turned into
    a draft case in a new draft of ``course`` by its author (the faculty member)."""
    from courses.services import course_version_create_draft
    from observatory import services as observatory_services
    from observatory.models import PracticeReport

    from registry.models import Tool

    school, faculty = people["school"], people["faculty"]
    by_name = {u.username: u for u in people["english"] + people["french"]}
    register = dict(Tool.objects.filter(school=school).values_list("name", "pk"))
    reports = []
    with transaction.atomic():
        for (reporter, tool, category, mode, severity, output, wrong, action, status, weeks) in DEMO_REPORTS:
            report = observatory_services.report_create(  # a tool of the register by its id, else by name
                school=school, reporter=by_name.get(reporter, faculty), tool_name=tool, tool_category=category,
                tool_id=register.get(tool), failure_mode=mode, severity=severity, ai_output=output,
                what_was_wrong=wrong, clinician_action=action)
            if status != PracticeReport.Status.NEW:
                observatory_services.report_set_status(report=report, actor=faculty, status=status,
                                                       reply=DEMO_REPLY if status == "reviewed" else None)
            PracticeReport.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(weeks=weeks))
            reports.append(report)
    draft = course_version_create_draft(course=course, user=faculty)
    with transaction.atomic():
        observatory_services.report_to_case(report=reports[0], actor=faculty, module=draft.modules.order_by("position").first())
    return len(reports)
