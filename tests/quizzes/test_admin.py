"""Key fixes, ground-truth fixes, regrade jobs and blind marks are audit records: read-only in the admin."""
import pytest
from django.contrib import admin
from django.urls import reverse

from quizzes import regrade
from quizzes.models import KeyFix, RaterMark, RegradeJob, TruthFix
from quizzes.truth_fix import artifact_truth_fix
from tests.cohorts.test_dashboard_selectors import populate, world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [KeyFix, TruthFix, RegradeJob, RaterMark], ids=lambda m: m.__name__)
def test_regrade_records_are_read_only(model, rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    model_admin = admin.site._registry[model]
    assert not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
                or model_admin.has_delete_permission(request))


def test_a_key_fix_and_its_regrade_job_render(admin_client):
    w = populate(world())
    fix = regrade.item_key_fix(item=w.items["S1"], new_answer={"answer": "a"}, reason="Swapped.", user=w.reviewer)
    job = regrade.regrade_job_create(item=w.items["S1"], user=w.reviewer, key_fix=fix)
    for name, pk in (("keyfix", fix.pk), ("regradejob", job.pk)):
        assert admin_client.get(reverse(f"admin:quizzes_{name}_changelist")).status_code == 200
        assert admin_client.get(reverse(f"admin:quizzes_{name}_change", args=[pk])).status_code == 200


def test_a_ground_truth_fix_renders(admin_client):
    w = populate(world())
    fix = artifact_truth_fix(artifact=w.items["R1"].artifact, correct=True, failure_modes=[], reason="It was right.",
                             user=w.reviewer)
    assert admin_client.get(reverse("admin:quizzes_truthfix_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:quizzes_truthfix_change", args=[fix.pk])).status_code == 200
