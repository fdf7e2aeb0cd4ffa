"""Item analysis: facility, discrimination, distractors and span detection, in four queries."""
import pytest
from django.test import Client
from django.urls import reverse

from schools.models import Role
from quizzes.item_analysis import _pearson, version_item_analysis
from quizzes import services
from tests.factories import ArtifactFactory, CaseFactory, ItemFactory, MembershipFactory, UserFactory, assigned_module

pytestmark = pytest.mark.django_db

TEXT = "Mrs D has a penicillin allergy. Start amoxicillin now. Review in a week."
ALLERGY = (TEXT.index("a penicillin allergy"), TEXT.index("a penicillin allergy") + 20)
DRUG = (TEXT.index("amoxicillin"), TEXT.index("amoxicillin") + 11)


@pytest.fixture
def course():
    """Ten trainees; a choice item, a multiple-choice item and a span item in one module.

    Trainees 0-4 are "strong" (right on the other items), 5-9 "weak"."""
    trainees = [UserFactory() for _ in range(10)]
    module = assigned_module(*trainees)
    case = CaseFactory(module=module)
    text = ArtifactFactory(case=case, content={"text": TEXT})
    text.failure_modes.set(["HAL"])
    choice = ItemFactory(case=case, slug="choice", spec={"options": [
        {"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}]}, key={"answer": "b"})
    multi = ItemFactory(case=case, slug="multi", type="multiple_choice", spec={"options": [
        {"id": "x", "text": "X"}, {"id": "y", "text": "Y"}]}, key={"correct": ["x"]})
    spans = ItemFactory(case=case, slug="spans", type="error_spans", artifact=text, spec={}, key={"spans": [
        {"start": ALLERGY[0], "end": ALLERGY[1], "failure_mode": "HAL"},
        {"start": DRUG[0], "end": DRUG[1], "failure_mode": "CLIN"},
    ]})
    for i, trainee in enumerate(trainees):
        strong = i < 5
        attempt = services.attempt_start(trainee=trainee, module=module)
        answers = [
            (choice, {"answer": "b" if strong else ("a" if i < 8 else "b")}),
            (multi, {"answers": ["x"] if strong else ["y"]}),
            (spans, {"spans": [{"start": ALLERGY[0], "end": ALLERGY[1]}] + ([] if i % 2 else [{"start": DRUG[0], "end": DRUG[1]}])}),
        ]
        for item, answer in answers:
            response, _ = services.response_submit(attempt=attempt, item=item, answer=answer)
            services.response_grade(response_id=response.pk)
    return module.version, {"choice": choice, "multi": multi, "spans": spans}


def test_facility_and_discrimination(course):
    version, items = course
    stats = {s.item.slug: s for s in version_item_analysis(version=version)}
    choice = stats["choice"]
    assert choice.responses == 10 and choice.facility == pytest.approx(0.7)
    assert choice.discrimination > 0.5  # strong trainees get it right, weak ones mostly not
    assert choice.point_biserial > 0.5
    multi = stats["multi"]
    assert multi.facility == pytest.approx(0.5) and multi.discrimination == pytest.approx(1.0)


def test_distractor_counts(course):
    version, _items = course
    choice = {s.item.slug: s for s in version_item_analysis(version=version)}["choice"]
    counts = {o.id: (o.count, o.is_key, o.upper, o.lower) for o in choice.options}
    assert counts["a"][:2] == (3, False) and counts["b"][:2] == (7, True) and counts["c"][:2] == (0, False)
    assert counts["a"][3] >= 2 and counts["a"][2] == 0  # chosen by the lower group only


def test_detection_rate_of_each_seeded_error(course):
    version, _items = course
    spans = {s.item.slug: s for s in version_item_analysis(version=version)}["spans"]
    rates = {(s.start, s.end): (s.found, s.graded, s.excerpt) for s in spans.spans}
    assert rates[ALLERGY] == (10, 10, "a penicillin allergy")
    assert rates[DRUG] == (5, 10, "amoxicillin")


def test_weak_items_are_flagged(course):
    version, _items = course
    stats = {s.item.slug: s for s in version_item_analysis(version=version)}
    assert stats["choice"].flags  # option c is never chosen
    assert any("Nobody chose option c" in flag for flag in stats["choice"].flags)


def test_the_analysis_costs_four_queries_whatever_the_number_of_responses(course, django_assert_num_queries):
    version, _items = course
    with django_assert_num_queries(4):
        version_item_analysis(version=version)


def test_items_without_answers_show_no_figures():
    version = ItemFactory().case.module.version
    (stats,) = version_item_analysis(version=version)
    assert (stats.responses, stats.facility, stats.discrimination, stats.flags) == (0, None, None, [])


def test_pearson_is_undefined_without_variance():
    assert _pearson([1, 1, 1], [0, 1, 2]) is None
    assert _pearson([0, 1], [0, 1]) == pytest.approx(1.0)


def test_the_analysis_page(course):
    version, _items = course
    author = MembershipFactory(role=Role.FACULTY).user
    author.save(update_fields=["password"])
    version.course.owner = author
    version.course.save()
    client = Client()
    client.force_login(author)
    page = client.get(reverse("studio:analysis", args=[version.course.slug, version.number]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Detection of each seeded error" in html and "amoxicillin" in html and "Nobody chose option c" in html
