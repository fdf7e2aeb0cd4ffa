"""The roster upload on its page: a preview by row (new, updated, unchanged, error by line and
column) that writes nothing, a confirm that applies it all at once, the same file again
changing nothing, and every kind of bad row refusing the whole file."""
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from schools.models import AuditEvent, Enrollment, Membership, Role
from tests.factories import CohortFactory, MembershipFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/school/north/manage/roster/"
HEADER = "username;email;first_name;last_name;student_number;training_year;cohort;role\n"


@pytest.fixture
def school():
    return SchoolFactory(slug="north")


@pytest.fixture
def cohort(school):
    return CohortFactory(school=school, name="Internes 2026", slug="internes-2026")


@pytest.fixture
def client(school):
    client = Client()
    client.force_login(MembershipFactory(school=school, role=Role.ADMIN, user__username="ada").user)
    return client


def _upload(client, text: str, encoding="utf-8"):
    return client.post(URL, {"action": "preview", "file": SimpleUploadedFile("roster.csv", text.encode(encoding))})


def _confirm(client, preview):
    return client.post(URL, {"action": "confirm", "digest": preview.context["digest"]})


def _state():
    return (User.objects.count(), Membership.objects.count(), Enrollment.objects.count())


def test_the_preview_says_new_updated_and_unchanged_and_writes_nothing(client, school, cohort):
    MembershipFactory(school=school, user__username="bea", user__first_name="Bea", user__last_name="Old",
                      user__email="bea@example.org")
    MembershipFactory(school=school, user__username="cal", user__first_name="Cal", user__last_name="Same",
                      user__email="cal@example.org")
    before = _state()
    preview = _upload(client, HEADER + "ann;ann@example.org;Ann;Archer;S1;2;Internes 2026;trainee\n"
                      "bea;bea@example.org;Bea;New;;;;\ncal;cal@example.org;Cal;Same;;;;\n")
    assert preview.status_code == 200
    assert [(r["line"], r["status"]) for r in preview.context["rows"]] == [(2, "new"), (3, "updated"), (4, "unchanged")]
    assert preview.context["rows"][1]["changes"] == ["last name"]
    assert _state() == before


def test_confirming_applies_every_row_and_the_same_file_again_changes_nothing(client, school, cohort):
    text = HEADER + "ann;ann@example.org;Ann;Archer;S1;2;internes-2026;trainee\nfay;;Fay;Teach;;;Internes 2026;faculty\n"
    response = _confirm(client, _upload(client, text))
    assert response.status_code == 302
    ann = User.objects.get(username="ann")
    assert (ann.email, ann.training_year, ann.has_usable_password()) == ("ann@example.org", 2, False)
    assert Membership.objects.get(user=ann, school=school).student_number == "S1"
    assert Enrollment.objects.get(user__username="fay").role == Enrollment.CohortRole.FACULTY
    assert AuditEvent.objects.get(action="school.roster.apply").detail == {"rows": 2, "new": 2, "updated": 0, "unchanged": 0}
    state, events = _state(), AuditEvent.objects.count()
    again = _upload(client, text)
    assert [r["status"] for r in again.context["rows"]] == ["unchanged", "unchanged"]
    assert "nothing to apply" in again.content.decode()
    _confirm(client, again)
    assert _state() == state and AuditEvent.objects.count() == events


@pytest.mark.parametrize("line, words", [
    ("ann;ann@example.org;Ann;A;;;;dean", "Line 3, column 8 (role): Unknown role"),
    ("ann;taken@example.org;Ann;A;;;;", "Line 3, column 2 (e-mail): This e-mail is already used in another school."),
    ("ann;ann@example.org;Ann;A;;;Their cohort;", "Line 3, column 7 (cohort): No cohort “Their cohort” in this school."),
    ("other;;;;;;;", "Line 3, column 1 (username): This person belongs to another school."),
])
def test_a_bad_row_is_reported_with_its_line_and_nothing_is_written(client, school, cohort, line, words):
    elsewhere = SchoolFactory()
    MembershipFactory(school=elsewhere, user__email="taken@example.org")
    MembershipFactory(school=elsewhere, user__username="other")
    CohortFactory(school=elsewhere, name="Their cohort")
    before = _state()
    preview = _upload(client, HEADER + "zoe;zoe@example.org;Zoe;Z;;;;\n" + line + "\n")
    assert preview.status_code == 400
    assert words in preview.content.decode()
    assert "Confirm and apply" not in preview.content.decode()
    assert _confirm(client, preview).status_code == 400
    assert _state() == before


def test_unknown_columns_and_duplicates_are_reported_by_line(client, school):
    preview = _upload(client, "email;shoe\na@example.org;1\n")
    assert "Line 1, column 2 (shoe): Unknown column" in preview.content.decode()
    preview = _upload(client, "email\na@example.org\nA@example.org\n")
    assert "Line 3, column 1 (e-mail): “a@example.org” is already on line 2." in preview.content.decode()


def test_a_workbook_is_refused_on_the_file_field(client):
    response = client.post(URL, {"action": "preview", "file": SimpleUploadedFile("r.xlsx", b"PK\x03\x04xx")})
    assert response.status_code == 400 and "Save as" in response.content.decode()


def test_a_confirm_without_the_preview_is_refused(client):
    assert client.post(URL, {"action": "confirm", "digest": "nope"}).status_code == 409


def test_windows_1252_roster_is_applied(client, school, cohort):
    _confirm(client, _upload(client, "email;first_name\nh@example.org;Hélène\n", encoding="cp1252"))
    assert User.objects.get(email="h@example.org").first_name == "Hélène"


def test_a_2000_row_roster_is_previewed_and_applied(client, school, cohort, capsys):
    text = HEADER + "".join(f"t{i};t{i}@example.org;First{i};Last{i};S{i};{i % 6 + 1};Internes 2026;trainee\n"
                            for i in range(2000))
    started = time.perf_counter()
    preview = _upload(client, text)
    previewed = time.perf_counter()
    assert preview.context["counts"]["new"] == 2000
    assert _confirm(client, preview).status_code == 302
    done = time.perf_counter()
    assert Enrollment.objects.filter(cohort=cohort).count() == 2000
    with capsys.disabled():
        print(f"\n2,000-row roster: preview {previewed - started:.2f} s, confirm {done - previewed:.2f} s")
