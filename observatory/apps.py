from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    """Practice reports: the AI failures and near misses members see at work, triaged by the
    school's faculty, turned into draft cases, counted beside the cohort's detection, and shared
    across schools (opt-in) only in cells too large to single anyone out."""

    name = "observatory"
    verbose_name = _("Observatory")
    default_auto_field = "django.db.models.BigAutoField"
