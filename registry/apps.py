from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """The school's register of the AI tools its people use, the training each requires, and
    whether they had it (coverage, the AI literacy evidence file, the map)."""

    name = "registry"
    verbose_name = _("AI tool register")
    default_auto_field = "django.db.models.BigAutoField"
