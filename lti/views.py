"""The LTI pages: the JWKS, OIDC login, the launch, the new-window continuation, the deep-link
picker and the cohort's LMS page (the school admins' LTI pages are in ``school_views``). Thin:
validation is in ``tool``, writes in ``services``."""
from __future__ import annotations

import logging
import uuid

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import transaction
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from schools.models import Role, School
from training.errors import ApplicationError, Conflict
from training.permissions import object_or_404

from . import deep_linking, platform_storage, selectors, services, tool
from .middleware import SESSION_FLAG
from .models import ContextBinding, LaunchState
from .opening import opening_url

log = logging.getLogger("vigil.lti")
CONTINUE_SALT = "vigil.lti.continue"
CONTINUE_SECONDS = 120

# The backend that loads a launched person back from the session on later requests: a
# ModelBackend of AUTHENTICATION_BACKENDS (the password one; its get_user is Django's), as a
# launch signs in without a password.
SESSION_BACKEND = "sso.backends.LocalPasswordBackend"


def refused(request, exc: tool.LaunchRefused):
    log.warning("lti refused %s: %s (path %s)", exc.code, exc.message, request.path)
    return render(request, "lti/refused.html", {"message": exc.message, "code": exc.code}, status=exc.status)


@require_GET
def jwks(request, school_slug: str):
    school = School.objects.filter(slug=school_slug).only("pk").first()
    if school is None:
        raise Http404
    return JsonResponse(selectors.jwks(school_id=school.pk))


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def oidc_login(request):
    """Third-party initiated login: answer with the platform's authentication request.
    A browser that keeps cookies in the LMS's frame goes on at once (static/lti/login.js);
    one that blocks them is offered a new window, where the login starts again first-party."""
    request.lti_cookies = True
    try:
        redirect_obj, _platform = tool.oidc_login(request)
    except tool.LaunchRefused as exc:
        return refused(request, exc)
    params = request.POST if request.method == "POST" else request.GET
    if params.get("lti1p3_new_window"):
        return redirect_obj.do_redirect()
    again = request.build_absolute_uri(reverse("lti-login")) + "?" + params.urlencode() + "&lti1p3_new_window=1"
    context = {"auth_url": redirect_obj.get_redirect_url(), "new_window_url": again}
    if params.get("lti_storage_target"):  # the LMS keeps the state and nonce too (platform_storage)
        context["storage"] = dict(platform_storage.remember(redirect_url=context["auth_url"], platform=_platform),
                                  storage_target=params["lti_storage_target"])
    response = render(request, "lti/login.html", context)
    return redirect_obj._process_response(response)


@csrf_exempt
@xframe_options_exempt
@require_POST
def launch(request):
    """The platform's id_token: validated, then the person is signed in (their account and the
    course's cohort created on the first launch) and sent to the placed module or course."""
    request.lti_cookies = True
    storage_checked = False
    if request.POST.get("lti_storage_target") and not platform_storage.cookie_holds_state(request):
        if not request.POST.get("lti_storage_checked"):
            return _storage_check(request)
        if not platform_storage.same_origin(request):
            return refused(request, tool.LaunchRefused("storage_origin", _(
                "The checked launch did not come from Vigil's own page. Launch again from the LMS.")))
        storage_checked = True
    try:
        with transaction.atomic():
            validated = tool.validate_launch(request, storage_checked=storage_checked)
            if validated.claim("message_type") == "LtiDeepLinkingRequest":
                return _deep_linking_request(request, validated)
            target, user = _accept(validated)
    except tool.LaunchRefused as exc:
        return refused(request, exc)
    _sign_in(request, user)
    token = signing.dumps({"u": user.pk, "t": target, "n": validated.data.get("nonce")}, salt=CONTINUE_SALT)
    return render(request, "lti/launched.html", {
        "target": target, "continue_url": reverse("lti-continue", args=[token]),
    })


def _storage_check(request):
    """The state cookie did not come back (the LMS's frame drops it) but the LMS keeps the
    state and nonce: a page reads them back from it and posts the launch again, checked."""
    try:
        page = platform_storage.check_page(request, tool.unverified_body(request))
    except tool.LaunchRefused as exc:
        return refused(request, exc)
    if page is None:
        return refused(request, tool.LaunchRefused("registration_unknown", _(
            "No school has registered this platform and client id in Vigil.")))
    return render(request, "lti/storage_check.html", page)


def _sign_in(request, user: User) -> None:
    login(request, user, backend=SESSION_BACKEND)
    request.session[SESSION_FLAG] = True


def _person(validated: tool.ValidatedLaunch):
    """The launching person's school role, account, and the cohort of the LMS course."""
    data, platform = validated.data, validated.platform
    role = services.role_of(validated.claim("roles", []))
    if role is None:
        raise tool.LaunchRefused("role_unmapped", _("None of your LMS roles gives access to Vigil "
                                                    "(Learner, Instructor, TeachingAssistant or Administrator)."), 403)
    context = validated.claim("context")
    if not context or not context.get("id"):
        raise tool.LaunchRefused("context_missing", _("The launch names no course (context)."))
    user = services.launch_user(platform=platform, sub=str(data["sub"]), claims=data, role=role)
    binding = services.launch_cohort(platform=platform, context=context, claims=data)
    try:
        services.launch_enrol(binding=binding, user=user, role=role)
    except Conflict:  # the cohort is archived: cohort_enroll takes nobody new
        raise tool.LaunchRefused("cohort_archived", _("The cohort of this LMS course is archived in Vigil: it "
                                                      "takes no new members. Ask the school."), 409) from None
    return role, user, binding


def _accept(validated: tool.ValidatedLaunch) -> tuple[str, User]:
    role, user, binding = _person(validated)
    resource_link = validated.claim("resource_link") or {}
    ags = validated.data.get("https://purl.imsglobal.org/spec/lti-ags/claim/endpoint") or {}
    target = opening_url(binding=binding, resource_link_id=str(resource_link.get("id", "")), role=role,
                         custom=validated.claim("custom") or {}, lineitem_url=ags.get("lineitem") or "")
    return target, user


def _deep_linking_request(request, validated: tool.ValidatedLaunch):
    """An instructor's "add activity": signed in, then shown the picker."""
    role, user, binding = _person(validated)
    if role not in (Role.FACULTY, Role.ADMIN):
        raise tool.LaunchRefused("deep_linking_role", _("Only the course's instructors may add Vigil activities."), 403)
    settings = validated.data.get(deep_linking.DL + "deep_linking_settings") or {}
    _sign_in(request, user)
    token = uuid.uuid4().hex
    request.session.setdefault("lti_deep_links", {})[token] = {
        "binding": binding.pk, "deployment": validated.claim("deployment_id"),
        "return_url": settings["deep_link_return_url"], "data": settings.get("data"),
    }
    request.session.modified = True
    return redirect("lti-deep-link", token=token)


def _deep_link_of(request, token: str) -> tuple[dict, ContextBinding]:
    pending = (request.session.get("lti_deep_links") or {}).get(token)
    binding = None if pending is None else (
        ContextBinding.objects.select_related("cohort", "platform").filter(pk=pending["binding"]).first())
    if binding is None or not request.user.has_perm("cohorts.view_cohort", binding.cohort):
        raise Http404
    return pending, binding


@login_required
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def deep_link(request, token: str):
    """The picker of a deep-linking request (this person's, kept in their session): a published
    course or module of the school; the choice is placed and answered to the platform."""
    pending, binding = _deep_link_of(request, token)
    errors, status = [], 200
    if request.method == "POST":
        try:
            with transaction.atomic():
                placement = deep_linking.placement_create(binding=binding, choice=request.POST.get("choice", ""),
                                                          actor=request.user)
                jwt_out = deep_linking.response_jwt(
                    platform=binding.platform, deployment_id=pending["deployment"], settings=pending,
                    placement=placement, launch_url=deep_linking.launch_url(request))
        except ApplicationError as exc:
            errors, status = [exc.message], 400
        except tool.LaunchRefused as exc:
            return refused(request, exc)
        else:
            request.session["lti_deep_links"].pop(token, None)
            request.session.modified = True
            response = render(request, "lti/deep_link_return.html",
                              {"return_url": pending["return_url"], "jwt": jwt_out})
            # The site's CSP sends forms to the site only; this one goes back to the LMS.
            response._csp_update = {"form-action": [platform_storage.origin_of(pending["return_url"])]}
            return response
    return render(request, "lti/deep_link.html", {
        "options": deep_linking.placeable(school_id=binding.cohort.school_id), "binding": binding, "errors": errors,
    }, status=status)


@require_GET
def continue_in_window(request, token: str):
    """The launch opened in a new window (a browser that blocks cookies in frames): the signed,
    short-lived, single-use token signs the person in first-party and opens the target."""
    try:
        data = signing.loads(token, salt=CONTINUE_SALT, max_age=CONTINUE_SECONDS)
    except signing.BadSignature:
        return refused(request, tool.LaunchRefused("continue_expired", _(
            "This link has expired or is not valid. Launch Vigil again from the LMS."), 400))
    with transaction.atomic():
        spent, created = LaunchState.objects.get_or_create(
            key=f"continue-{data['n']}", defaults={"value": True, "expires_at": _expiry()})
    user = User.objects.filter(pk=data["u"], is_active=True).first()
    if not created or user is None:
        return refused(request, tool.LaunchRefused("continue_used", _(
            "This link was already used. Launch Vigil again from the LMS."), 400))
    login(request, user, backend=SESSION_BACKEND)
    return HttpResponseRedirect(data["t"])


def _expiry():
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() + timedelta(seconds=CONTINUE_SECONDS * 2)


# ---------------------------------------------------------------- the cohort's LTI page (faculty)

@login_required
@require_http_methods(["GET", "POST"])
def cohort_lti(request, cohort_id: int):
    """The grades sent to the LMS for the cohort's placed activities, each with its status;
    the school's admins also sync the LMS roster into the cohort from here."""
    from schools.models import AuditEvent, Cohort  # noqa: F401 - Cohort for the lookup

    from . import grades, roster
    from .models import ScorePassback

    cohort = object_or_404(request.user, "cohorts.view_cohort", Cohort.objects.select_related("school"), pk=cohort_id)
    binding = ContextBinding.objects.select_related("platform").filter(cohort=cohort).first()
    errors, synced, status = [], None, 200
    if request.method == "POST":
        if not request.user.has_perm("cohorts.administer_cohort", cohort):
            raise Http404
        if binding is None or not binding.memberships_url:
            errors, status = [_("The LMS has not given a roster address for this course yet: launch Vigil from it once.")], 409
        elif not binding.platform.is_active:
            errors, status = [_("This LMS's registration is deactivated: reactivate it on the school's LTI page "
                                "to sync the roster.")], 409
        elif cohort.archived_at is not None:
            errors, status = [_("This cohort is archived: it takes no roster from the LMS.")], 409
        else:
            try:
                with transaction.atomic():
                    synced = roster.roster_sync(binding=binding, actor=request.user)
            except (grades.PlatformUnavailable, grades.PlatformRefused, tool.LaunchRefused) as exc:
                log.warning("lti roster sync of cohort %s failed: %s", cohort.pk, exc)
                errors, status = [_("The LMS did not give the roster: %(error)s") % {"error": exc}], 502
    rows = [] if binding is None else list(
        ScorePassback.objects.filter(placement__context=binding).select_related("placement", "trainee")
        .order_by("placement__title", "trainee__last_name", "trainee__first_name", "pk"))
    with transaction.atomic():
        from schools.services import audit_record

        audit_record(actor=request.user, action="lti.passbacks.read", cohort=cohort, detail={"rows": len(rows)})
    return render(request, "lti/cohort.html", {
        "cohort": cohort, "tab": "lms", "binding": binding, "rows": rows, "errors": errors, "synced": synced,
        "may_sync": binding is not None and request.user.has_perm("cohorts.administer_cohort", cohort), "Status": ScorePassback.Status,
    }, status=status)
