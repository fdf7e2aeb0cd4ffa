from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schools.models import School


class IdentityProvider(models.Model):
    """A SAML identity provider a school registered: it signs in that school's members only.

    Its metadata is kept here (``metadata_xml``): pasted or uploaded for a file; fetched by an
    admin action or the Celery task ``sso.refresh_metadata_v1`` for a URL or a federation's
    aggregate, never during a sign-in. Of an aggregate only the entity ``entity_id`` is kept."""

    class Source(models.TextChoices):
        FILE = "file", _("Metadata file")
        URL = "url", _("Metadata URL (this identity provider only)")
        AGGREGATE = "aggregate", _("Federation aggregate (Renater, eduGAIN) and entity id")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="identity_providers")
    name = models.CharField(_("name"), max_length=200, help_text=_("Shown on the sign-in button."))
    entity_id = models.CharField(_("entity id"), max_length=500)
    source = models.CharField(_("metadata source"), max_length=12, choices=Source.choices, default=Source.FILE)
    metadata_url = models.URLField(
        _("metadata URL"), max_length=500, blank=True,
        help_text=_("The identity provider's metadata, or the federation's aggregate."),
    )
    discovery_url = models.URLField(
        _("discovery service"), max_length=500, blank=True,
        help_text=_("The federation's discovery service (WAYF), asked when the school has several identity providers."),
    )
    metadata_signing_cert = models.TextField(
        _("metadata signing certificate"), blank=True,
        help_text=_("The federation's certificate (PEM): a fetched document whose signature does not verify "
                    "with it is refused. Empty: not checked (fetch over HTTPS)."),
    )
    metadata_xml = models.TextField(_("metadata"), blank=True)
    metadata_fetched_at = models.DateTimeField(_("metadata fetched"), null=True, blank=True)
    metadata_error = models.CharField(_("last metadata error"), max_length=500, blank=True)
    # Attribute mapping: names as the identity provider sends them (friendly names or urn:oid:).
    identifier_attribute = models.CharField(
        _("identifier attribute"), max_length=200, blank=True, default="eduPersonPrincipalName",
        help_text=_("The attribute that identifies a person for good; empty: the persistent NameID."),
    )
    email_attribute = models.CharField(_("e-mail attribute"), max_length=200, blank=True, default="mail")
    first_name_attribute = models.CharField(_("first name attribute"), max_length=200, blank=True, default="givenName")
    last_name_attribute = models.CharField(_("last name attribute"), max_length=200, blank=True, default="sn")
    student_number_attribute = models.CharField(
        _("student number attribute"), max_length=200, blank=True, default="supannEtuId",
    )
    class Linking(models.TextChoices):
        NEVER = "never", _("Never: the first sign-on makes a new account")
        STUDENT_NUMBER = "student_number", _("To the school's member with the same student number")
        EMAIL = "email", _("To the school's member with the same e-mail address")

    link_accounts = models.CharField(
        _("link existing accounts"), max_length=16, choices=Linking.choices, default=Linking.NEVER,
        help_text=_("At a person's first sign-on, take over the account the school already made for "
                    "them (a roster upload, an invitation) instead of making a second one. Only a "
                    "trainee or faculty account of this school alone, not yet linked to this identity "
                    "provider, and only when exactly one matches; choose the e-mail only if the "
                    "identity provider vouches for its addresses."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school", "name"]
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        constraints = [
            models.UniqueConstraint(fields=["school", "entity_id"], name="sso_idp_unique_per_school"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school})"


class SsoIdentity(models.Model):
    """Who an identity provider's person is in Vigil: the only way a sign-on finds a user.
    Never by username or e-mail, so no identity provider can reach another school's user."""

    idp = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="identities")
    identifier = models.CharField(_("identifier"), max_length=500)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities")
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [
            models.UniqueConstraint(fields=["idp", "identifier"], name="sso_identity_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} @ {self.idp.entity_id}"
