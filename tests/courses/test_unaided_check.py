"""Decide-first stays unaided: the package check (import, the studio's check page and
publishing share it) refuses a case where something the trainee sees before the unaided
answer gives the AI output away, naming what and where."""
from pathlib import Path

import pytest
import yaml

from courses.packages.validation import package_problems
from tests.courses.test_import import problems_of

pytestmark = pytest.mark.django_db

CASE = "modules[0].cases[0]"  # the discharge letter: error_spans (items[0]) then reliance (items[1])
SCORE_CASE = "modules[1].cases[0]"  # the portable film and the SepsisWatch score (artifacts[1])
DEMO = Path(__file__).parents[2] / "demo" / "courses"


def letter_items(data) -> list[dict]:
    return data["modules"][0]["cases"][0]["items"]


def decide_first_on_the_score(data) -> dict:
    """A decide-first question on the SepsisWatch score (a correct output: the AI says start)."""
    case = data["modules"][1]["cases"][0]
    item = {
        "slug": "bundle", "type": "reliance_decision", "artifact": "sepsis", "prompt": "What do you do now?",
        "competencies": ["OVS"], "failure_modes": [],
        "spec": {"question": "Start the sepsis bundle?", "decide_first": True, "ai_answer": "start",
                 "options": [{"id": "start", "text": "Start the sepsis bundle within the hour"},
                             {"id": "wait", "text": "Reassess in one hour"}]},
        "key": {"answer": "start"},
    }
    case["items"].append(item)
    return case


BUNDLE = f"{SCORE_CASE}.items[3]"


def test_a_question_on_the_same_output_before_the_decide_first_one_is_refused(package, edit):
    edit(lambda d: letter_items(d)[1]["spec"].update(decide_first=True))
    assert problems_of(package) == [
        f"{CASE}.items[0]: a question about the AI output letter placed before its decide-first question "
        f"{CASE}.items[1] (accept-the-plan): trainees must answer that one unaided first; move this question "
        "after it",
    ]


def test_the_same_questions_with_the_decide_first_one_asked_first_pass(package, edit):
    def change(data):
        items = letter_items(data)
        items[1]["spec"]["decide_first"] = True
        items.reverse()

    edit(change)
    from courses.services import course_package_import

    assert course_package_import(path=package, publish=True).status == "published"


def test_a_model_card_of_the_same_model_and_its_questions_are_refused(package, edit):
    def change(data):
        case = decide_first_on_the_score(data)
        case["artifacts"].append({
            "slug": "watch-card", "kind": "model_card", "title": "Model card",
            "content": {"name": "SepsisWatch", "version": "2.1", "intended_use": "Adults in the ED",
                        "out_of_scope": ["Post-partum women"]},
            "ground_truth": {"correct": True, "failure_modes": []},
        })
        case["items"].append({
            "slug": "scope", "type": "single_choice", "artifact": "watch-card", "prompt": "Who is out of scope?",
            "competencies": ["APR"], "failure_modes": [],
            "spec": {"options": [{"id": "a", "text": "Post-partum women"}, {"id": "b", "text": "Nobody"}]},
            "key": {"answer": "a"},
        })

    edit(change)
    lines = problems_of(package)
    assert lines == [
        f"{SCORE_CASE}.artifacts[2]: the model card of the model whose output {BUNDLE} (bundle) asks to judge "
        "unaided is shown before that answer, and tells how the model fares: move it, and the questions about "
        "it, to a later case",
        f"{SCORE_CASE}.items[4]: a question about {SCORE_CASE}.artifacts[2], which gives away the AI output of "
        f"{BUNDLE} (bundle), visible before that unaided answer: move it with that artifact",
    ]


@pytest.mark.parametrize("figure", ["0.82", "0,82", "82%", "82 %"])
def test_a_vignette_quoting_the_probability_is_refused(package, edit, figure):
    def change(data):
        decide_first_on_the_score(data)["vignette"] = f"A 60-year-old man; SepsisWatch scores him {figure}."

    edit(change)
    assert problems_of(package) == [
        f"{SCORE_CASE}.vignette: visible before the unaided answer to {BUNDLE} (bundle), and quotes the AI's "
        "probability 0.82: it gives the AI output away; reword it or move it to a later case",
    ]


def test_other_figures_in_the_vignette_are_not_quotes(package, edit):
    def change(data):
        decide_first_on_the_score(data)["vignette"] = "Age 82, lactate 0.8 mmol/L, 0.6 threshold, SpO2 92%."

    edit(change)
    from courses.services import course_package_import

    assert course_package_import(path=package).status == "draft"


def test_a_lesson_of_the_module_quoting_the_output_label_is_refused(package, edit):
    def change(data):
        case = decide_first_on_the_score(data)
        case["artifacts"][1]["content"]["output"] = "HIGH RISK: start the bundle"
        data["modules"][1]["lessons"] = [{"slug": "alerts", "title": "Alerts",
                                          "body": "When SepsisWatch says *high risk: start the bundle*, check."}]

    edit(change)
    assert problems_of(package) == [
        f"modules[1].lessons[0].body: visible before the unaided answer to {BUNDLE} (bundle), and quotes the "
        "AI's output: it gives the AI output away; reword it or move it to a later case",
    ]


def test_another_questions_option_quoting_the_ais_answer_is_refused(package, edit):
    def change(data):
        case = decide_first_on_the_score(data)
        case["items"][0]["spec"]["options"][0]["text"] = "The AI was right to start the sepsis bundle within the hour"

    edit(change)
    assert problems_of(package) == [
        f"{SCORE_CASE}.items[0].spec.options[0].text: visible before the unaided answer to {BUNDLE} (bundle), and "
        "quotes the option the AI recommends: it gives the AI output away; reword it or move it to a later case",
    ]


def test_another_artifact_showing_the_same_output_is_refused_with_its_questions(package, edit):
    def change(data):
        case = decide_first_on_the_score(data)
        case["artifacts"].append({
            "slug": "note", "kind": "text", "title": "Triage note", "source": "Nurse",
            "content": {"text": "SepsisWatch at triage: 82%. Bundle started."},
            "ground_truth": {"correct": True, "failure_modes": []},
        })

    edit(change)
    assert problems_of(package) == [
        f"{SCORE_CASE}.artifacts[2].content.text: visible before the unaided answer to {BUNDLE} (bundle), and "
        "quotes the AI's probability 0.82: it gives the AI output away; reword it or move it to a later case",
    ]


def test_the_decide_first_questions_own_prompt_quoting_the_output_is_refused(package, edit):
    def change(data):
        decide_first_on_the_score(data)["items"][3]["prompt"] = "The score is 0.82. What do you do now?"

    edit(change)
    assert problems_of(package) == [
        f"{BUNDLE}.prompt: visible before the unaided answer to {BUNDLE} (bundle), and quotes the AI's probability "
        "0.82: it gives the AI output away; reword it or move it to a later case",
    ]


def test_questions_withheld_with_the_output_may_quote_it(package, edit):
    def change(data):
        case = decide_first_on_the_score(data)
        case["items"].append({
            "slug": "meaning", "type": "single_choice", "artifact": "sepsis", "prompt": "What does 0.82 mean?",
            "competencies": ["APR"], "failure_modes": [],
            "spec": {"options": [{"id": "a", "text": "A risk"}, {"id": "b", "text": "A certainty"}]},
            "key": {"answer": "a"},
        })

    edit(change)
    from courses.services import course_package_import

    assert course_package_import(path=package).status == "draft"


@pytest.mark.parametrize("course", ["ai-literacy-clinicians", "ai-literacy-clinicians-fr"])
def test_the_demo_courses_pass_the_check(course):
    """Before the sepsis case was split, its model card ("Out of scope: post-partum") and the
    audit question ("overestimates risk … more than tenfold") were refused here."""
    data = yaml.safe_load((DEMO / course / "course.yaml").read_text(encoding="utf-8"))
    data.pop("translation_of", None)  # the English course is not imported in this test
    problems = package_problems(data, media_check=lambda path: None)
    assert problems == []


def test_a_vignette_quoting_an_image_overlays_score_is_refused(package, edit):
    def change(data):
        case = data["modules"][1]["cases"][0]
        case["vignette"] = "A synthetic 60-year-old man with fever; the AI is 91% sure."
        case["items"].insert(0, {
            "slug": "antibiotics", "type": "reliance_decision", "artifact": "cxr", "prompt": "Treat?",
            "competencies": ["OVS"], "failure_modes": [],
            "spec": {"question": "Start antibiotics?", "decide_first": True, "ai_answer": "yes",
                     "options": [{"id": "yes", "text": "Yes"}, {"id": "no", "text": "No"}]},
            "key": {"answer": "yes"},
        })

    edit(change)
    assert problems_of(package) == [
        f"{SCORE_CASE}.vignette: visible before the unaided answer to {SCORE_CASE}.items[0] (antibiotics), and "
        "quotes the AI's overlay score 0.91: it gives the AI output away; reword it or move it to a later case",
    ]
