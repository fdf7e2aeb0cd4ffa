"""Deep linking 2.0: an instructor adding Vigil from the LMS's activity picker chooses a
published course or module of their school; it is placed in the LMS course (a ``Placement``
with a line item for its grade) and the signed answer goes back to the platform."""
from __future__ import annotations

import time
import uuid

from django.urls import reverse
from django.utils.translation import gettext as _

from courses.models import Course, CourseVersion, Module
from schools.services import audit_record
from training.errors import ApplicationError

from . import tool
from .models import ContextBinding, Placement

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
PLACEMENT_PARAM = "vigil_placement"


def placeable(*, school_id: int) -> list[dict]:
    """The school's courses with a published version, each with the modules of its latest
    published version (3 queries)."""
    versions = (CourseVersion.objects.filter(course__school_id=school_id, status=CourseVersion.Status.PUBLISHED)
                .select_related("course").order_by("course__slug", "-published_at"))
    latest: dict[int, CourseVersion] = {}
    for v in versions:
        latest.setdefault(v.course_id, v)
    modules: dict[int, list[Module]] = {}
    for m in Module.objects.filter(version__in=latest.values()).order_by("position"):
        modules.setdefault(m.version_id, []).append(m)
    return [{"course": v.course, "version": v, "modules": modules.get(v.pk, [])} for v in latest.values()]


def placement_create(*, binding: ContextBinding, choice: str, actor) -> Placement:
    """Place ``course:<id>`` or ``module:<id>`` (a published one of the cohort's school)."""
    kind, _sep, pk = choice.partition(":")
    options = placeable(school_id=binding.cohort.school_id)
    for option in options:
        course = option["course"]
        if kind == "course" and str(course.pk) == pk:
            title, module_slug = option["version"].title, ""
            break
        module = next((m for m in option["modules"] if kind == "module" and str(m.pk) == pk), None)
        if module is not None:
            title, module_slug = module.title, module.slug
            break
    else:
        raise ApplicationError(_("Choose one of the published courses or modules listed."),
                               {"choice": [_("Not one of the choices.")]})
    placement = Placement.objects.create(context=binding, course=course, module_slug=module_slug, title=title[:255])
    audit_record(actor=actor, action="lti.placement.create", cohort=binding.cohort,
                 detail={"course": course.slug, "module": module_slug})
    return placement


def response_jwt(*, platform, deployment_id: str, settings: dict, placement: Placement, launch_url: str) -> str:
    """The LtiDeepLinkingResponse, signed with the school's tool key: one ltiResourceLink with
    a line item (score out of 100) and the custom parameter naming the placement."""
    now = int(time.time())
    item = {
        "type": "ltiResourceLink", "title": placement.title, "url": launch_url,
        "custom": {PLACEMENT_PARAM: str(placement.pk)},
        "lineItem": {"scoreMaximum": 100, "label": placement.title, "resourceId": f"vigil-placement-{placement.pk}"},
    }
    message = {
        "iss": platform.client_id, "aud": [platform.issuer], "iat": now, "exp": now + 600,
        "nonce": uuid.uuid4().hex, tool.LTI + "deployment_id": deployment_id,
        tool.LTI + "message_type": "LtiDeepLinkingResponse", tool.LTI + "version": "1.3.0",
        DL + "content_items": [item],
    }
    if settings.get("data") is not None:
        message[DL + "data"] = settings["data"]
    return tool.sign_jwt(message, platform.school_id)


def launch_url(request) -> str:
    return request.build_absolute_uri(reverse("lti-launch"))
