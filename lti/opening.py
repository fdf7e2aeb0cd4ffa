"""What a launch opens: the module or course placed at the resource link (deep linking), in
its latest published version; the trainee's home when nothing is placed there yet; a page
saying so when the school removed the placement."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from courses.models import Module
from courses.selectors import course_latest_published
from schools.models import Role
from schools.services import cohort_assign_course

from .models import ContextBinding, Placement
from .tool import LaunchRefused


def placement_of(*, binding: ContextBinding, resource_link_id: str, custom: dict | None = None,
                 lineitem_url: str = "") -> Placement | None:
    """The placement at the resource link; on the link's first launch, the one its deep-linking
    answer named (custom parameter ``vigil_placement``), which the link then keeps. The line
    item the platform made for it is kept from the launch's AGS claim."""
    if not resource_link_id:
        return None
    placement = (Placement.objects.select_related("course")
                 .filter(context=binding, resource_link_id=resource_link_id).first())
    named = str((custom or {}).get("vigil_placement") or "")
    if placement is None and named.isdigit():
        placement = (Placement.objects.select_related("course")
                     .filter(context=binding, resource_link_id="", pk=int(named)).first())
        if placement is not None:
            placement.resource_link_id = resource_link_id
            placement.save(update_fields=["resource_link_id"])
    if placement is not None and lineitem_url and placement.lineitem_url != lineitem_url:
        placement.lineitem_url = lineitem_url
        placement.save(update_fields=["lineitem_url"])
    return placement


def opening_url(*, binding: ContextBinding, resource_link_id: str, role: str, custom: dict | None = None,
                lineitem_url: str = "") -> str:
    """The address the launch opens: for a trainee the placed module (the course is assigned to
    the cohort on the way, so they may take it), for faculty and admins the cohort's page; the
    home page when nothing is placed at the link yet."""
    placement = placement_of(binding=binding, resource_link_id=resource_link_id, custom=custom,
                             lineitem_url=lineitem_url)
    if placement is not None and placement.removed_at is not None:
        raise LaunchRefused("placement_removed", _(
            "This Vigil activity (%(title)s) was removed by your school's Vigil admins: it opens nothing "
            "and sends no grade. Ask your instructor to remove the link from the LMS course or to place "
            "another Vigil activity.") % {"title": placement.title}, 410)
    if placement is not None:
        cohort_assign_course(cohort=binding.cohort, course=placement.course, actor=None)
    if role != Role.TRAINEE:
        return reverse("school:dashboard", args=[binding.cohort_id])
    version = None if placement is None else course_latest_published(course=placement.course)
    if version is None:
        return reverse("home")
    modules = Module.objects.filter(version=version).order_by("position")
    if placement.module_slug:
        modules = modules.filter(slug=placement.module_slug)
    module = modules.only("pk").first()
    return reverse("home") if module is None else reverse("trainee-module", args=[module.pk])
