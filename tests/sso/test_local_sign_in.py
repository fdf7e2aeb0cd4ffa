"""A school may allow single sign-on only: its members' passwords are refused (every password
sign-in page), saying why; the staff of other schools still sign in with theirs."""
from django.db import transaction

from schools.models import AuditEvent
from sso import services
from tests.factories import MembershipFactory, SchoolFactory, UserFactory

PASSWORD = "pw-for-tests-1"


def _sso_only(school):
    with transaction.atomic():
        services.school_set_local_sign_in(school=school, allowed=False)


def test_password_sign_in_is_allowed_by_default(client, db):
    member = MembershipFactory().user
    answer = client.post("/accounts/login/", {"username": member.username, "password": PASSWORD})
    assert answer.status_code == 302


def test_a_member_of_a_school_allowing_sso_only_is_refused_with_the_right_password(client, db):
    school = SchoolFactory(name="Université A")
    member = MembershipFactory(school=school).user
    _sso_only(school)
    answer = client.post("/accounts/login/", {"username": member.username, "password": PASSWORD})
    assert answer.status_code == 200 and "_auth_user_id" not in client.session
    assert "Université A lets its members sign in through single sign-on only" in answer.content.decode()


def test_a_wrong_password_of_such_a_member_gets_the_usual_message(client, db):
    school = SchoolFactory()
    member = MembershipFactory(school=school).user
    _sso_only(school)
    answer = client.post("/accounts/login/", {"username": member.username, "password": "wrong"})
    assert b"did not match" in answer.content and b"single sign-on only" not in answer.content


def test_the_staff_of_another_school_still_sign_in_with_a_password(client, db):
    _sso_only(SchoolFactory())
    staff = MembershipFactory(school=SchoolFactory(), role="faculty").user
    answer = client.post("/accounts/login/", {"username": staff.username, "password": PASSWORD})
    assert answer.status_code == 302 and client.session["_auth_user_id"] == str(staff.pk)


def test_the_admin_sign_in_refuses_such_a_member_too(client, db):
    school = SchoolFactory()
    admin = UserFactory(is_staff=True, is_superuser=True)
    MembershipFactory(school=school, user=admin, role="admin")
    _sso_only(school)
    client.post("/admin/login/", {"username": admin.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_turning_password_sign_in_off_is_audited(db):
    school = SchoolFactory()
    _sso_only(school)
    assert AuditEvent.objects.filter(action="school.local_sign_in.change", school=school,
                                     detail={"allowed": False}).exists()


def test_the_admin_s_switch_is_audited(client, db):
    school = SchoolFactory(name="Université A", slug="univ-a")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    answer = client.post(f"/admin/schools/school/{school.pk}/change/", {
        "name": school.name, "slug": school.slug, "signatory_name": "", "signatory_title": "",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    })
    assert answer.status_code == 302, answer.content.decode()[:2000]
    school.refresh_from_db()
    assert school.local_sign_in_allowed is False
    assert AuditEvent.objects.filter(action="school.local_sign_in.change", school=school).exists()
