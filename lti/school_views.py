"""The school admins' LTI pages (``lti.manage_platforms``): the URLs to paste, the
registrations (new, edit, deactivate, reactivate), the tool's keys, and the activities placed
in the LMS courses (removed from here). Thin: checks in ``forms``, writes in ``services``; each
POST is one transaction, and a refused one writes nothing."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from schools.models import School
from training.errors import ApplicationError
from training.permissions import object_or_404

from . import selectors, services
from .forms import PlatformForm
from .models import Placement, Platform, ToolKey


def tool_urls(request, school: School) -> dict[str, str]:
    """What the school pastes into its LMS."""
    absolute = request.build_absolute_uri
    return {
        "login": absolute(reverse("lti-login")), "launch": absolute(reverse("lti-launch")),
        "jwks": absolute(reverse("lti-jwks", args=[school.slug])), "deep_link": absolute(reverse("lti-launch")),
    }


def _school(request, school_slug: str) -> School:
    return object_or_404(request.user, "lti.manage_platforms", School.objects.all(), slug=school_slug)


def _saved(form: PlatformForm, save) -> bool:
    """Run ``save`` with the form's data; a refusal (the same issuer and client id registered)
    goes onto its field."""
    if not form.is_valid():
        return False
    try:
        with transaction.atomic():
            save(**form.cleaned_data)
    except ApplicationError as exc:
        for field, messages in exc.errors.items():
            form.add_error(field if field in form.fields else None, messages)
        if not exc.errors:
            form.add_error(None, exc.message)
        return False
    return True


def _one_of(queryset, pk, message: str, field: str):
    row = queryset.filter(pk=pk).first() if str(pk or "").isdigit() else None
    if row is None:
        raise ApplicationError(message, {field: [_("Unknown.")]})
    return row


@login_required
@require_http_methods(["GET", "POST"])
def platforms_page(request, school_slug: str):
    school = _school(request, school_slug)
    form, status, errors = PlatformForm(), 200, []
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            with transaction.atomic():
                if action == "register":
                    form = PlatformForm(request.POST)
                    if _saved(form, lambda **data: services.platform_register(school=school, actor=request.user,
                                                                               **data)):
                        return redirect("lti-platforms", school_slug=school.slug)
                    status = 400
                elif action == "key_generate":
                    services.tool_key_generate(school=school, actor=request.user)
                    return redirect("lti-platforms", school_slug=school.slug)
                elif action == "key_retire":
                    key = _one_of(ToolKey.objects.filter(school=school), request.POST.get("key"),
                                  _("Choose one of the school's keys."), "key")
                    services.tool_key_retire(key=key, actor=request.user)
                    return redirect("lti-platforms", school_slug=school.slug)
                elif action == "placement_remove":
                    placement = _one_of(
                        Placement.objects.filter(context__platform__school=school, removed_at__isnull=True)
                        .select_related("context__cohort", "course"),
                        request.POST.get("placement"), _("Choose one of the activities listed."), "placement")
                    services.placement_remove(placement=placement, actor=request.user)
                    return redirect(reverse("lti-platforms", args=[school.slug]) + "#lti-placements")
                else:
                    raise ApplicationError(_("Say what to do: register, key_generate, key_retire or placement_remove."),
                                           {"action": [_("Unknown action.")]})
        except ApplicationError as exc:
            errors.append(exc.message)
            status = 400
    return render(request, "lti/platforms.html", {
        "school": school, "form": form, "errors": errors, "platforms": selectors.school_platforms(school=school),
        "keys": selectors.school_keys(school=school), "urls": tool_urls(request, school),
        "placements": selectors.school_placements(school=school),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def platform_page(request, school_slug: str, platform_uuid):
    """One registration: its fields to edit; deactivate or reactivate it."""
    school = _school(request, school_slug)
    platform = Platform.objects.filter(school=school, uuid=platform_uuid).prefetch_related("deployments").first()
    if platform is None:
        raise Http404
    form, status, saved, errors = PlatformForm.of(platform), 200, None, []
    if request.method == "POST":
        action = request.POST.get("action")
        with transaction.atomic():
            if action in ("deactivate", "reactivate"):
                services.platform_set_active(platform=platform, active=action == "reactivate", actor=request.user)
                return redirect("lti-platform", school_slug=school.slug, platform_uuid=platform.uuid)
            if action != "update":
                errors, status = [_("Say what to do: update, deactivate or reactivate.")], 400
            else:
                form = PlatformForm(request.POST)
                if _saved(form, lambda **data: services.platform_update(platform=platform, actor=request.user,
                                                                         **data)):
                    return redirect(reverse("lti-platform", args=[school.slug, platform.uuid]) + "?saved=1")
                status = 400
    else:
        saved = request.GET.get("saved") == "1"
    return render(request, "lti/platform.html", {
        "school": school, "platform": platform, "form": form, "saved": saved, "errors": errors,
    }, status=status)
