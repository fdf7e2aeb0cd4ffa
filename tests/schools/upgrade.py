"""A database made before schools/ and progress/ existed keeps every row when it migrates.

Rows are written with the models as the previous release knew them (the migration state
before the move), then the database migrates to the latest state and the rows are read
back through today's models. Run directly (``python -m tests.schools.upgrade``) it checks the
database DATABASE_URL names, e.g. a SQLite file, from scratch.
"""
import datetime as dt

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_THE_MOVE = [
    ("cohorts", "0008_exports_in_private_storage"),
    ("courses", "0003_item_artifact_restrict"),
    ("quizzes", "0004_keyfix_origin"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def rows_survive_the_move() -> dict:
    """Write one row of every moved model at the old state, migrate, and return what today's
    models read back (the caller asserts)."""
    old = _migrate(BEFORE_THE_MOVE)
    User = old.get_model("accounts", "User")
    School = old.get_model("cohorts", "School")
    user = User.objects.create(username="upgrade-trainee")
    school = School.objects.create(name="Upgrade school", slug="upgrade-school")
    old.get_model("cohorts", "Membership").objects.create(school=school, user=user, role="faculty")
    cohort = old.get_model("cohorts", "Cohort").objects.create(school=school, name="Class", slug="class", year=2026)
    old.get_model("cohorts", "Enrollment").objects.create(cohort=cohort, user=user)
    course = old.get_model("courses", "Course").objects.create(slug="upgrade-course", school=school, owner=user)
    old.get_model("cohorts", "Assignment").objects.create(cohort=cohort, course=course)
    old.get_model("cohorts", "AuditEvent").objects.create(actor=user, action="trainee.viewed", school=school,
                                                          cohort=cohort, subject=user, detail={"k": 1})
    old.get_model("cohorts", "ModuleProgress").objects.create(trainee=user, course=course, module_slug="m",
                                                              items_total=3, items_graded=2, score_sum=1.5)
    old.get_model("cohorts", "MeasureCounter").objects.create(trainee=user, course=course, name="rel.W.n", value=4)
    old.get_model("cohorts", "AnswerDay").objects.create(trainee=user, course=course, module_slug="m",
                                                         day=dt.date(2026, 11, 2), rel_w_n=4.0)
    old.get_model("cohorts", "AnswerAfterModule").objects.create(trainee=user, course=course, module_course=course,
                                                                 module_slug="m", rel_w_accepted=1.0)
    _migrate(_latest())

    from courses.models import Course
    from progress.models import AnswerAfterModule, AnswerDay, MeasureCounter, ModuleProgress
    from schools.models import Assignment, AuditEvent, Cohort, Enrollment, Membership, School as NewSchool

    new_school = NewSchool.objects.get(slug="upgrade-school")
    return {
        "school": new_school.name,
        "membership": list(Membership.objects.filter(school=new_school).values_list("user__username", "role")),
        "enrolled": list(Enrollment.objects.filter(cohort__school=new_school).values_list("user__username", flat=True)),
        "assigned": list(Assignment.objects.filter(cohort__school=new_school).values_list("course__slug", flat=True)),
        "course_school": Course.objects.get(slug="upgrade-course").school.slug,
        "cohort_of_audit": list(AuditEvent.objects.filter(school=new_school).values_list("cohort__slug", "detail")),
        "cohorts": Cohort.objects.filter(school=new_school).count(),
        "progress": list(ModuleProgress.objects.filter(course__slug="upgrade-course")
                         .values_list("items_total", "items_graded", "score_sum")),
        "counter": list(MeasureCounter.objects.filter(course__slug="upgrade-course").values_list("name", "value")),
        "day": list(AnswerDay.objects.filter(course__slug="upgrade-course").values_list("day", "rel_w_n")),
        "after": list(AnswerAfterModule.objects.filter(course__slug="upgrade-course").values_list("rel_w_accepted",
                                                                                                     flat=True)),
    }


EXPECTED = {
    "school": "Upgrade school",
    "membership": [("upgrade-trainee", "faculty")],
    "enrolled": ["upgrade-trainee"],
    "assigned": ["upgrade-course"],
    "course_school": "upgrade-school",
    "cohort_of_audit": [("class", {"k": 1})],
    "cohorts": 1,
    "progress": [(3, 2, 1.5)],
    "counter": [("rel.W.n", 4.0)],
    "day": [(dt.date(2026, 11, 2), 4.0)],
    "after": [1.0],
}


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", *BEFORE_THE_MOVE[0], verbosity=0)
    got = rows_survive_the_move()
    assert got == EXPECTED, got
    print("rows survive the move")
