"""The school's xAPI page for its admins: the LRS settings, and the statements waiting or refused.

Anyone else gets 404, as if the page did not exist (``xapi.manage_lrs``).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from schools.models import School
from training.permissions import object_or_404

from . import selectors, services
from .forms import LrsSettingsForm
from .hosts import endpoint_problem


@login_required
@require_http_methods(["GET", "POST"])
def lrs_page(request, school_slug: str):
    school = object_or_404(request.user, "xapi.manage_lrs", School.objects.all(), slug=school_slug)
    current = selectors.school_lrs_settings(school=school)
    form = LrsSettingsForm(instance=current)
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "retry":
            with transaction.atomic():
                count = services.outbox_retry_failed(school=school, actor=request.user)
            messages.success(request, _("%(count)d statements will be sent again.") % {"count": count})
            return redirect("xapi:lrs", school.slug)
        form = LrsSettingsForm(request.POST, instance=selectors.school_lrs_settings(school=school))
        if form.is_valid():
            with transaction.atomic():
                services.lrs_settings_update(
                    school=school, actor=request.user,
                    values={f: form.cleaned_data[f] for f in services.SETTINGS_FIELDS},
                    secret=form.cleaned_data.get("secret", ""))
            messages.success(request, _("The LRS settings are saved."))
            return redirect("xapi:lrs", school.slug)
        status = 400
    return render(request, "xapi/lrs.html", {
        "school": school, "form": form, "figures": selectors.outbox_figures(school=school),
        "endpoint_refused": endpoint_problem(current.endpoint) if current.endpoint else None,
        "backlog": selectors.outbox_backlog(school=school), "failures": selectors.outbox_failures(school=school),
    }, status=status)
