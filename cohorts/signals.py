"""What the cohorts app tells higher apps, inside the transaction of the change (see
``quizzes.signals``)."""
from django.dispatch import Signal

# Attestations were issued (one call of ``services.attestations_issue``). Arguments: attestations (a list).
attestations_issued = Signal()
