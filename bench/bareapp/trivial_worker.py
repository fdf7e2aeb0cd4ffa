"""The Celery app of the trivial-task control of bench/run_e2e.sh (target 2 of issue 16).

    celery -A bench.bareapp.trivial_worker worker …

The same Celery app, settings, broker and database as ``celery -A training worker``, and the
web's submit publishes the same message (``quizzes.services.GRADE_TASK``), but the worker runs
a task that only writes one row per response (``BenchRow``) instead of grading it. Graded per
second ÷ rows per second of this control, same run, says what the grading itself costs
against the pipeline (web, publish, broker, worker, one write) it rides on.
"""
from celery import signals

from training.celery import app

TRIVIAL_TASK = "bench.trivial_response_row"


@app.task(name=TRIVIAL_TASK, acks_late=True)
def trivial_response_row(response_id: int) -> None:
    from bench.bareapp.models import BenchRow

    BenchRow.objects.create(payload={"response": response_id})


@signals.worker_init.connect
def _route_grading_to_the_trivial_task(**_kwargs) -> None:
    """Before the consumer starts (and the pool forks), the grading task's name points here."""
    from quizzes.services import GRADE_TASK

    app.loader.import_default_modules()
    app.tasks[GRADE_TASK] = app.tasks[TRIVIAL_TASK]
