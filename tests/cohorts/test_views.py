"""Cohort pages: permissions, the figures they show (hand-computed), bad filters, the audit
log, and bounded queries."""
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schools.models import AuditEvent, Enrollment, Role
from tests.cohorts.test_dashboard_selectors import answer, many_trainees, populate, trainee, world
from tests.factories import CohortFactory, EnrollmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    # UserFactory sets the password without saving it; sign in with the stored row so the
    # session's password hash matches what the middleware reads back.
    user.refresh_from_db()
    c = Client()
    c.force_login(user)
    return c


def pages(cohort, trainee_id=None) -> list[str]:
    urls = [reverse(f"school:{name}", args=[cohort.pk])
            for name in ("dashboard", "reliance", "trends", "exports", "attestations")]
    if trainee_id:
        urls.append(reverse("school:trainee", args=[cohort.pk, trainee_id]))
    return urls


def text(response) -> str:
    """The page's visible text, whitespace collapsed (SVG included)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# ---------------------------------------------------------------- who sees what

def test_anonymous_visitors_are_sent_to_sign_in():
    w = world()
    for url in pages(w.cohort) + [reverse("school:index")]:
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_trainees_see_no_dashboard():
    w = populate(world())
    c = client_for(w.people["alice"])
    for url in pages(w.cohort, w.people["bob"].pk) + [reverse("school:index")]:
        assert c.get(url).status_code == 404, url


def test_a_reviewer_of_another_school_sees_nothing_of_this_one():
    w = populate(world())
    stranger = MembershipFactory(role=Role.REVIEWER).user
    c = client_for(stranger)
    for url in pages(w.cohort, w.people["alice"].pk):
        assert c.get(url).status_code == 404, url
    index = c.get(reverse("school:index"))
    assert index.status_code == 200 and w.cohort.name not in index.content.decode()
    assert c.get(reverse("school:switch"), {"cohort": w.cohort.pk}).status_code == 404


def test_faculty_see_the_cohorts_they_teach_only():
    w = populate(world())
    teacher = EnrollmentFactory(cohort=w.cohort, role=Enrollment.CohortRole.FACULTY).user
    other = CohortFactory(school=w.cohort.school)
    c = client_for(teacher)
    for url in pages(w.cohort, w.people["alice"].pk):
        assert c.get(url).status_code == 200, url
    assert c.get(reverse("school:dashboard", args=[other.pk])).status_code == 404


def test_drill_down_only_to_a_trainee_of_the_cohort():
    w = populate(world())
    outsider = UserFactory()
    c = client_for(w.reviewer)
    assert c.get(reverse("school:trainee", args=[w.cohort.pk, outsider.pk])).status_code == 404
    assert c.get(reverse("school:trainee", args=[w.cohort.pk, w.reviewer.pk])).status_code == 404


def test_the_cohort_picker_opens_the_same_tab_of_another_cohort():
    w = world()
    second = CohortFactory(school=w.cohort.school)
    response = client_for(w.reviewer).get(reverse("school:switch"), {"cohort": second.pk, "tab": "reliance"})
    assert response.status_code == 302 and response["Location"] == reverse("school:reliance", args=[second.pk])


def test_staff_navigation_links_to_the_cohorts():
    w = world()
    body = client_for(w.reviewer).get(reverse("school:index")).content.decode()
    assert f'href="{reverse("school:index")}"' in body and w.cohort.name in body


# ---------------------------------------------------------------- the dashboard

def test_dashboard_shows_completion_scores_and_who_needs_attention():
    w = populate(world(due_at=timezone.now() - timedelta(days=2)))
    response = client_for(w.reviewer).get(reverse("school:dashboard", args=[w.cohort.pk]))
    assert response.status_code == 200
    module_a = response.context["data"]["modules"][0]
    assert (module_a["completed"], module_a["not_started"], module_a["completed_pct"]) == (2, 1, 67)
    page = text(response)
    assert "67% completed" in page and "33%" in page  # module A: 2 of 3 completed, mean score 2/6
    assert "1 trainee has not started" in page and "Carol Cole" in page
    assert "3 trainees are overdue" in page
    assert "1 trainee is struggling" in page and "low score" in page
    assert re.search(r"Carol Cole .*?— .*?— .*?Not started", page)  # no score and no activity: dashes
    assert AuditEvent.objects.filter(action="cohort.dashboard.read", actor=w.reviewer, cohort=w.cohort).exists()


def test_dashboard_list_shows_one_group_and_pages():
    w = populate(world())
    response = client_for(w.reviewer).get(reverse("school:dashboard", args=[w.cohort.pk]), {"show": "not_started"})
    assert [t["username"] for t in response.context["page"].object_list] == ["carol"]
    by_score = client_for(w.reviewer).get(reverse("school:dashboard", args=[w.cohort.pk]), {"sort": "score"})
    assert [t["username"] for t in by_score.context["page"].object_list] == ["bob", "alice", "carol"]


def test_dashboard_filters_by_module():
    w = populate(world())
    response = client_for(w.reviewer).get(reverse("school:dashboard", args=[w.cohort.pk]),
                                          {"module": f"{w.course.pk}:mod-b"})
    assert [m["slug"] for m in response.context["data"]["modules"]] == ["mod-b"]


@pytest.mark.parametrize("query, field", [
    ({"active_from": "2026-02-02", "active_to": "2026-02-01"}, "active_to"),
    ({"active_from": "not-a-date"}, "active_from"),
    ({"active_from": "0001-01-01"}, "active_from"),
    ({"active_to": "9999-12-31"}, "active_to"),
    ({"course": "999999"}, "course"),
    ({"module": "1:nope"}, "module"),
    ({"show": "everyone-else"}, "show"),
])
def test_dashboard_answers_bad_filters_with_400_and_says_why(query, field):
    w = world()
    response = client_for(w.reviewer).get(reverse("school:dashboard", args=[w.cohort.pk]), query)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "Some of the filters are not valid" in text(response)


# ---------------------------------------------------------------- reliance analytics

def test_reliance_page_shows_the_hand_computed_measures():
    w = populate(world())
    response = client_for(w.reviewer).get(reverse("school:reliance", args=[w.cohort.pk]))
    assert response.status_code == 200
    page = text(response)
    for expected in ("67% automation bias", "50% aversion", "40% appropriate reliance", "0.412 Brier score",
                     "5 decisions on AI outputs (2 right, 3 wrong)", "43% mean score over 7 graded items"):
        assert expected in page, expected
    assert "Relative AI reliance (RAIR): 0%" in page and "Relative self-reliance (RSR): 0%" in page
    # Dratsch comparison by training year: year 3 right 100.0% / wrong 50.0%, year 4 0.0% / 0.0%.
    # Each rate with its evidence: k of n and the 95% Wilson interval.
    assert re.search(r"Year 3 2 1 100\.0% 1 of 1; 95% CI 21–100% 2 50\.0% 1 of 2; 95% CI 9–91%", page)
    assert re.search(r"Year 4 1 1 0\.0% 0 of 1; 95% CI 0–79% 1 0\.0% 0 of 1", page)
    assert "67% automation bias: wrong AI outputs accepted 2 of 3; 95% CI 21–94%" in page
    # Switch matrix: first answer right → 1 right, 1 wrong; first answer wrong → 0 right, 2 wrong.
    assert "First answer right 1 1" in page and "First answer wrong 0 2" in page
    # d′ is undefined without error-finding items.
    assert "— d′" in page
    assert AuditEvent.objects.filter(action="cohort.reliance.read", cohort=w.cohort).exists()


def test_reliance_histogram_leaves_out_trainees_under_the_minimum_and_says_how_many():
    w = populate(world())  # every trainee has at most 3 wrong AI outputs
    page = text(client_for(w.reviewer).get(reverse("school:reliance", args=[w.cohort.pk])))
    assert "over 0 trainees who met at least 10 wrong AI outputs; 2 trainees with fewer are left out" in page
    assert "2 trainees with fewer than 10 decisions where the AI was wrong are left out of the histogram" in page
    w.cohort.school.min_decisions = 2
    w.cohort.school.save()
    page = text(client_for(w.reviewer).get(reverse("school:reliance", args=[w.cohort.pk])))
    assert "1 trainee with fewer than 2 decisions where the AI was wrong is left out" in page
    assert "log-linear correction (Hautus 1995)" in page


def test_reliance_page_draws_real_accessible_charts():
    w = populate(world())
    body = client_for(w.reviewer).get(reverse("school:reliance", args=[w.cohort.pk])).content.decode()
    svgs = re.findall(r"<svg [^>]*>", body)
    assert len(svgs) >= 6
    assert all('role="img"' in s and "aria-labelledby" in s for s in svgs)
    for title in ("Calibration: stated confidence against accuracy", "Mastery by competency, trainee by trainee",
                  "Accuracy when the AI is right and when it is wrong, by training year"):
        assert f">{title}</title>" in body


def test_reliance_page_of_an_empty_cohort_shows_dashes():
    w = world()
    page = text(client_for(w.reviewer).get(reverse("school:reliance", args=[w.cohort.pk])))
    assert "— automation bias" in page and "— aversion" in page and "— Brier score" in page


def test_reliance_trainee_table_is_sorted_and_links_to_the_drill_down():
    w = populate(world())
    response = client_for(w.reviewer).get(reverse("school:reliance", args=[w.cohort.pk]), {"sort": "automation_bias"})
    assert [r["username"] for r in response.context["rows"]] == ["bob", "alice", "carol"]
    assert reverse("school:trainee", args=[w.cohort.pk, w.people["bob"].pk]) in response.content.decode()


# ---------------------------------------------------------------- trends

def test_trends_compare_with_last_years_cohort_by_default_and_before_after_a_module():
    w = populate(world(year=2026))
    last_year = world(year=2025)
    last_year.cohort.school = w.cohort.school
    last_year.cohort.save()
    zed = trainee(last_year, "zed")
    answer(last_year, zed, "R3", decision="accept", confidence=90)
    response = client_for(w.reviewer).get(reverse("school:trends", args=[w.cohort.pk]),
                                          {"module": f"{w.course.pk}:mod-a"})
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert comparison["other"] == last_year.cohort
    assert comparison["that"]["reliance"]["automation_bias_rate"] == 1.0
    assert comparison["this"]["reliance"]["automation_bias_rate"] == pytest.approx(2 / 3)
    assert response.context["before_after"]["title"] == "Module A"
    assert len(response.context["periods"]) == 1
    assert "Reliance and score over time" in response.content.decode()


def test_trends_say_when_a_side_is_below_the_minimum_instead_of_drawing_it():
    w = populate(world(year=2026))
    last_year = world(year=2025)
    last_year.cohort.school = w.cohort.school
    last_year.cohort.save()
    answer(last_year, trainee(last_year, "zed"), "R3", decision="accept", confidence=90)
    response = client_for(w.reviewer).get(reverse("school:trends", args=[w.cohort.pk]),
                                          {"module": f"{w.course.pk}:mod-a"})
    assert response.context["comparison"]["chart"] is None
    assert response.context["before_after"]["chart"] is None
    page = text(response)
    assert f"Not drawn, too few to compare: fewer than 10 decisions on AI outputs in {w.cohort.name}, {last_year.cohort.name}." in page
    assert "This cohort against another" not in page
    assert "fewer than 10 decisions on AI outputs in Before, After." in page
    assert "1 of 1; 95% CI" in page  # the other cohort's one decision, with its interval
    w.cohort.school.min_decisions = 1
    w.cohort.school.save()
    response = client_for(w.reviewer).get(reverse("school:trends", args=[w.cohort.pk]))
    assert response.context["comparison"]["chart"] is not None


def test_trends_refuse_a_cohort_the_user_may_not_see():
    w = world()
    foreign = CohortFactory()
    response = client_for(w.reviewer).get(reverse("school:trends", args=[w.cohort.pk]), {"compare": foreign.pk})
    assert response.status_code == 400 and "compare" in response.context["form"].errors


# ---------------------------------------------------------------- drill-down

def test_drill_down_shows_the_trainee_and_is_audited():
    w = populate(world())
    alice = w.people["alice"]
    response = client_for(w.reviewer).get(reverse("school:trainee", args=[w.cohort.pk, alice.pk]))
    assert response.status_code == 200
    page = text(response)
    assert "50% automation bias" in page and "75% mean score over 4 graded items" in page
    assert len(response.context["fooled"]) == 1  # R1: accepted a wrong AI output
    event = AuditEvent.objects.get(action="cohort.trainee.read")
    assert (event.actor, event.subject, event.cohort) == (w.reviewer, alice, w.cohort)


# ---------------------------------------------------------------- bounded queries

def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("name, params", [
    ("dashboard", {}),
    ("dashboard", {"show": "struggling", "sort": "score"}),
    ("reliance", {}),
    ("trends", {"module": "{course}:mod-a"}),
    ("exports", {}),
    ("attestations", {}),
])
def test_pages_cost_the_same_queries_for_2_and_20_trainees(name, params):
    w = world()
    many_trainees(w, 2)
    params = {k: v.format(course=w.course.pk) for k, v in params.items()}
    c = client_for(w.reviewer)
    url = reverse(f"school:{name}", args=[w.cohort.pk])
    small = _count(c, url, params)
    many_trainees(w, 18, prefix="u")
    assert _count(c, url, params) == small
    assert small == PAGE_QUERIES[(name, tuple(params))]


def test_drill_down_queries_do_not_grow_with_the_cohort():
    w = world()
    many_trainees(w, 2)
    c = client_for(w.reviewer)
    first = w.people["t0"]
    url = reverse("school:trainee", args=[w.cohort.pk, first.pk])
    small = _count(c, url)
    many_trainees(w, 18, prefix="u")
    assert _count(c, url) == small == DRILL_DOWN_QUERIES


# What each page costs (exactly); a change here is a choice to explain in its commit.
DRILL_DOWN_QUERIES = 18
PAGE_QUERIES = {
    ("dashboard", ()): 13,
    ("dashboard", ("show", "sort")): 13,
    ("reliance", ()): 16,
    ("trends", ("module",)): 15,
    ("exports", ()): 9,
    ("attestations", ()): 11,  # completions per version: one query instead of progress and versions apart
}


def test_dashboard_tables_give_each_share_with_k_of_n_and_its_interval():
    w = populate(world())
    page = text(client_for(w.reviewer).get(reverse("school:dashboard", args=[w.cohort.pk])))
    assert "67% completed 2 of 3; 95% CI 21–94%" in page  # module A: Alice and Bob of three
    assert "50% 1 of 2; 95% CI 9–91%" in page  # Alice's automation bias, 1 of 2 wrong AI outputs


def test_trends_over_time_table_gives_each_rate_with_k_of_n_and_its_interval():
    w = populate(world())
    response = client_for(w.reviewer).get(reverse("school:trends", args=[w.cohort.pk]))
    page = text(response)
    # All answers fall in one week: automation bias 2 of 3 (Alice R1, Bob R1 accepted; Alice R3 overridden).
    assert "67% 2 of 3; 95% CI 21–94%" in page
    svg = response.content.decode()
    assert svg.count('class="interval"') >= 3  # the chart draws the intervals as whiskers
