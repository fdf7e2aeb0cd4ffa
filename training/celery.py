"""The Celery app: reads the ``CELERY_`` settings of Django, JSON only."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training.settings")

app = Celery("vigil")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
