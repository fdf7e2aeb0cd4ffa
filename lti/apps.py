from django.apps import AppConfig


class LtiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lti"
    verbose_name = "LTI"

    def ready(self):
        from schools.member_identifiers import register

        from .identifiers import lms_identifiers

        register("lms", lms_identifiers)
