"""The manual grading queue pages: suggestion, its confidence and evidence, accept or adjust,
names hidden, next and previous, second marking, and Cohen's kappa between raters."""
import pytest
from django.test import Client
from django.urls import reverse

from schools.models import AuditEvent, Enrollment, Role
from quizzes import review, services
from quizzes.models import Grade, RaterMark, Response
from tests.factories import CaseFactory, EnrollmentFactory, ItemFactory, MembershipFactory, UserFactory, assigned_module

pytestmark = pytest.mark.django_db

KEY = {"criteria": [
    {"id": "gap", "text": "Names the subgroup gap", "points": 2, "look_for": [["Fitzpatrick", "dark skin"]]},
    {"id": "act", "text": "Says what to do", "points": 1, "look_for": [["refer"]]},
]}


def login(user) -> Client:
    user.save(update_fields=["password"])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def setting():
    """Three trainees answered a free-text item; two faculty members teach their cohort."""
    trainees = [UserFactory(first_name=f"Ana{i}", last_name="Doe") for i in range(3)]
    module = assigned_module(*trainees)
    cohort = Enrollment.objects.filter(user=trainees[0]).get().cohort
    raters = []
    for _ in range(2):
        rater = MembershipFactory(role=Role.FACULTY, school=cohort.school).user
        EnrollmentFactory(user=rater, cohort=cohort, role=Enrollment.CohortRole.FACULTY)
        raters.append(rater)
    item = ItemFactory(case=CaseFactory(module=module), type="free_text", spec={}, key=KEY, prompt="Critique it.")
    texts = ["Poor on dark skin; refer.", "It is fine.", "Fitzpatrick V-VI gap."]
    responses = []
    for trainee, text in zip(trainees, texts):
        attempt = services.attempt_start(trainee=trainee, module=module)
        response, _ = services.response_submit(attempt=attempt, item=item, answer={"text": text})
        services.response_grade(response_id=response.pk)
        responses.append(Response.objects.get(pk=response.pk))
    return {"item": item, "raters": raters, "responses": responses, "trainees": trainees}


def test_the_queue_lists_items_waiting_for_a_mark(setting):
    page = login(setting["raters"][0]).get("/studio/grading/").content.decode()
    assert "Critique it." in page and "Mark 3 answers" in page


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.REVIEWER])
def test_trainees_and_reviewers_cannot_reach_the_queue(setting, role):
    client = login(MembershipFactory(role=role).user)
    response_id = setting["responses"][0].pk
    assert client.get("/studio/grading/").status_code == 403
    assert client.get(reverse("studio:grading-response", args=[response_id])).status_code == 403
    assert client.post(reverse("studio:grading-response", args=[response_id]), {"points-gap": "2"}).status_code == 403


def test_faculty_who_do_not_teach_the_cohort_see_nothing(setting):
    client = login(MembershipFactory(role=Role.FACULTY).user)
    assert "Critique it." not in client.get("/studio/grading/").content.decode()
    assert client.get(reverse("studio:grading-response", args=[setting["responses"][0].pk])).status_code == 404


@pytest.mark.parametrize("school", ["own", "other"])
def test_school_admins_may_not_open_or_mark_an_answer(setting, school):
    cohort = Enrollment.objects.filter(user=setting["trainees"][0]).get().cohort
    admin = MembershipFactory(role=Role.ADMIN, **({"school": cohort.school} if school == "own" else {})).user
    client = login(admin)
    url = reverse("studio:grading-response", args=[setting["responses"][0].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"points-gap": "0", "points-act": "0"}).status_code == 404
    assert "Critique it." not in client.get("/studio/grading/").content.decode()
    assert Response.objects.get(pk=setting["responses"][0].pk).state == Response.State.REVIEW


def test_the_courses_author_marks_without_teaching_the_cohort(setting):
    author = MembershipFactory(role=Role.FACULTY).user
    course = setting["item"].case.module.version.course
    course.owner = author
    course.save(update_fields=["owner"])
    client = login(author)
    url = reverse("studio:grading-response", args=[setting["responses"][0].pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"points-gap": "2", "points-act": "1", "then": "stay"}).status_code == 302
    assert Grade.objects.get(response=setting["responses"][0]).graded_by == author


def test_a_grade_confirmed_on_the_page_is_in_the_trainees_school_log(setting):
    response = setting["responses"][0]
    login(setting["raters"][0]).post(reverse("studio:grading-response", args=[response.pk]),
                                     {"points-gap": "1", "points-act": "0"})
    event = AuditEvent.objects.get(action="grade.confirm")
    assert (event.actor, event.subject) == (setting["raters"][0], setting["trainees"][0])
    assert event.school == Enrollment.objects.get(user=setting["trainees"][0]).cohort.school
    assert (event.detail["before"]["final"], event.detail["after"]["score"]) == (False, pytest.approx(1 / 3))


def test_names_are_hidden_by_default_and_showing_them_is_audited(setting):
    client = login(setting["raters"][0])
    response = setting["responses"][0]
    url = reverse("studio:grading-response", args=[response.pk])
    page = client.get(url).content.decode()
    assert "Ana0" not in page and f"Trainee {response.attempt.trainee_id}" in page
    assert not AuditEvent.objects.filter(action="review.names_shown").exists()
    page = client.get(url + "?names=1").content.decode()
    assert "Ana0 Doe" in page
    event = AuditEvent.objects.get(action="review.names_shown")
    assert (event.actor, event.subject) == (setting["raters"][0], setting["trainees"][0])
    # In the log of the trainee's school, where its admins look for who saw whom.
    assert event.school == Enrollment.objects.get(user=setting["trainees"][0]).cohort.school


def test_the_suggestion_is_prefilled_per_criterion(setting):
    page = login(setting["raters"][0]).get(
        reverse("studio:grading-response", args=[setting["responses"][0].pk])).content.decode()
    assert 'name="points-gap" value="2.0"' in page and 'name="points-act" value="1.0"' in page
    assert "1 of 1 groups of words found" in page


def test_accepting_or_adjusting_confirms_the_grade_and_moves_on(setting):
    client = login(setting["raters"][0])
    first, second = setting["responses"][:2]
    response = client.post(reverse("studio:grading-response", args=[first.pk]),
                           {"points-gap": "1,5", "points-act": "1", "comment": "Good.", "mode": "first",
                            "sort": "submitted"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("studio:grading-response", args=[second.pk]))
    grade = Grade.objects.get(response=first)
    assert (grade.score, grade.is_final, grade.comment, grade.graded_by) == (
        pytest.approx(2.5 / 3), True, "Good.", setting["raters"][0])
    assert RaterMark.objects.get(response=first).points == {"gap": 1.5, "act": 1}
    assert Response.objects.get(pk=first.pk).state == Response.State.GRADED


def test_the_item_page_lists_the_least_sure_suggestion_first(setting):
    client = login(setting["raters"][0])
    url = reverse("studio:grading-item", args=[setting["item"].pk])
    page = client.get(url + "?mode=first").content.decode()
    links = [reverse("studio:grading-response", args=[r.pk]) for r in setting["responses"]]
    # "Fitzpatrick V-VI gap." is a bare list of keywords (low); the other two are short (medium).
    assert page.index(links[2]) < page.index(links[0]) < page.index(links[1])
    assert "Low confidence" in page and "a list of words, not sentences" in page
    page = client.get(url + "?mode=first&sort=submitted").content.decode()
    assert page.index(links[0]) < page.index(links[1]) < page.index(links[2])


def test_the_queue_counts_low_confidence_suggestions_per_item(setting):
    page = login(setting["raters"][0]).get("/studio/grading/").content.decode()
    assert "1 low" in page


def test_the_marking_page_shows_the_evidence_in_its_sentence(setting):
    page = login(setting["raters"][0]).get(
        reverse("studio:grading-response", args=[setting["responses"][0].pk])).content.decode()
    assert "Medium confidence" in page and "The answer is short (5 words)" in page
    assert 'Sentence 1: “Poor on <mark class="found">dark skin</mark>; refer.”' in page
    assert '<div class="answer-text">Poor on <mark class="found">dark skin</mark>; <mark class="found">refer</mark>.</div>' in page


def test_a_low_confidence_suggestion_is_capped_and_says_so(setting):
    page = login(setting["raters"][0]).get(
        reverse("studio:grading-response", args=[setting["responses"][2].pk])).content.decode()
    assert "Low confidence" in page and "capped at half" in page
    assert 'name="points-gap" value="1.0"' in page  # 2 points from "Fitzpatrick", capped at half of 2


def test_next_follows_the_confidence_order_by_default(setting):
    client = login(setting["raters"][0])
    low, first, second = setting["responses"][2], *setting["responses"][:2]
    response = client.post(reverse("studio:grading-response", args=[low.pk]), {"points-gap": "1", "points-act": "0"})
    assert response["Location"] == reverse("studio:grading-response", args=[first.pk]) + "?mode=first&sort=confidence"


def test_out_of_range_points_are_refused_and_nothing_changes(setting):
    client = login(setting["raters"][0])
    first = setting["responses"][0]
    response = client.post(reverse("studio:grading-response", args=[first.pk]), {"points-gap": "5", "points-act": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "points.act" in page
    assert Response.objects.get(pk=first.pk).state == Response.State.REVIEW
    response = client.post(reverse("studio:grading-response", args=[first.pk]), {"points-gap": "5", "points-act": "1"})
    assert response.status_code == 400 and "from 0 to 2" in response.content.decode()
    assert not RaterMark.objects.exists()


def test_a_comment_with_a_nul_character_is_refused_and_nothing_changes(setting):
    client = login(setting["raters"][0])
    first = setting["responses"][0]
    response = client.post(reverse("studio:grading-response", args=[first.pk]),
                           {"points-gap": "2", "points-act": "1", "comment": "Good\x00.", "mode": "first"})
    assert response.status_code == 400
    assert "contains the character U+0000, which cannot be stored" in response.content.decode()
    assert Response.objects.get(pk=first.pk).state == Response.State.REVIEW
    assert not RaterMark.objects.exists()


def test_previous_and_next_links(setting):
    client = login(setting["raters"][0])
    first, second, third = setting["responses"]
    page = client.get(reverse("studio:grading-response", args=[second.pk]) + "?sort=submitted").content.decode()
    assert reverse("studio:grading-response", args=[first.pk]) in page
    assert reverse("studio:grading-response", args=[third.pk]) in page
    assert "Answer 2 of 3" in page


def test_a_second_rater_marks_blind_and_the_grade_stays(setting):
    first_rater, second_rater = setting["raters"]
    response = setting["responses"][0]
    login(first_rater).post(reverse("studio:grading-response", args=[response.pk]), {"points-gap": "2", "points-act": "1"})
    client = login(second_rater)
    assert "Second-mark 1 answer" in client.get("/studio/grading/").content.decode()
    page = client.get(reverse("studio:grading-response", args=[response.pk]) + "?mode=second").content.decode()
    assert "You mark blind" in page
    client.post(reverse("studio:grading-response", args=[response.pk]),
                {"points-gap": "1", "points-act": "1", "mode": "second"})
    grade = Grade.objects.get(response=response)
    assert grade.score == 1.0 and grade.graded_by == first_rater
    assert RaterMark.objects.get(response=response, rater=second_rater).points == {"gap": 1, "act": 1}


def test_kappa_per_item_from_two_raters(setting):
    first_rater, second_rater = setting["raters"]
    marks = [({"gap": 2, "act": 1}, {"gap": 2, "act": 1}),
             ({"gap": 0, "act": 0}, {"gap": 0, "act": 1}),
             ({"gap": 2, "act": 0}, {"gap": 2, "act": 0})]
    for response, (a, b) in zip(setting["responses"], marks):
        review.review_mark(response=response, rater=first_rater, points=a)
        review.review_mark(response=Response.objects.get(pk=response.pk), rater=second_rater, points=b)
    agreement = review.item_agreement(items=[setting["item"]])[setting["item"].pk]
    assert agreement.responses == 3 and agreement.criterion_pairs == 6
    pairs = [(2, 2), (1, 1), (0, 0), (0, 1), (2, 2), (0, 0)]
    assert agreement.kappa_points == pytest.approx(review.cohen_kappa(pairs))
    assert agreement.exact_share == pytest.approx(5 / 6)
    page = login(first_rater).get("/studio/grading/").content.decode()
    assert f"{agreement.kappa_points:.2f}" in page


def test_marks_confirmed_through_the_api_count_as_a_first_rater(setting):
    first_rater, second_rater = setting["raters"]
    response = setting["responses"][0]
    services.response_review_confirm(response=response, reviewer=first_rater, points={"gap": 2, "act": 0})
    review.review_mark(response=Response.objects.get(pk=response.pk), rater=second_rater, points={"gap": 2, "act": 0})
    agreement = review.item_agreement(items=[setting["item"]])[setting["item"].pk]
    assert agreement.responses == 1 and agreement.exact_share == 1.0


def test_cohen_kappa():  # quizzes.graders.agreement, as the pages use it
    assert review.cohen_kappa([]) is None
    assert review.cohen_kappa([(1, 1), (1, 1)]) is None  # one category only: chance explains it all
    assert review.cohen_kappa([(1, 1), (0, 0), (1, 1), (0, 0)]) == 1.0
    # A textbook table: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> kappa 0.4.
    pairs = [(1, 1)] * 20 + [(1, 0)] * 5 + [(0, 1)] * 10 + [(0, 0)] * 15
    assert review.cohen_kappa(pairs) == pytest.approx(0.4)


def test_the_queue_page_costs_twelve_queries(setting, django_assert_num_queries):
    client = login(setting["raters"][0])
    with django_assert_num_queries(12):
        assert client.get("/studio/grading/").status_code == 200


def test_the_item_page_costs_the_same_queries_for_one_answer_or_three(setting, django_assert_num_queries):
    client = login(setting["raters"][0])
    url = reverse("studio:grading-item", args=[setting["item"].pk]) + "?mode=first"
    with django_assert_num_queries(ITEM_PAGE_QUERIES):
        assert client.get(url).status_code == 200
    for response in setting["responses"][:2]:
        review.review_mark(response=response, rater=setting["raters"][0], points={"gap": 0, "act": 0})
    with django_assert_num_queries(ITEM_PAGE_QUERIES):
        assert client.get(url).status_code == 200


ITEM_PAGE_QUERIES = 5  # whatever the number of answers listed
