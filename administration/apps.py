from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    """The school admin's pages: cohorts, members and roles, roster upload, invitations."""

    name = "administration"
    verbose_name = "School administration"
