"""The data-protection pages: a member's notice and data, a school admin's erasure and record."""
import pytest
from django.test import Client

from privacy.models import DataExport, NoticeAcknowledgement, PrivacyPolicy
from schools.models import AuditEvent, Role
from tests.cohorts.test_dashboard_selectors import populate, world
from tests.cohorts.test_views import client_for
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    w = populate(world())
    w.admin = MembershipFactory(school=w.cohort.school, role=Role.ADMIN).user
    return w


def _sign_in(user, password="pw-Strong-2026!") -> Client:
    user.set_password(password)
    user.save()
    client = Client()
    assert client.post("/accounts/login/", {"username": user.username, "password": password}).status_code == 302
    return client


def _notice(w, text="We keep your answers for training."):
    return PrivacyPolicy.objects.create(school=w.cohort.school, notice_en=text, notice_fr="Nous gardons…",
                                        notice_version=1)


def test_a_member_reads_the_notice_before_any_page_after_signing_in(w):
    _notice(w)
    client = _sign_in(w.people["alice"])
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/privacy/notice/")
    assert "We keep your answers" in client.get(response["Location"]).content.decode()


def test_once_read_the_notice_sends_the_member_on_and_is_recorded(w):
    _notice(w)
    client = _sign_in(w.people["alice"])
    response = client.post("/privacy/notice/", {"next": "/learn/me/reliance/"})
    assert response["Location"] == "/learn/me/reliance/"
    assert client.get("/").status_code == 200
    assert NoticeAcknowledgement.objects.filter(user=w.people["alice"], version=1).exists()


def test_a_notice_read_is_not_shown_again_at_the_next_sign_in(w):
    _notice(w)
    _sign_in(w.people["alice"]).post("/privacy/notice/", {"next": "/"})
    assert _sign_in(w.people["alice"]).get("/").status_code == 200


def test_a_posted_answer_is_never_turned_away_by_the_notice(w):
    _notice(w)
    client = _sign_in(w.people["alice"])
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 302 and not response["Location"].startswith("/privacy/")


def test_the_notice_may_not_send_a_member_to_another_site(w):
    _notice(w)
    client = _sign_in(w.people["alice"])
    assert client.post("/privacy/notice/", {"next": "https://evil.example/"})["Location"] == "/"


def test_a_school_without_a_notice_asks_nothing(w):
    assert _sign_in(w.people["alice"]).get("/").status_code == 200


def test_a_member_asks_for_their_data_on_their_page(w):
    client = client_for(w.people["alice"])
    assert client.post("/privacy/my-data/").status_code == 302
    assert DataExport.objects.filter(subject=w.people["alice"], school=None).count() == 1
    assert client.post("/privacy/my-data/").status_code == 409  # one at a time


def test_nobody_downloads_another_members_archive(w):
    export = DataExport.objects.create(subject=w.people["alice"], requested_by=w.people["alice"])
    assert client_for(w.people["bob"]).get(f"/privacy/my-data/{export.pk}/download/").status_code == 404


def test_the_school_page_is_hidden_from_everyone_but_its_admins(w):
    url = f"/school/{w.cohort.school.slug}/privacy/"
    assert client_for(w.admin).get(url).status_code == 200
    for user in (w.reviewer, w.people["alice"], MembershipFactory(role=Role.ADMIN).user):
        assert client_for(user).get(url).status_code == 404


def test_a_changed_notice_gets_a_new_version(w):
    url = f"/school/{w.cohort.school.slug}/privacy/"
    form = {"attestations_on_erasure": "keep", "notice_en": "First.", "notice_fr": "", "contact": "dpo@school"}
    client_for(w.admin).post(url, form)
    client_for(w.admin).post(url, {**form, "notice_en": "Second."})
    assert PrivacyPolicy.objects.get(school=w.cohort.school).notice_version == 2


def test_a_retention_period_below_30_days_is_refused_and_says_where(w):
    response = client_for(w.admin).post(f"/school/{w.cohort.school.slug}/privacy/", {
        "attestations_on_erasure": "keep", "retention_days": "3"})
    assert response.status_code == 400
    assert "Days identifying data is kept" in response.content.decode()
    assert not PrivacyPolicy.objects.filter(school=w.cohort.school).exists()


def test_erasing_without_confirming_is_refused_and_changes_nothing(w):
    alice = w.people["alice"]
    response = client_for(w.admin).post(f"/school/{w.cohort.school.slug}/privacy/members/{alice.pk}/erase/", {})
    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.username == "alice"


def test_an_admin_erases_a_member_from_the_page(w):
    alice = w.people["alice"]
    client = client_for(w.admin)
    page = client.get(f"/school/{w.cohort.school.slug}/privacy/members/{alice.pk}/")
    assert "What stays, under the pseudonym" in page.content.decode()
    response = client.post(f"/school/{w.cohort.school.slug}/privacy/members/{alice.pk}/erase/", {"confirm": "on"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.username.startswith("erased-")


def test_a_member_of_another_school_is_not_an_admins_to_act_for(w):
    stranger = UserFactory()
    url = f"/school/{w.cohort.school.slug}/privacy/members/{stranger.pk}/"
    assert client_for(w.admin).get(url).status_code == 404


def test_the_record_of_processing_is_a_csv_with_the_retention_period(w):
    PrivacyPolicy.objects.create(school=w.cohort.school, retention_days=365)
    response = client_for(w.admin).get(f"/school/{w.cohort.school.slug}/privacy/record-of-processing.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert body.startswith("category,data,purpose,legal_basis,retention,who_can_see_it")
    assert "365 days" in body
    assert AuditEvent.objects.filter(action="privacy.processing.download").count() == 1
