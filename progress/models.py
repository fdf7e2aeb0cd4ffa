"""The grading read-model: per-trainee running sums a grade moves, read by every dashboard.

ModuleProgress, MeasureCounter and the trend rows are maintained incrementally by the
grading task (in the same transaction as the grade), so a dashboard reads sums, never raw
responses. Quizzes writes them; cohort analytics read them.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ModuleProgress(models.Model):
    """How far one trainee is in one module of a course (across the course's versions)."""

    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_progress")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    module_slug = models.SlugField(max_length=100)
    items_total = models.PositiveIntegerField(default=0)
    items_graded = models.PositiveIntegerField(default=0)
    score_sum = models.FloatField(default=0.0)
    started_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "cohorts_moduleprogress"  # the table it had in cohorts, kept
        constraints = [
            models.UniqueConstraint(fields=["trainee", "course", "module_slug"], name="module_progress_unique"),
            models.CheckConstraint(condition=Q(score_sum__gte=-1e-9), name="module_progress_score_nonnegative"),
        ]

    @property
    def mean_score(self) -> float | None:
        return self.score_sum / self.items_graded if self.items_graded else None


class MeasureCounter(models.Model):
    """One named running sum of a trainee in a course (e.g. ``rel.W.accepted``).

    Counters are the additive parts of the reliance measures; measures are ratios of sums,
    so a cohort's figures are one GROUP BY away whatever its size.
    """

    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="measure_counters")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=64)
    value = models.FloatField(default=0.0)

    class Meta:
        db_table = "cohorts_measurecounter"  # the table it had in cohorts, kept
        constraints = [
            models.UniqueConstraint(fields=["trainee", "course", "name"], name="measure_counter_unique"),
        ]


# ---------------------------------------------------------------- trends
# The reliance counters of docs/measures.md that the trend pages plot, kept per day of answering
# and per module completed beforehand, so a trend is a GROUP BY over a few rows per trainee
# instead of a walk over every grade (10,000 trainees: 400,000 grades).

TREND_COUNTERS = (
    "items.n", "items.score", "rel.R.n", "rel.R.accepted", "rel.R.correct", "rel.W.n", "rel.W.accepted",
    "rel.W.correct", "conf.n", "conf.brier", "rair.num", "rair.den", "rsr.num", "rsr.den",
    "sw.right.right", "sw.right.wrong", "sw.wrong.right", "sw.wrong.wrong",
)
# The counters only a decision on an AI output adds (``progress.contributions._reliance``).
RELIANCE_TREND_COUNTERS = tuple(name for name in TREND_COUNTERS if not name.startswith("items."))


def trend_column(name: str) -> str:
    """The column of a trend counter: ``rel.W.accepted`` → ``rel_w_accepted``."""
    return name.replace(".", "_").lower()


class TrendCounters(models.Model):
    """One float column per name of ``TREND_COUNTERS``, each a running sum (0 in the database
    by default, so an upsert names only the counters it moves)."""

    items_n = models.FloatField(db_default=0.0)
    items_score = models.FloatField(db_default=0.0)
    rel_r_n = models.FloatField(db_default=0.0)
    rel_r_accepted = models.FloatField(db_default=0.0)
    rel_r_correct = models.FloatField(db_default=0.0)
    rel_w_n = models.FloatField(db_default=0.0)
    rel_w_accepted = models.FloatField(db_default=0.0)
    rel_w_correct = models.FloatField(db_default=0.0)
    conf_n = models.FloatField(db_default=0.0)
    conf_brier = models.FloatField(db_default=0.0)
    rair_num = models.FloatField(db_default=0.0)
    rair_den = models.FloatField(db_default=0.0)
    rsr_num = models.FloatField(db_default=0.0)
    rsr_den = models.FloatField(db_default=0.0)
    sw_right_right = models.FloatField(db_default=0.0)
    sw_right_wrong = models.FloatField(db_default=0.0)
    sw_wrong_right = models.FloatField(db_default=0.0)
    sw_wrong_wrong = models.FloatField(db_default=0.0)

    class Meta:
        abstract = True


class AnswerDay(TrendCounters):
    """What a trainee's final grades added, by the day they answered, in one module.

    The day is that of the answer (``Response.submitted_at``, in the site's time zone), so a
    late manual grade or a regrade moves the figures of the week the trainee answered in.
    """

    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    module_slug = models.SlugField(max_length=100)
    day = models.DateField()

    class Meta:
        db_table = "cohorts_answerday"  # the table it had in cohorts, kept
        constraints = [
            models.UniqueConstraint(fields=["trainee", "course", "module_slug", "day"], name="answer_day_unique"),
        ]


class AnswerAfterModule(TrendCounters):
    """What a trainee's decisions on AI outputs added after they had completed a module.

    Written when a decision is graded, for every module the trainee had completed before
    answering it (other than the decision's own module). A module's completion time never
    changes once set, so the split stays exact through regrades; "before" is the
    trainee's total in the other modules minus this.
    """

    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+",
                               help_text=_("The course of the decisions."))
    module_course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+",
                                      help_text=_("The course of the module completed before."))
    module_slug = models.SlugField(max_length=100)

    class Meta:
        db_table = "cohorts_answeraftermodule"  # the table it had in cohorts, kept
        constraints = [
            models.UniqueConstraint(fields=["trainee", "module_course", "module_slug", "course"],
                                    name="answer_after_module_unique"),
        ]
