"""The trainee's pages: what they show, what they withhold, and what tampered posts get.

The pages apply the API's rules (quizzes/apis.py): no key before the feedback is due, no
decide-first AI output before the unaided answer; a refused post is a 4xx that changes
nothing and shows the trainee's input again. Query counts are pinned and do not grow with
the number of items. The last tests measure the case player's budget (page weight, server
time) and print the figures.
"""
import hashlib
import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from progress.models import MeasureCounter
from schools.models import Assignment
from courses.models import MediaAsset, Module
from quizzes import services
from quizzes.models import Attempt, Response
from tests.factories import (
    ArtifactFactory, CaseFactory, CourseFactory, EnrollmentFactory, ItemFactory, LessonFactory, ModuleFactory,
    UserFactory, assigned_module,
)

AI_TEXT = "Patient is allergic to penicillin. Start amoxicillin 500 mg three times daily."
# Strings that only occur in the decide-first item's AI output: they must not be in the HTML early.
SECRET_MODEL, SECRET_OUTPUT, SECRET_SOURCE = "SepsisWatchXYZ", "HighRiskXYZ", "VendorSourceXYZ"
RATIONALE = "Because the lactate is a red herring."


def build_every_type_case(module: Module, *, decide_first: bool = True, title: str = "Every kind of AI output"):
    """A case with one artifact of every kind and one item of every type; returns (case, items by type)."""
    case = CaseFactory(module=module, title=title, vignette="A 67-year-old man (synthetic patient) with *fever*.")
    text = ArtifactFactory(case=case, kind="text", title="AI-drafted note", source="Drafted by an LLM.",
                           content={"text": AI_TEXT}, ai_correct=False, truth_explanation="The allergy is invented.")
    text.failure_modes.set(["HAL"])
    prediction = ArtifactFactory(
        case=case, kind="prediction", title="Sepsis risk alert", source=SECRET_SOURCE, ai_correct=False,
        content={"model": SECRET_MODEL, "target": "Sepsis within 12 hours", "output": SECRET_OUTPUT,
                 "probability": 0.82, "threshold": 0.6,
                 "features": [{"name": "Lactate 3.1 mmol/L", "contribution": 0.21}, {"name": "Age 34", "contribution": -0.05}]},
        truth_explanation="Post-partum physiology fools the score.",
    )
    prediction.failure_modes.set(["SHIFT", "CAL"])
    for path, fill in (("media/cxr.svg", "#444"), ("media/heat.svg", "#f80")):
        svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" fill="{fill}"/></svg>'
        MediaAsset.objects.get_or_create(
            version=module.version, path=path,
            defaults={"file": ContentFile(svg.encode(), name=path.split("/")[-1]), "content_type": "image/svg+xml",
                      "size": len(svg), "sha256": hashlib.sha256(svg.encode()).hexdigest()},
        )
    image = ArtifactFactory(
        case=case, kind="image", title="Chest film with AI box", source="ChestFind", ai_correct=False,
        content={"src": "media/cxr.svg", "alt": "Schematic portable chest film", "width": 512, "height": 512,
                 "overlays": [{"x": 100, "y": 280, "w": 120, "h": 100, "label": "Consolidation", "score": 0.91}],
                 "heatmap": "media/heat.svg"},
    )
    ArtifactFactory(
        case=case, kind="model_card", title="SepsisWatch model card", source="Vendor", ai_correct=True,
        content={"name": "SepsisWatch", "version": "2.1", "developer": "Example Analytics",
                 "intended_use": "Adults in the emergency department.", "out_of_scope": ["Children", "Pregnancy"],
                 "training_population": "212,000 attendances.",
                 "performance": [{"subgroup": "Overall", "metric": "AUROC", "value": 0.82},
                                 {"subgroup": "Post-partum", "metric": "PPV", "value": 0.07}],
                 "limitations": ["Calibrated at 4.1% prevalence."]},
    )
    chat = ArtifactFactory(
        case=case, kind="chat", title="A chatbot answer", source="Public chatbot", ai_correct=False,
        content={"messages": [{"role": "user", "content": "Give me the trial."},
                              {"role": "assistant", "content": "The **D-RHYTHM** trial (NEJM 2019)."}]},
    )
    start = AI_TEXT.index("allergic to penicillin")
    items = {
        "error_spans": ItemFactory(
            case=case, type="error_spans", artifact=text, prompt="Mark the statements not supported by the notes.",
            spec={"labels_required": True},
            key={"spans": [{"start": start, "end": start + len("allergic to penicillin."), "failure_mode": "HAL",
                            "severity": "major"}]},
        ),
        "reliance_decision": ItemFactory(
            case=case, type="reliance_decision", artifact=prediction, prompt="What do you do now?",
            spec={"question": "Start the sepsis bundle?",
                  "options": [{"id": "start", "text": "Start the bundle now"}, {"id": "wait", "text": "Reassess in one hour"}],
                  "ai_answer": "start", "decide_first": decide_first, "ask_confidence": True},
            key={"answer": "wait"}, competencies=["OVS"],
        ),
        "single_choice": ItemFactory(
            case=case, type="single_choice", prompt="Where did the allergy come from?",
            spec={"options": [{"id": "a", "text": "The record"}, {"id": "b", "text": "The pasted pathway"}], "certainty": True},
            key={"answer": "b"},
        ),
        "multiple_choice": ItemFactory(
            case=case, type="multiple_choice", prompt="Which checks apply?",
            spec={"options": [{"id": "a", "text": "Check PubMed"}, {"id": "b", "text": "Ask the chatbot"}, {"id": "c", "text": "Check the DOI"}]},
            key={"correct": ["a", "c"]},
        ),
        "numeric": ItemFactory(
            case=case, type="numeric", prompt="What is the PPV?", spec={"unit": "%"},
            key={"value": 19.4, "tolerance_abs": 0.5},
        ),
        "script_concordance": ItemFactory(
            case=case, type="script_concordance", artifact=image, prompt="How does the AI finding change pneumonia?",
            spec={"hypothesis": "Hospital-acquired pneumonia", "new_information": "The AI flags the right lower zone."},
            key={"panel": {"-2": 0, "-1": 3, "0": 9, "1": 2, "2": 0}},
        ),
        "free_text": ItemFactory(
            case=case, type="free_text", artifact=chat, prompt="Explain why you would not cite it.",
            spec={"max_words": 50, "auto": False},
            key={"criteria": [{"id": "fabricated", "text": "Says the trial is fabricated", "points": 2,
                               "look_for": [["fabricat", "does not exist"]]}]},
        ),
    }
    for item in items.values():
        item.key.rationale = RATIONALE
        item.key.save()
    return case, items


# Form posts that answer each type rightly (the decide-first unaided answer is separate).
GOOD_POSTS = {
    "error_spans": lambda item: {"span_start": [str(AI_TEXT.index("allergic"))],
                                 "span_end": [str(AI_TEXT.index("allergic") + len("allergic to penicillin."))],
                                 "span_label": ["HAL"], "span_correction": [""]},
    "reliance_decision": lambda item: {"decision": "override", "answer": "wait", "confidence": "70"},
    "single_choice": lambda item: {"answer": "b", "certainty": "2"},
    "multiple_choice": lambda item: {"answers": ["a", "c"]},
    "numeric": lambda item: {"value": "19,4"},
    "script_concordance": lambda item: {"value": "0"},
    "free_text": lambda item: {"text": "The trial is fabricated: it does not exist."},
}


def signed_in(client, user):
    # UserFactory sets the password after create without saving it: save it, or the session's
    # password hash would not match the stored one and the session would be dropped.
    user.save(update_fields=["password"])
    client.force_login(user)
    return client


@pytest.fixture
def client(client, trainee):
    return signed_in(client, trainee)


@pytest.fixture
def attempt(trainee, module):
    return services.attempt_start(trainee=trainee, module=module)


@pytest.fixture
def every(module):
    return build_every_type_case(module)


def answer_url(attempt, item):
    return f"/learn/attempts/{attempt.pk}/items/{item.pk}/answer/"


def unaided_url(attempt, item):
    return f"/learn/attempts/{attempt.pk}/items/{item.pk}/unaided/"


def case_url(case):
    return f"/learn/cases/{case.pk}/"


def html(response) -> str:
    return response.content.decode()


def stored(attempt) -> list:
    return sorted(Response.objects.filter(attempt=attempt).values_list("item_id", "state", "answer", "initial_answer"))


# ---------------------------------------------------------------- who may open what

@pytest.mark.parametrize("path", ["/learn/modules/1/", "/learn/cases/1/", "/learn/me/reliance/", "/learn/responses/1/feedback/"])
def test_pages_ask_a_stranger_to_sign_in(db, path):
    from django.test import Client

    response = Client().get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_module_or_case_of_a_course_not_assigned_is_not_found(client):
    module = ModuleFactory()
    case = CaseFactory(module=module)
    assert client.get(f"/learn/modules/{module.pk}/").status_code == 404
    assert client.get(case_url(case)).status_code == 404
    assert client.post(f"/learn/modules/{module.pk}/start/").status_code == 404
    assert not Attempt.objects.exists()


def test_an_unpublished_version_is_not_found(client, trainee):
    module = assigned_module(trainee, version__status="draft", version__published_at=None)
    assert client.get(f"/learn/modules/{module.pk}/").status_code == 404


def test_another_trainees_feedback_fragment_is_not_found(client, attempt, single_choice):
    response, _ = services.response_submit(attempt=attempt, item=single_choice, answer={"answer": "b"})
    from django.test import Client

    other = signed_in(Client(), UserFactory())
    assert other.get(f"/learn/responses/{response.pk}/feedback/").status_code == 404
    assert client.get(f"/learn/responses/{response.pk}/feedback/").status_code == 200


# ---------------------------------------------------------------- home and module pages

def test_home_lists_assigned_courses_with_progress_and_where_to_continue(client, attempt, every):
    case, items = every
    services.response_submit(attempt=attempt, item=items["single_choice"], answer={"answer": "b", "certainty": 1})
    Assignment.objects.update(due_at=timezone.now() + timedelta(days=7))
    page = html(client.get("/"))
    assert attempt.module.title in page and attempt.module.version.title in page
    assert "1 of 7 questions answered" in page
    assert "Continue where you left off" in page
    assert f'/learn/cases/{case.pk}/#item-{items["error_spans"].pk}' in page
    assert "Due " in page


def test_home_is_a_landing_page_for_someone_without_a_course(db):
    from django.test import Client

    page = html(signed_in(Client(), UserFactory()).get("/"))
    assert "No course is assigned to you" in page and "/api/docs/" in page


def test_home_costs_the_same_queries_whatever_the_number_of_modules(client, trainee, module, django_assert_num_queries):
    services.attempt_start(trainee=trainee, module=module)
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    for _ in range(4):
        extra = ModuleFactory(version=module.version)
        services.attempt_start(trainee=trainee, module=extra)
        build_every_type_case(extra)
    with CaptureQueriesContext(connection) as five:
        client.get("/")
    assert len(five) == len(one)
    with django_assert_num_queries(12):
        assert client.get("/").status_code == 200


def test_module_page_renders_lessons_as_sanitised_markdown(client, module):
    LessonFactory(module=module, title="Hallucinations", body="**Bold** <script>alert('x')</script> [ok](javascript:alert(1))")
    page = html(client.get(f"/learn/modules/{module.pk}/"))
    assert "<strong>Bold</strong>" in page
    assert "<script>alert" not in page and "javascript:alert" not in page


def _scan(module, path="media/scan.svg") -> MediaAsset:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8"/></svg>'
    return MediaAsset.objects.create(version=module.version, path=path, file=ContentFile(svg, name="scan.svg"),
                                     content_type="image/svg+xml", size=len(svg), sha256=hashlib.sha256(svg).hexdigest())


def test_images_of_the_version_show_in_lessons_and_prompts(client, attempt, module):
    scan = _scan(module)
    LessonFactory(module=module, body="Look: ![The scan in the lesson](media/scan.svg)")
    case = CaseFactory(module=module)
    ItemFactory(case=case, prompt="What does ![the scan](media/scan.svg) show? ![elsewhere](https://x.example/a.png)")
    assert f'<img alt="The scan in the lesson" src="{scan.file.url}"' in html(client.get(f"/learn/modules/{module.pk}/"))
    page = html(client.get(case_url(case)))
    assert f'<img alt="the scan" src="{scan.file.url}"' in page
    assert "https://x.example/a.png" not in page.split("<img")[-1].split(">")[0]  # a web image is never loaded


def test_options_show_their_markdown_and_the_version_s_images(client, attempt, module):
    scan = _scan(module)
    case = CaseFactory(module=module)
    ItemFactory(case=case, spec={"options": [{"id": "a", "text": "![Film A](media/scan.svg)"},
                                             {"id": "b", "text": "*Neither* <script>x()</script>"}]})
    page = html(client.get(case_url(case)))
    assert f'<img alt="Film A" src="{scan.file.url}"' in page
    assert "<em>Neither</em>" in page and "<script>x()" not in page


def test_feedback_shows_options_as_the_question_did(client, attempt, module):
    case = CaseFactory(module=module)
    item = ItemFactory(case=case, spec={"options": [{"id": "a", "text": "**Start now** <b onclick=x()>"},
                                                    {"id": "b", "text": "Wait"}]}, key={"answer": "a"})
    response, _created = services.response_submit(attempt=attempt, item=item, answer={"answer": "a"})
    services.response_grade(response_id=response.pk)
    services.attempt_submit(attempt=attempt)  # feedback after the attempt: the key shows too
    page = html(client.get(case_url(case)))
    assert "<strong>Start now</strong>" in page and "**Start now**" not in page and "onclick" not in page


def test_module_page_shows_each_case_status(client, attempt, module):
    not_started = ItemFactory(case=CaseFactory(module=module, title="Case not started")).case
    in_progress_case = CaseFactory(module=module, title="Case in progress")
    first = ItemFactory(case=in_progress_case)
    ItemFactory(case=in_progress_case)
    pending = ItemFactory(case=CaseFactory(module=module, title="Case pending"))
    graded = ItemFactory(case=CaseFactory(module=module, title="Case graded"))
    services.response_submit(attempt=attempt, item=first, answer={"answer": "b"})
    services.response_submit(attempt=attempt, item=pending, answer={"answer": "b"})
    r, _ = services.response_submit(attempt=attempt, item=graded, answer={"answer": "b"})
    services.response_grade(response_id=r.pk)
    page = html(client.get(f"/learn/modules/{module.pk}/"))
    rows = {title: page[page.index(title):][:700] for title in ("Case not started", "Case in progress", "Case pending", "Case graded")}
    assert "Not started" in rows["Case not started"] and not_started
    assert "In progress" in rows["Case in progress"]
    assert "Pending grading" in rows["Case pending"]
    assert "Graded" in rows["Case graded"] and "Score 100%" in rows["Case graded"]


def test_starting_then_submitting_a_module(client, trainee, module, single_choice):
    started = client.post(f"/learn/modules/{module.pk}/start/")
    attempt = Attempt.objects.get(trainee=trainee)
    assert started.status_code == 302 and started["Location"] == case_url(single_choice.case)
    submitted = client.post(f"/learn/attempts/{attempt.pk}/submit/", {"confirm": "1"})  # its question unanswered
    assert submitted.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    again = client.post(f"/learn/attempts/{attempt.pk}/submit/", follow=True)
    assert "already submitted" in html(again)


def test_module_page_costs_the_same_queries_whatever_the_number_of_cases(client, module, attempt, django_assert_num_queries):
    build_every_type_case(module)
    with CaptureQueriesContext(connection) as small:
        client.get(f"/learn/modules/{module.pk}/")
    for i in range(3):
        build_every_type_case(module, title=f"More {i}")
        LessonFactory(module=module)
    with CaptureQueriesContext(connection) as big:
        client.get(f"/learn/modules/{module.pk}/")
    assert len(big) == len(small)
    with django_assert_num_queries(12):
        assert client.get(f"/learn/modules/{module.pk}/").status_code == 200


# ---------------------------------------------------------------- the case player

def test_case_player_renders_every_artifact_kind_and_answer_widget(client, attempt, every):
    case, items = every
    page = html(client.get(case_url(case)))
    for template_mark in ('class="ai-text selectable"', 'class="model-card"', 'class="chat"', 'data-layer="boxes"',
                          'data-layer="heatmap"', 'aria-pressed="false"',
                          'aria-pressed="true"', 'name="certainty"', 'name="answers"', 'inputmode="decimal"',
                          'name="value" value="-2"', "<textarea", "data-span-form"):
        assert template_mark in page, template_mark
    assert "Performance by subgroup" in page and "Post-partum" in page
    assert "<strong>D-RHYTHM</strong>" in page  # chat messages are rendered Markdown
    assert f'data-s="{AI_TEXT.index("allergic")}"' in page  # span tokens carry character offsets


def test_the_prediction_chart_is_server_rendered_svg_with_its_numbers_as_text(client, attempt, module):
    case, items = build_every_type_case(module, decide_first=False)
    page = html(client.get(case_url(case)))
    assert '<svg class="chart contributions"' in page and "<title" in page and "<desc" in page
    assert "Lactate 3.1 mmol/L: +0.21" in page and "+0.21</text>" in page
    assert "82%" in page and "threshold 60%" in page


def test_the_key_and_rationale_are_absent_until_graded(client, attempt, every):
    case, items = every
    assert RATIONALE not in html(client.get(case_url(case)))
    r, _ = services.response_submit(attempt=attempt, item=items["single_choice"], answer={"answer": "a", "certainty": 3})
    page = html(client.get(case_url(case)))
    assert RATIONALE not in page and "The right answer" not in page
    assert "being graded" in page and f'data-poll="/learn/responses/{r.pk}/feedback/"' in page
    services.response_grade(response_id=r.pk)
    page = html(client.get(case_url(case)))
    assert RATIONALE in page and "The pasted pathway" in page and "Certainty-based mark: -6." in page


def test_after_attempt_feedback_shows_the_score_but_not_the_key_until_the_module_is_submitted(client, attempt, single_choice):
    Module.objects.filter(pk=attempt.module_id).update(feedback_policy="after_attempt")
    r, _ = services.response_submit(attempt=attempt, item=single_choice, answer={"answer": "a"})
    services.response_grade(response_id=r.pk)
    page = html(client.get(case_url(single_choice.case)))
    assert "your score is 0%" in page
    assert "Because B." not in page and "once you submit the module" in page
    services.attempt_submit(attempt=attempt)
    assert "Because B." in html(client.get(case_url(single_choice.case)))


def test_after_due_feedback_waits_for_the_due_date(client, attempt, single_choice):
    Module.objects.filter(pk=attempt.module_id).update(feedback_policy="after_due")
    Assignment.objects.update(due_at=timezone.now() + timedelta(days=3))
    r, _ = services.response_submit(attempt=attempt, item=single_choice, answer={"answer": "b"})
    services.response_grade(response_id=r.pk)
    services.attempt_submit(attempt=attempt)
    assert "Because B." not in html(client.get(case_url(single_choice.case)))
    Assignment.objects.update(due_at=timezone.now() - timedelta(minutes=1))
    assert "Because B." in html(client.get(case_url(single_choice.case)))


def test_decide_first_ai_output_is_absent_from_the_html_before_the_unaided_answer(client, attempt, every):
    case, items = every
    item = items["reliance_decision"]
    page = html(client.get(case_url(case)))
    for secret in (SECRET_MODEL, SECRET_OUTPUT, SECRET_SOURCE, "Lactate 3.1", "The AI recommends", "ai_answer",
                   'name="decision"'):
        assert secret not in page, secret
    assert f'action="{unaided_url(attempt, item)}"' in page
    reply = client.post(unaided_url(attempt, item), {"answer": "wait"})
    assert reply.status_code == 302 and reply["Location"].endswith(f"#artifact-{item.artifact_id}")
    page = html(client.get(case_url(case)))
    assert SECRET_MODEL in page and SECRET_OUTPUT in page and "The AI recommends" in page
    assert "Start the bundle now" in page[page.index("The AI recommends"):][:300]


def test_questions_about_a_hidden_ai_output_are_withheld_with_it(client, attempt, module):
    case, items = build_every_type_case(module)
    numeric_about_prediction = ItemFactory(case=case, type="numeric", artifact=items["reliance_decision"].artifact,
                                           prompt="What does HighRiskXYZ mean?", spec={}, key={"value": 1})
    page = html(client.get(case_url(case)))
    assert "What does HighRiskXYZ" not in page
    assert f'id="item-{numeric_about_prediction.pk}"' in page and "shown once you have answered question 2" in page


def test_the_final_answer_of_a_decide_first_item_is_refused_before_the_unaided_one(client, attempt, every):
    _case, items = every
    reply = client.post(answer_url(attempt, items["reliance_decision"]), {"decision": "accept", "confidence": "50"})
    assert reply.status_code == 409
    assert "Give your unaided answer first" in html(reply)
    assert SECRET_OUTPUT not in html(reply)
    assert stored(attempt) == []


def test_an_unaided_answer_that_is_not_an_option_is_refused(client, attempt, every):
    _case, items = every
    reply = client.post(unaided_url(attempt, items["reliance_decision"]), {"answer": "whatever"})
    assert reply.status_code == 400 and "is not an option" in html(reply)
    assert SECRET_OUTPUT not in html(reply)
    assert stored(attempt) == []


@pytest.mark.parametrize("kind", list(GOOD_POSTS))
def test_every_item_type_is_answered_through_its_form(client, attempt, every, kind):
    case, items = every
    item = items[kind]
    if item.decide_first:
        assert client.post(unaided_url(attempt, item), {"answer": "start"}).status_code == 302
    reply = client.post(answer_url(attempt, item), GOOD_POSTS[kind](item))
    assert reply.status_code == 302 and reply["Location"] == f"{case_url(case)}#item-{item.pk}"
    response = Response.objects.get(attempt=attempt, item=item)
    assert response.state == Response.State.SUBMITTED
    services.response_grade(response_id=response.pk)
    response.refresh_from_db()
    page = html(client.get(case_url(case)))
    section = page[page.index(f'id="item-{item.pk}"'):]
    if kind == "free_text":
        assert response.state == Response.State.REVIEW
        assert "A faculty member will review it" in section
    else:
        assert response.grade.score == 1.0, (kind, response.grade.detail)
        assert "Graded: your score is 100%" in section


def test_a_fetch_submit_gets_the_location_as_json(client, attempt, single_choice):
    reply = client.post(answer_url(attempt, single_choice), {"answer": "b"}, HTTP_X_REQUESTED_WITH="fetch")
    assert reply.status_code == 200
    assert reply.json() == {"location": f"{case_url(single_choice.case)}#item-{single_choice.pk}"}


def test_span_feedback_marks_found_missed_and_false_alarms_with_failure_modes(client, attempt, every):
    case, items = every
    item = items["error_spans"]
    wrong_start = AI_TEXT.index("Start amoxicillin")
    post = {"span_start": [str(wrong_start)], "span_end": [str(wrong_start + len("Start amoxicillin"))],
            "span_label": ["CLIN"], "span_correction": [""]}
    assert client.post(answer_url(attempt, item), post).status_code == 302
    services.response_grade(response_id=Response.objects.get(item=item).pk)
    page = html(client.get(case_url(case)))
    section = page[page.index(f'id="item-{item.pk}"'):page.index(f'id="item-{items["reliance_decision"].pk}"')]
    assert "missed" in section and "false alarm" in section
    assert "Hallucination" in section and "Clinical-content error" in section
    assert '<mark class="k">' in section and '<mark class="t">' in section


# ---------------------------------------------------------------- tampered and refused posts

def test_an_item_of_a_course_not_assigned_is_not_found_and_nothing_changes(client, attempt, single_choice):
    foreign = ItemFactory(case=CaseFactory(module=ModuleFactory()))
    assert client.post(answer_url(attempt, foreign), {"answer": "b"}).status_code == 404
    assert client.post(unaided_url(attempt, foreign), {"answer": "b"}).status_code == 404
    assert stored(attempt) == []


def test_another_trainees_attempt_is_not_found_and_nothing_changes(client, module, single_choice):
    other = UserFactory()
    EnrollmentFactory(user=other, cohort=Assignment.objects.get().cohort)
    theirs = services.attempt_start(trainee=other, module=module)
    assert client.post(answer_url(theirs, single_choice), {"answer": "b"}).status_code == 404
    assert client.post(f"/learn/attempts/{theirs.pk}/submit/").status_code == 404
    assert stored(theirs) == []
    theirs.refresh_from_db()
    assert theirs.status == Attempt.Status.OPEN


def test_submitting_twice_with_a_different_answer_is_refused_and_changes_nothing(client, attempt, single_choice):
    assert client.post(answer_url(attempt, single_choice), {"answer": "b"}).status_code == 302
    before = stored(attempt)
    assert client.post(answer_url(attempt, single_choice), {"answer": "b"}).status_code == 302  # a double click
    reply = client.post(answer_url(attempt, single_choice), {"answer": "a"})
    assert reply.status_code == 409 and "already answered" in html(reply)
    assert stored(attempt) == before


def test_spans_outside_the_text_are_refused_beside_the_span_and_kept(client, attempt, every):
    case, items = every
    post = {"span_start": ["5", "70"], "span_end": ["12", str(len(AI_TEXT) + 40)], "span_label": ["HAL", "HAL"],
            "span_correction": ["", "keep me"]}
    reply = client.post(answer_url(attempt, items["error_spans"]), post)
    assert reply.status_code == 400
    page = html(reply)
    assert f"must be at most {len(AI_TEXT)}" in page
    assert 'value="keep me"' in page and 'name="span_start" value="70"' in page
    assert 'id="error-summary"' in page
    assert stored(attempt) == []


def test_overlapping_spans_are_refused_beside_the_later_one_naming_the_other(client, attempt, every):
    _case, items = every
    start = AI_TEXT.index("allergic")
    end = start + len("allergic to penicillin.")
    post = {"span_start": [str(start), str(start)], "span_end": [str(end), str(end)], "span_label": ["HAL", "OMI"],
            "span_correction": ["", ""]}
    reply = client.post(answer_url(attempt, items["error_spans"]), post)
    assert reply.status_code == 400
    assert "overlaps span 0 (“allergic to penicillin.”); mark each passage once" in html(reply)
    assert stored(attempt) == []


def test_labels_not_in_the_taxonomy_are_refused(client, attempt, every):
    _case, items = every
    post = {"span_start": ["0"], "span_end": ["7"], "span_label": ["MAGIC"], "span_correction": [""]}
    reply = client.post(answer_url(attempt, items["error_spans"]), post)
    assert reply.status_code == 400 and "MAGIC is not a failure-mode code" in html(reply)
    assert stored(attempt) == []


def test_a_missing_label_is_asked_for_when_labels_are_required(client, attempt, every):
    _case, items = every
    post = {"span_start": ["0"], "span_end": ["7"], "span_label": [""], "span_correction": [""]}
    reply = client.post(answer_url(attempt, items["error_spans"]), post)
    assert reply.status_code == 400 and "this field is required" in html(reply)


def test_spans_that_arrive_incomplete_are_refused(client, attempt, every):
    _case, items = every
    reply = client.post(answer_url(attempt, items["error_spans"]), {"span_start": ["0", "3"], "span_end": ["7"], "span_label": ["HAL"]})
    assert reply.status_code == 400 and "did not arrive complete" in html(reply)
    assert stored(attempt) == []


def test_a_number_that_is_not_one_is_refused_and_kept(client, attempt, every):
    _case, items = every
    reply = client.post(answer_url(attempt, items["numeric"]), {"value": "nineteen"})
    assert reply.status_code == 400
    page = html(reply)
    assert "Enter a number" in page and 'value="nineteen"' in page and 'aria-invalid="true"' in page
    assert stored(attempt) == []


def test_a_missing_choice_is_asked_for_and_the_rest_kept(client, attempt, every):
    _case, items = every
    reply = client.post(answer_url(attempt, items["single_choice"]), {"certainty": "3"})
    assert reply.status_code == 400
    page = html(reply)
    assert "Choose an answer." in page and 'name="certainty" value="3" checked' in page


def test_an_option_that_does_not_exist_is_refused(client, attempt, every):
    _case, items = every
    reply = client.post(answer_url(attempt, items["multiple_choice"]), {"answers": ["a", "zzz"]})
    assert reply.status_code == 400 and "zzz is not an option" in html(reply)
    assert stored(attempt) == []


def test_overriding_with_the_ais_own_answer_is_refused(client, attempt, module):
    _case, items = build_every_type_case(module, decide_first=False)
    reply = client.post(answer_url(attempt, items["reliance_decision"]), {"decision": "override", "answer": "start", "confidence": "60"})
    assert reply.status_code == 400 and "must differ from the AI" in html(reply)
    assert stored(attempt) == []


def test_a_confidence_outside_0_to_100_is_refused(client, attempt, module):
    _case, items = build_every_type_case(module, decide_first=False)
    reply = client.post(answer_url(attempt, items["reliance_decision"]), {"decision": "accept", "confidence": "140"})
    assert reply.status_code == 400 and "must be at most 100" in html(reply)


def test_a_free_text_over_the_word_limit_is_refused_and_kept(client, attempt, every):
    _case, items = every
    text = " ".join(["word"] * 60) + " UNIQUE-ENDING"
    reply = client.post(answer_url(attempt, items["free_text"]), {"text": text})
    assert reply.status_code == 400
    page = html(reply)
    assert "at most 50 words" in page and "UNIQUE-ENDING</textarea>" in page
    assert stored(attempt) == []


def test_a_nul_character_in_a_free_text_is_refused_beside_it_and_nothing_stored(client, attempt, every):
    _case, items = every
    reply = client.post(answer_url(attempt, items["free_text"]), {"text": "fabricated\x00 KEEP-ME"})
    assert reply.status_code == 400
    page = html(reply)
    assert "contains the character U+0000, which cannot be stored" in page and "KEEP-ME" in page
    assert stored(attempt) == []


def test_a_nul_character_in_a_correction_is_refused_beside_its_passage(client, attempt, every):
    _case, items = every
    post = {**GOOD_POSTS["error_spans"](items["error_spans"]), "span_correction": ["no\x00 allergy"]}
    reply = client.post(answer_url(attempt, items["error_spans"]), post)
    assert reply.status_code == 400 and "contains the character U+0000" in html(reply)
    assert stored(attempt) == []


def test_answering_in_a_submitted_attempt_is_refused(client, attempt, single_choice):
    services.attempt_submit(attempt=attempt)
    reply = client.post(answer_url(attempt, single_choice), {"answer": "b"})
    assert reply.status_code == 409 and "This attempt is submitted" in html(reply)
    assert stored(attempt) == []


def test_get_on_an_answer_url_is_not_allowed(client, attempt, single_choice):
    assert client.get(answer_url(attempt, single_choice)).status_code == 405


# ---------------------------------------------------------------- grading status

def test_the_feedback_fragment_says_pending_then_graded(client, attempt, single_choice):
    r, _ = services.response_submit(attempt=attempt, item=single_choice, answer={"answer": "b"})
    url = f"/learn/responses/{r.pk}/feedback/"
    pending = client.get(url)
    assert pending["X-Vigil-State"] == "submitted" and "being graded" in html(pending)
    assert "Because B." not in html(pending)
    services.response_grade(response_id=r.pk)
    graded = client.get(url)
    assert graded["X-Vigil-State"] == "graded"
    assert "your score is 100%" in html(graded) and "Because B." in html(graded)


def test_the_feedback_fragment_costs_a_fixed_number_of_queries(client, attempt, every, django_assert_num_queries):
    _case, items = every
    r, _ = services.response_submit(attempt=attempt, item=items["error_spans"], answer={"spans": []})
    services.response_grade(response_id=r.pk)
    with django_assert_num_queries(7):
        assert client.get(f"/learn/responses/{r.pk}/feedback/").status_code == 200


# ---------------------------------------------------------------- query counts of the player

def _answer_everything(attempt, items, *, grade: bool) -> None:
    for kind, item in items.items():
        if item.decide_first:
            services.response_answer_unaided(attempt=attempt, item=item, answer={"answer": "wait"})
        payload = {
            "error_spans": {"spans": [{"start": 0, "end": 7, "label": "HAL"}]},
            "reliance_decision": {"decision": "override", "answer": "wait", "confidence": 80},
            "single_choice": {"answer": "b", "certainty": 2}, "multiple_choice": {"answers": ["a"]},
            "numeric": {"value": 19.4}, "script_concordance": {"value": 0}, "free_text": {"text": "fabricated"},
        }[kind]
        r, _ = services.response_submit(attempt=attempt, item=item, answer=payload)
        if grade:
            services.response_grade(response_id=r.pk)


def test_case_player_costs_the_same_queries_whatever_the_number_of_items(client, attempt, every, django_assert_num_queries):
    case, items = every
    _answer_everything(attempt, items, grade=True)
    with CaptureQueriesContext(connection) as seven:
        client.get(case_url(case))
    for i in range(10):
        item = ItemFactory(case=case)
        r, _ = services.response_submit(attempt=attempt, item=item, answer={"answer": "b"})
        if i % 2:
            services.response_grade(response_id=r.pk)
    with CaptureQueriesContext(connection) as seventeen:
        client.get(case_url(case))
    assert len(seventeen) == len(seven)
    with django_assert_num_queries(15):
        assert client.get(case_url(case)).status_code == 200


# ---------------------------------------------------------------- my reliance profile

def test_profile_shows_dashes_for_undefined_measures(client, trainee, module):
    page = html(client.get("/learn/me/reliance/"))
    assert page.count("—") >= 8
    assert "A comparison appears once at least 5 trainees" in page


def test_profile_shows_my_measures_charts_and_position_without_anyone_else(client, trainee, module, django_assert_num_queries):
    cohort = Assignment.objects.get().cohort
    course = module.version.course
    peers = [UserFactory(username=f"peer-secret-{i}") for i in range(6)]
    for i, peer in enumerate(peers):
        EnrollmentFactory(user=peer, cohort=cohort)
        for name, value in {"items.n": 10, "items.score": 3 + i, "rel.W.n": 4, "rel.W.accepted": i % 4,
                            "rel.R.n": 4, "rel.R.accepted": 4, "conf.n": 4, "conf.brier": 0.1 * i}.items():
            MeasureCounter.objects.create(trainee=peer, course=course, name=name, value=value)
    mine = {"items.n": 10, "items.score": 8, "rel.W.n": 4, "rel.W.accepted": 1, "rel.R.n": 4, "rel.R.accepted": 3,
            "rel.R.correct": 3, "rel.W.correct": 3, "sw.wrong.right": 1, "rair.num": 1, "rair.den": 1,
            "conf.n": 2, "conf.brier": 0.2, "cal.7.n": 2, "cal.7.conf": 1.5, "cal.7.correct": 1,
            "cbm.n": 2, "cbm.sum": 4, "fm.HAL.keys": 2, "fm.HAL.found": 1, "comp.VER.n": 3, "comp.VER.score": 2}
    for name, value in mine.items():
        MeasureCounter.objects.create(trainee=trainee, course=course, name=name, value=value)
    # with what feedback does not show yet, held back; +1 for the school's minimum of decisions
    with django_assert_num_queries(7):
        response = client.get("/learn/me/reliance/")
    assert response.status_code == 200
    page = html(response)
    assert "Automation bias" in page and "25%" in page  # 1 of 4 wrong AI outputs accepted
    assert '<svg class="chart calibration"' in page and '<svg class="chart bars"' in page
    assert "Hallucination" in page and "Verifying AI outputs" in page
    assert "You and your cohort" in page and 'class="you"' in page
    assert "peer-secret" not in page
    assert "Certainty-based marks" in page and ">4<" in page


def test_profile_does_not_rank_a_trainee_after_a_single_decision_and_says_why(client, trainee, module):
    cohort = Assignment.objects.get().cohort
    course = module.version.course
    for i in range(6):
        peer = UserFactory()
        EnrollmentFactory(user=peer, cohort=cohort)
        for name, value in {"rel.W.n": 12, "rel.W.accepted": i, "rel.R.n": 12, "rel.R.accepted": 10}.items():
            MeasureCounter.objects.create(trainee=peer, course=course, name=name, value=value)
    short = UserFactory()  # one peer under the minimum, left out of the distribution
    EnrollmentFactory(user=short, cohort=cohort)
    MeasureCounter.objects.create(trainee=short, course=course, name="rel.W.n", value=1)
    MeasureCounter.objects.create(trainee=short, course=course, name="rel.W.accepted", value=1)
    MeasureCounter.objects.create(trainee=trainee, course=course, name="rel.W.n", value=1)
    page = html(client.get("/learn/me/reliance/"))
    assert "Automation bias rate" in page
    assert "of the others" not in page.split("Automation bias rate</h3>")[1].split("</div>")[0]
    assert "Your figure rests on 1 decisions, fewer than 10" in page
    assert "2 trainees with fewer than 10 decisions are left out" in page  # you and one peer
    assert "95% CI" in page and "Hautus 1995" in page


def test_profile_compares_with_the_cohort_over_its_courses_only(client, trainee, module):
    """Peers who answered only a course their cohort is not assigned (another school's) are
    not part of the comparison: fewer than 5 with a value, so none is shown."""
    cohort = Assignment.objects.get().cohort
    elsewhere = CourseFactory()
    for i in range(6):
        peer = UserFactory()
        EnrollmentFactory(user=peer, cohort=cohort)
        MeasureCounter.objects.create(trainee=peer, course=elsewhere, name="items.n", value=10)
        MeasureCounter.objects.create(trainee=peer, course=elsewhere, name="items.score", value=i)
    page = html(client.get("/learn/me/reliance/"))
    assert "A comparison appears once at least 5 trainees" in page


def test_profile_costs_the_same_queries_whatever_the_cohort_size(client, trainee, module):
    cohort = Assignment.objects.get().cohort
    with CaptureQueriesContext(connection) as small:
        client.get("/learn/me/reliance/")
    for i in range(20):
        peer = UserFactory()
        EnrollmentFactory(user=peer, cohort=cohort)
        MeasureCounter.objects.create(trainee=peer, course=module.version.course, name="items.n", value=1)
        MeasureCounter.objects.create(trainee=peer, course=module.version.course, name="items.score", value=i / 20)
    with CaptureQueriesContext(connection) as big:
        client.get("/learn/me/reliance/")
    assert len(big) == len(small)


# ---------------------------------------------------------------- the case player's budget

def _page_weight(page: str) -> dict[str, int]:
    sizes = {"html": len(page.encode())}
    for url in re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', page):
        path = finders.find(url)
        assert path, url
        with open(path, "rb") as f:
            sizes[url] = len(f.read())
    return sizes


def test_case_player_weighs_under_100_kb_of_html_css_and_js(client, attempt, module):
    """The page budget (images excluded); server time is measured in bench/pages/, not here."""
    case, items = build_every_type_case(module)
    _answer_everything(attempt, {k: v for k, v in items.items() if k in ("single_choice", "numeric", "multiple_choice")}, grade=True)
    weights = _page_weight(html(client.get(case_url(case))))
    assert sum(weights.values()) < 100 * 1024, weights
