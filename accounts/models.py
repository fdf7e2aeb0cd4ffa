from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

# The username an erased member is left with starts with this (privacy.services.member_erase).
ERASED_PREFIX = "erased-"


class User(AbstractUser):
    """A person using Vigil; roles come from school memberships, not from this row."""

    email = models.EmailField(_("email address"), blank=True)
    training_year = models.PositiveSmallIntegerField(
        _("training year"), null=True, blank=True,
        help_text=_("Year of medical training, to compare reliance by experience."),
    )

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_erased(self) -> bool:
        """Whether the member's identity was erased (their results kept under a pseudonym):
        apps that tell other systems about members (xapi) then say nothing more of them."""
        return self.username.startswith(ERASED_PREFIX) and not self.is_active and not self.email
