"""The demo's cohorts look like the literature and fit the per-trainee figures: reliance by
training year as in Dratsch et al. (Radiology 2023), enough decisions per trainee, one
language version of the course per cohort, and teachers' free-text marks to compare the
suggestions with."""
import pytest
from django.core.management import call_command

from cohorts.selectors.dashboard import cohort_course_ids
from cohorts.selectors.reliance import cohort_reliance_overview, cohort_trainee_key_figures
from progress.measures import ratio
from quizzes.models import Grade, Response
from schools.models import Assignment, Cohort, Enrollment

ENGLISH, FRENCH = "Class of 2027", "Promotion 2027 (FR)"


def _accuracy_by_experience(cohort: Cohort) -> dict[str, tuple[float, float]]:
    """(accuracy when the AI is right, when it is wrong) of years 1-2 and of years 5-6."""
    overview = cohort_reliance_overview(cohort=cohort, course_ids=cohort_course_ids(cohort=cohort))
    out = {}
    for name, years in (("inexperienced", {1, 2}), ("experienced", {5, 6})):
        rows = [y["measures"]["reliance"] for y in overview["by_year"] if y["year"] in years]
        right = sum(r["accuracy_ai_right"] * r["ai_right"] for r in rows)
        wrong = sum(r["accuracy_ai_wrong"] * r["ai_wrong"] for r in rows)
        out[name] = (ratio(right, sum(r["ai_right"] for r in rows)), ratio(wrong, sum(r["ai_wrong"] for r in rows)))
    return out


@pytest.mark.django_db(transaction=True)
def test_demo_accuracy_drops_when_the_ai_is_wrong_most_for_the_least_experienced(in_process_grading):
    call_command("seed_demo", trainees=12, french_trainees=1)
    split = _accuracy_by_experience(Cohort.objects.get(name=ENGLISH))
    (novice_right, novice_wrong), (expert_right, expert_wrong) = split["inexperienced"], split["experienced"]
    assert novice_right > 0.7 and expert_right > 0.7
    assert novice_wrong < 0.35
    assert 0.35 < expert_wrong < 0.6


@pytest.mark.django_db(transaction=True)
def test_every_demo_trainee_who_started_meets_the_minimum_of_decisions_and_of_wrong_ai_outputs(
        in_process_grading):
    call_command("seed_demo", trainees=10, french_trainees=3)
    for cohort in Cohort.objects.all():
        minimum = cohort.school.min_decisions
        figures = cohort_trainee_key_figures(cohort=cohort, course_ids=cohort_course_ids(cohort=cohort))
        started = [f for f in figures if f["decisions"]]
        assert len(started) >= len(figures) - 1, cohort.name
        assert all(f["decisions"] >= minimum and f["ai_wrong"] >= minimum for f in started), cohort.name


@pytest.mark.django_db(transaction=True)
def test_each_demo_cohort_has_its_own_trainees_taking_its_own_language_version(in_process_grading):
    call_command("seed_demo", trainees=3, french_trainees=2)
    english, french = Cohort.objects.get(name=ENGLISH), Cohort.objects.get(name=FRENCH)
    trainees = {c: set(Enrollment.objects.filter(cohort=c, role=Enrollment.CohortRole.TRAINEE)
                       .values_list("user_id", flat=True)) for c in (english, french)}
    assert trainees[english] and trainees[french] and not trainees[english] & trainees[french]
    courses = {c: set(Assignment.objects.filter(cohort=c).values_list("course__slug", flat=True)) for c in (english, french)}
    assert courses == {english: {"ai-literacy-clinicians"}, french: {"ai-literacy-clinicians-fr"}}
    for cohort in (english, french):
        answered = set(Response.objects.filter(attempt__trainee__in=trainees[cohort])
                       .values_list("attempt__course__slug", flat=True))
        assert answered == courses[cohort]


@pytest.mark.django_db(transaction=True)
def test_demo_teachers_free_text_marks_mostly_agree_with_the_suggestions_not_always(in_process_grading):
    call_command("seed_demo", trainees=5, french_trainees=2)
    differences = [
        grade.detail["confirmed_points"][c["id"]] - c["suggested"]
        for grade in Grade.objects.filter(response__item__type="free_text", detail__has_key="confirmed_points")
        for c in grade.detail["criteria"]
    ]
    assert sum(d == 0 for d in differences) > len(differences) / 2
    assert any(d > 0 for d in differences) and any(d < 0 for d in differences)
    assert Response.objects.filter(state=Response.State.REVIEW, item__type="free_text").exists()
