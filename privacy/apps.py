from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """A school's data-protection duties (GDPR): a member's data in one archive, erasure under a
    pseudonym, retention, the privacy notice and the record of processing."""

    name = "privacy"
    verbose_name = _("Data protection")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401  the privacy notice is looked up at sign-in
