"""The school admin's pages in Chromium, on a desktop (1280 px) and a phone (375 px): an admin
creates a cohort, assigns it a course, uploads a roster and confirms it, invites a member,
grants a role and deactivates a member; the invited member sets a password; every page
passes axe-core."""
import re

import pytest
from django.core import mail

from accounts.models import User
from schools.models import Assignment, Cohort, Enrollment, Role
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import CourseVersionFactory, MembershipFactory, SchoolFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROSTER = ("username;email;first_name;last_name;student_number;training_year;cohort;role\n"
          "ann;ann@example.org;Ann;Archer;S-1;2;Interns 2026;trainee\n"
          "bob;bob@example.org;Bob;Baker;S-2;3;Interns 2026;trainee\n")


@pytest.fixture
def school():
    school = SchoolFactory(name="North Medical School", slug="north")
    CourseVersionFactory(course__school=school, course__slug="triage", title="Triage with AI")
    return school


@pytest.fixture
def admin(school):
    user = MembershipFactory(school=school, role=Role.ADMIN, user__first_name="Ada", user__last_name="Admin").user
    user.refresh_from_db()
    return user


@pytest.mark.parametrize("device", ["page", "english_phone_page"])
def test_an_admin_creates_a_cohort_uploads_a_roster_invites_and_assigns(request, sign_in, school, admin, device,
                                                                        tmp_path):
    page = sign_in(request.getfixturevalue(device), admin)
    tag = "desktop" if device == "page" else "phone"
    page.goto("/school/")
    page.get_by_role("link", name="School administration").click()
    page.wait_for_url(re.compile(r"/school/north/manage/$"))
    assert_accessible(page)
    page.get_by_role("link", name="Create a cohort").click()
    page.get_by_label("Name").fill("Interns 2026")
    page.get_by_label("Academic year").fill("2026")
    screenshot(page, f"school-admin-cohort-new-{tag}")
    assert_accessible(page)
    page.get_by_role("button", name="Create the cohort").click()
    page.wait_for_url(re.compile(r"/school/manage/cohorts/\d+/$"))
    cohort = Cohort.objects.get(school=school)

    page.get_by_label("Course").select_option("triage")
    page.get_by_label("Due").fill("2027-03-01T18:00")
    page.get_by_role("button", name="Assign the course").click()
    page.get_by_text("The course Triage with AI is assigned.").wait_for()
    assert Assignment.objects.filter(cohort=cohort, course__slug="triage").exists()
    screenshot(page, f"school-admin-cohort-{tag}")
    assert_accessible(page)

    roster = tmp_path / "roster.csv"
    roster.write_bytes(ROSTER.encode("cp1252"))
    page.get_by_role("link", name="Roster upload").click()
    page.get_by_label("Roster file (CSV)").set_input_files(str(roster))
    page.get_by_role("button", name="Preview the roster").click()
    table = page.get_by_role("region", name="Rows of the roster")
    assert table.locator("tbody tr").count() == 2 and "new" in table.inner_text()
    assert not Enrollment.objects.exists()
    screenshot(page, f"school-admin-roster-preview-{tag}")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm and apply the roster").click()
    page.wait_for_url(re.compile(r"/school/north/manage/members/$"))
    assert Enrollment.objects.filter(cohort=cohort).count() == 2

    page.get_by_role("button", name="Invite Ann Archer").click()
    page.get_by_text("An invitation was sent to ann@example.org").wait_for()
    assert mail.outbox and mail.outbox[-1].to == ["ann@example.org"]
    page.get_by_label("Member (username)").fill("bob")
    page.get_by_label("Role").select_option("reviewer")
    page.get_by_role("button", name="Grant the role").click()
    page.get_by_text("Bob Baker is now Reviewer.").wait_for()
    page.get_by_role("button", name="Deactivate Bob Baker").click()
    page.get_by_text("Bob Baker can no longer sign in; their records stay.").wait_for()
    assert not User.objects.get(username="bob").is_active
    screenshot(page, f"school-admin-members-{tag}")
    assert_accessible(page)


def test_a_roster_with_bad_rows_shows_each_line_and_column(page, sign_in, school, admin, tmp_path):
    sign_in(page, admin)
    roster = tmp_path / "bad.csv"
    roster.write_text("email;shoe_size\na@example.org;42\n", encoding="utf-8")
    page.goto("/school/north/manage/roster/")
    page.get_by_label("Roster file (CSV)").set_input_files(str(roster))
    page.get_by_role("button", name="Preview the roster").click()
    alert = page.get_by_role("alert").filter(has_text="Line 1, column 2 (shoe_size)")
    assert alert.count() == 1
    assert page.get_by_role("button", name="Confirm and apply the roster").count() == 0
    screenshot(page, "school-admin-roster-errors-desktop")
    assert_accessible(page)


@pytest.mark.parametrize("device", ["page", "english_phone_page"])
def test_an_invited_member_chooses_a_password_then_the_link_is_refused(request, school, device):
    from schools import services

    member = MembershipFactory(school=school, user__username="cam", user__email="cam@example.org").user
    tokens = []
    services.invitation_send(school=school, user=member, link_for=lambda t: tokens.append(t) or t)
    page = request.getfixturevalue(device)
    tag = "desktop" if device == "page" else "phone"
    page.goto(f"/invitations/{tokens[0]}/")
    page.get_by_label("New password", exact=True).fill("a-long-and-unusual-passphrase-42")
    page.get_by_label("New password confirmation").fill("a-long-and-unusual-passphrase-42")
    screenshot(page, f"school-admin-invitation-{tag}")
    assert_accessible(page)
    page.get_by_role("button", name="Set my password").click()
    page.wait_for_url(re.compile(r"/accounts/login/$"))
    page.goto(f"/invitations/{tokens[0]}/")
    assert "already used" in page.get_by_role("alert").inner_text()
    screenshot(page, f"school-admin-invitation-used-{tag}")
    assert_accessible(page)
