from django.db import models


class BenchRow(models.Model):
    """One row per request of the bare endpoint."""

    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
