"""Celery tasks of data protection: thin wrappers that fetch by id and call a service.

``privacy.sweep_data_exports`` runs on Celery beat beside the other sweepers (a lost message or
a dead worker); ``privacy.apply_retention`` once a day (warn the admins, then erase on the day).
"""
from celery import shared_task

from training.retry import RetryingTask

from . import retention, services


class DataExportTask(RetryingTask):
    """Writing an archive: a transient error has put it back to pending for the retry; any
    other error marks it failed with the reason."""

    max_retries = 5
    backoff_base = 5
    backoff_cap = 120

    def on_permanent_failure(self, export_id: int, *, reason: str) -> None:
        services.data_export_mark_failed(export_id=export_id, reason=reason)


@shared_task(name=services.DATA_EXPORT_TASK, base=DataExportTask, soft_time_limit=600, time_limit=660)
def run_data_export(export_id: int) -> None:
    """Write the member's archive (a second delivery finds it claimed or done and does nothing)."""
    services.data_export_run(export_id=export_id)


@shared_task(name="privacy.sweep_data_exports", acks_late=True, time_limit=120)
def sweep_data_exports() -> int:
    return len(services.data_exports_sweep())


@shared_task(name="privacy.apply_retention", acks_late=True, soft_time_limit=840, time_limit=900)
def apply_retention() -> dict:
    return retention.retention_apply()
