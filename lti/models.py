"""A school's LMS registrations, the tool's keys, and what launches bind to.

A ``Platform`` is one LMS registration of one school (issuer + client id); a launch names one
of its ``Deployment`` ids. A ``ContextBinding`` ties an LMS course (the launch's context) to
the cohort created for it on its first launch; an ``LtiIdentity`` ties the LMS's user (sub) to
the Vigil account created on their first launch. ``UsedNonce`` refuses a replayed id_token.
"""
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ToolKey(models.Model):
    """One of the school's RSA key pairs: the newest active one signs, every active one is
    published at the school's JWKS address (a rotated-out key stays published until retired,
    so a platform's cached key set keeps verifying)."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="lti_keys")
    kid = models.CharField(_("key id"), max_length=64, unique=True)
    public_pem = models.TextField()
    private_pem = models.TextField()
    is_active = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.kid


class Platform(models.Model):
    """A school's LMS, registered with the client id it gave Vigil."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="lti_platforms")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    issuer = models.CharField(_("platform issuer"), max_length=255,
                              help_text=_("The platform ID (iss) the LMS shows for this tool."))
    client_id = models.CharField(_("client id"), max_length=255)
    auth_login_url = models.URLField(_("authentication request URL"), max_length=500)
    auth_token_url = models.URLField(_("access token URL"), max_length=500)
    keyset_url = models.URLField(_("public keyset URL"), max_length=500)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school", "name"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_platform_issuer_client_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Deployment(models.Model):
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="deployments")
    deployment_id = models.CharField(_("deployment id"), max_length=255)

    class Meta:
        ordering = ["deployment_id"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "deployment_id"], name="lti_deployment_unique"),
        ]

    def __str__(self) -> str:
        return self.deployment_id


class LtiIdentity(models.Model):
    """The LMS's user (``sub`` of the platform) and the Vigil account it signs in as."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="identities")
    sub = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_identities")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "sub"], name="lti_identity_unique")]


class ContextBinding(models.Model):
    """An LMS course (the launch's context) and the cohort its people are enrolled in."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="contexts")
    context_id = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    cohort = models.OneToOneField("schools.Cohort", on_delete=models.CASCADE, related_name="lti_context")
    memberships_url = models.URLField(max_length=500, blank=True)
    lineitems_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "context_id"], name="lti_context_unique")]


class Placement(models.Model):
    """A resource link of the LMS and the Vigil module or course it opens (deep linking)."""

    context = models.ForeignKey(ContextBinding, on_delete=models.CASCADE, related_name="placements")
    resource_link_id = models.CharField(max_length=255, blank=True)
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    module_slug = models.SlugField(max_length=100, blank=True,
                                   help_text=_("Empty: the placement opens the whole course."))
    title = models.CharField(max_length=255)
    lineitem_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Removed by a school admin: the LMS may still show the link, so the row stays to say so
    # at launch (rather than a launch that lands nowhere) and to stop its grades.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["context", "resource_link_id"], condition=~models.Q(resource_link_id=""),
                                    name="lti_placement_link_unique"),
        ]


class LtiEnrollment(models.Model):
    """An enrolment in the bound cohort that came from the LMS (a launch or a roster sync):
    only these may a roster sync take back when the LMS stops listing the person. An
    enrolment an admin made by hand has no such row and stays. ``removed_at``: the sync
    unenrolled them (their work is kept); a later listing enrols them again."""

    context = models.ForeignKey(ContextBinding, on_delete=models.CASCADE, related_name="lti_enrollments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["context", "user"], name="lti_enrollment_unique")]


class LtiCourseRole(models.Model):
    """The school role an LMS course gives a person now (Learner → trainee, Instructor or
    TeachingAssistant → faculty, Administrator → admin), as its latest launch or roster sync
    said; a sync that no longer lists them (or lists them Inactive or Deleted) deletes it. A
    staff role the LMS gave (``LtiRoleGrant``) is held while one of the school's LMS courses
    gives it (or a higher one)."""

    context = models.ForeignKey(ContextBinding, on_delete=models.CASCADE, related_name="course_roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=12)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["context", "user"], name="lti_course_role_unique")]


class LtiRoleGrant(models.Model):
    """A staff role in the school (faculty, admin) that the LMS gave: the membership was
    created by a launch or a roster sync. Only these may a sync take back; a role set in Vigil
    by hand has none (and revoking the role by hand deletes this row with it)."""

    membership = models.OneToOneField("schools.Membership", on_delete=models.CASCADE, primary_key=True,
                                      related_name="lti_grant")
    created_at = models.DateTimeField(auto_now_add=True)


class UsedNonce(models.Model):
    """An id_token's nonce, kept once used: the same token posted again is refused."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=255)
    used_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "nonce"], name="lti_nonce_unique")]


class LaunchState(models.Model):
    """What the OIDC login keeps for the launch that follows it (pylti1p3's launch data:
    the nonce issued, the state's token hash, the validated launch), in the database so that
    any web process answers the launch; each value expires."""

    key = models.CharField(max_length=255, unique=True)
    value = models.JSONField()
    expires_at = models.DateTimeField(db_index=True)


class ScorePassback(models.Model):
    """The outbox row of one trainee's grade for one placed line item: the score to send,
    and how sending it went. Written when the module's grade is final or changes (a regrade,
    a key fix); the task sends it and marks it; a sweep sends again what stayed pending."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Received by the LMS")
        FAILED = "failed", _("Refused by the LMS")
        STOPPED = "stopped", _("Stopped: the activity was removed")

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="passbacks")
    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(help_text=_("From 0 to 1: the module's grade."))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    tries = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_score = models.FloatField(null=True, blank=True)
    changed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["placement", "trainee"], name="lti_passback_unique")]
        indexes = [models.Index(fields=["status", "changed_at"], name="lti_passback_status")]
