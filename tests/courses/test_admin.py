"""The admin shows published content read-only and publishes through the service."""
import pytest
from django.contrib import admin
from django.urls import reverse

from courses.models import CourseVersion, Item, Module
from courses.services import course_version_create_draft

pytestmark = pytest.mark.django_db


def test_published_version_is_read_only(published, rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    model_admin = admin.site._registry[CourseVersion]

    assert not model_admin.has_change_permission(request, published)
    assert not model_admin.has_delete_permission(request, published)


def test_items_of_a_published_version_are_read_only(published, rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    item = Item.objects.filter(case__module__version=published).first()

    assert not admin.site._registry[Item].has_change_permission(request, item)


def test_a_draft_is_editable(published, rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    draft = course_version_create_draft(course=published.course, user=admin_user)

    assert admin.site._registry[Module].has_change_permission(request, draft.modules.first())


@pytest.mark.parametrize("model", ["courseversion", "module", "case", "item", "artifact", "mediaasset"])
def test_change_pages_render(published, admin_client, model):
    obj = {
        "courseversion": published,
        "module": published.modules.first(),
        "case": published.modules.first().cases.first(),
        "item": Item.objects.filter(case__module__version=published).first(),
        "artifact": published.modules.first().cases.first().artifacts.first(),
        "mediaasset": published.media.first(),
    }[model]

    response = admin_client.get(reverse(f"admin:courses_{model}_change", args=[obj.pk]))

    assert response.status_code == 200


def test_publish_action_reports_problems(published, admin_client, admin_user):
    draft = course_version_create_draft(course=published.course, user=admin_user)
    Item.objects.filter(case__module__version=draft, slug="ppv").first().competencies.clear()

    response = admin_client.post(
        reverse("admin:courses_courseversion_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )

    assert "modules[1].cases[0].items[1].competencies: must have at least 1 item" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == CourseVersion.Status.DRAFT
