"""``python manage.py rebuild_trend_rows``: recompute the trend rows from the final grades.

The grading task keeps ``AnswerDay`` and ``AnswerAfterModule`` up to date; rebuild them after
restoring grades from a backup or changing ``DJANGO_TIME_ZONE`` (days are local days). One
transaction, so the trend pages never see a half-built table.
"""
from django.core.management.base import BaseCommand
from django.db import transaction

from progress.aggregates import trend_rows_rebuild
from quizzes.selectors import final_grade_contributions


class Command(BaseCommand):
    help = "Recompute the trend rows (answers per day, decisions after each module) from the final grades."

    def handle(self, *args, **options):
        with transaction.atomic():
            days, afters = trend_rows_rebuild(final_grades=final_grade_contributions())
        self.stdout.write(self.style.SUCCESS(f"{days} answer-day rows and {afters} after-module rows."))
