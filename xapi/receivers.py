"""The receivers of the lower apps' signals (``quizzes.signals``, ``cohorts.signals``): each
queues its statements in the transaction the signal is sent in."""
from django.dispatch import receiver

from cohorts.signals import attestations_issued
from quizzes.signals import attempt_started, attempt_submitted, grades_revised, response_graded

from . import emit


@receiver(attempt_started, dispatch_uid="xapi.attempt_started")
def on_attempt_started(sender, *, attempt, **kwargs) -> None:
    emit.attempt_started(attempt=attempt)


@receiver(attempt_submitted, dispatch_uid="xapi.attempt_submitted")
def on_attempt_submitted(sender, *, attempt, **kwargs) -> None:
    emit.attempt_submitted(attempt=attempt)


@receiver(response_graded, dispatch_uid="xapi.response_graded")
def on_response_graded(sender, *, response, grade, **kwargs) -> None:
    emit.response_graded(response=response, grade=grade)


@receiver(attestations_issued, dispatch_uid="xapi.attestations_issued")
def on_attestations_issued(sender, *, attestations, **kwargs) -> None:
    emit.attestations_issued(attestations=attestations)


@receiver(grades_revised, dispatch_uid="xapi.grades_revised")
def on_grades_revised(sender, *, response_ids, **kwargs) -> None:
    emit.grades_revised(response_ids=response_ids)
