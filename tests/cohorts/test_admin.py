"""The admin shows the records the product keeps (audit log, jobs, attestations, running
sums) read-only: changing them there would bypass the services that keep them consistent."""
import pytest
from django.contrib import admin
from django.urls import reverse

from cohorts.models import Attestation, ExportJob
from progress.models import AnswerDay, MeasureCounter, ModuleProgress
from schools.models import AuditEvent
from tests.cohorts.test_dashboard_selectors import populate, world

pytestmark = pytest.mark.django_db
RECORDS = [AuditEvent, ExportJob, Attestation, MeasureCounter, AnswerDay, ModuleProgress]


@pytest.mark.parametrize("model", RECORDS, ids=lambda m: m.__name__)
def test_records_cannot_be_added_changed_or_deleted_in_the_admin(model, rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    model_admin = admin.site._registry[model]
    assert not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
                or model_admin.has_delete_permission(request))


@pytest.mark.parametrize("model", [MeasureCounter, AnswerDay, ModuleProgress], ids=lambda m: m.__name__)
def test_record_pages_render(model, admin_client):
    populate(world())
    obj = model.objects.first()
    meta = model._meta
    assert admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])).status_code == 200


def test_an_export_job_page_keeps_the_pseudonym_key_hidden(admin_client):
    w = world()
    job = ExportJob.objects.create(school=w.cohort.school, cohort=w.cohort, kind="research", format="csv",
                                   salt="s3cr3t-pseudonym-key")
    page = admin_client.get(reverse("admin:cohorts_exportjob_change", args=[job.pk]))
    assert page.status_code == 200 and b"s3cr3t-pseudonym-key" not in page.content
