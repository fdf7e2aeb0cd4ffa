"""Fill the trend rows from the final grades already given (their stored contributions).

The counter names are copied here, not imported, so this migration keeps meaning what it
meant when it was written.
"""
from collections import defaultdict

from django.db import migrations
from django.utils import timezone

TREND_COUNTERS = (
    "items.n", "items.score", "rel.R.n", "rel.R.accepted", "rel.R.correct", "rel.W.n", "rel.W.accepted",
    "rel.W.correct", "conf.n", "conf.brier", "rair.num", "rair.den", "rsr.num", "rsr.den",
    "sw.right.right", "sw.right.wrong", "sw.wrong.right", "sw.wrong.wrong",
)
BATCH = 2000


def _column(name):
    return name.replace(".", "_").lower()


def backfill(apps, schema_editor):
    Grade = apps.get_model("quizzes", "Grade")
    ModuleProgress = apps.get_model("cohorts", "ModuleProgress")
    AnswerDay = apps.get_model("cohorts", "AnswerDay")
    AnswerAfterModule = apps.get_model("cohorts", "AnswerAfterModule")
    completed = defaultdict(list)
    for trainee_id, course_id, slug, done in ModuleProgress.objects.filter(completed_at__isnull=False).values_list(
            "trainee_id", "course_id", "module_slug", "completed_at"):
        completed[trainee_id].append((course_id, slug, done))
    days = defaultdict(lambda: defaultdict(float))
    after = defaultdict(lambda: defaultdict(float))
    grades = Grade.objects.filter(is_final=True).values_list(
        "response__attempt__trainee_id", "response__attempt__course_id", "response__attempt__module_slug",
        "response__submitted_at", "graded_at", "contribution",
    )
    for trainee_id, course_id, slug, submitted_at, graded_at, contribution in grades.iterator(chunk_size=BATCH):
        answered_at = submitted_at or graded_at
        moved = {n: v for n in TREND_COUNTERS if (v := (contribution or {}).get(n))}
        if not moved:
            continue
        day = days[(trainee_id, course_id, slug, timezone.localdate(answered_at))]
        for name, value in moved.items():
            day[_column(name)] += value
        if not any(name.startswith(("rel.", "sw.", "rair.", "rsr.", "conf.")) for name in moved):
            continue
        for module_course_id, module_slug, done in completed.get(trainee_id, ()):
            if done <= answered_at and not (module_course_id == course_id and module_slug == slug):
                row = after[(trainee_id, course_id, module_course_id, module_slug)]
                for name, value in moved.items():
                    if not name.startswith("items."):
                        row[_column(name)] += value
    AnswerDay.objects.bulk_create(
        [AnswerDay(trainee_id=t, course_id=c, module_slug=s, day=d, **cols) for (t, c, s, d), cols in days.items()],
        batch_size=BATCH,
    )
    AnswerAfterModule.objects.bulk_create(
        [AnswerAfterModule(trainee_id=t, course_id=c, module_course_id=mc, module_slug=ms, **cols)
         for (t, c, mc, ms), cols in after.items()],
        batch_size=BATCH,
    )


def forget(apps, schema_editor):
    apps.get_model("cohorts", "AnswerDay").objects.all().delete()
    apps.get_model("cohorts", "AnswerAfterModule").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("cohorts", "0005_trend_counters"),
        ("quizzes", "0002_regrade_and_rater_marks"),
    ]

    operations = [migrations.RunPython(backfill, forget)]
