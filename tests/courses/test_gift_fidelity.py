"""GIFT questions read as Moodle's own importer (qformat_gift) reads them: one rule per test,
on the small banks of tests/courses/fixtures/gift/."""
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from courses.authoring import package_item_problems
from courses.models import Case, Item, Module
from courses.packages.errors import PackageError
from courses.packages.gift import parse_gift
from courses.question_import import question_file_parse, questions_import
from courses.rendering import render_markdown
from courses.services import course_create
from quizzes.graders import multiple_choice
from schools.models import Role
from tests.factories import MembershipFactory
from training.slugs import SLUG_PATTERN

FIXTURES = Path(__file__).parent / "fixtures" / "gift"


def parse(name: str):
    return parse_gift((FIXTURES / name).read_bytes(), source_name=name, competency="OVS")


def items(name: str) -> dict[str, dict]:
    return {item["slug"]: item for case in parse(name).cases for item in case["items"]}


def right_text(item: dict) -> str:
    return next(o["text"] for o in item["spec"]["options"] if o["id"] == item["key"]["answer"])


def score(item: dict, ticked: list[str]) -> float:
    return multiple_choice.grade(item["spec"], item["key"], {"answers": ticked}, None).score


@pytest.fixture
def draft(db):
    author = MembershipFactory(role=Role.FACULTY).user
    return course_create(slug="fidelity", title="Fidelity", language="en", user=author).versions.get()


# ---------------------------------------------------------------- choices


@pytest.mark.parametrize("slug", ["tight", "spaced", "no-spaces", "lines", "equals-first"])
def test_an_equals_sign_after_a_tilde_is_the_right_answer_in_every_spacing(slug):
    item = items("right_after_tilde.gift")[slug]
    assert item["type"] == "single_choice" and right_text(item) == "right"
    assert "" not in [o["text"] for o in item["spec"]["options"]]


def test_two_right_answers_on_a_one_answer_question_each_give_full_marks():
    parsed = parse("two_right.gift")
    item = parsed.cases[0]["items"][0]
    assert (score(item, ["a"]), score(item, ["b"]), score(item, ["c"]), score(item, ["a", "c"])) == (1, 1, 0, 0)
    assert "ticking any of them gives full marks" in parsed.notes[0].reason


def test_percent_weights_are_shares_of_the_mark():
    item = items("weights.gift")["halves"]
    assert item["type"] == "multiple_choice" and item["key"]["weights"] == {"a": 0.5, "b": 0.5, "c": -0.5}


def test_thirds_written_as_33_333_percent_give_full_marks():
    item = items("weights.gift")["thirds-own"]
    assert multiple_choice.validate_key(item["spec"], item["key"], None) == []
    assert score(item, ["a", "b", "c"]) == 1 and score(item, ["a", "b", "c", "e"]) == 0.5


def test_thirds_with_the_default_weights_keep_no_weights():
    assert items("weights.gift")["thirds-default"]["key"] == {"correct": ["a", "b", "c"]}


def test_weights_short_of_100_percent_are_refused_with_the_reason():
    (skipped,) = parse("weights.gift").skipped
    assert "line 12 (Short of full)" in skipped.where and "less than 100%" in skipped.reason


def test_partial_credit_on_a_one_answer_question_is_reported_as_dropped():
    parsed = parse("weights.gift")
    assert items("weights.gift")["partial-on-one-answer"]["key"] == {"answer": "a"}
    assert any("Partial on one answer" in n.where and "partial credit" in n.reason for n in parsed.notes)


def test_each_answers_feedback_and_the_general_feedback_are_shown_after_grading():
    item = items("feedback.gift")["feedback"]
    assert item["rationale"] == ("Check the lactate first.\n\n- **Reassess in an hour**: Right: the lactate is normal.\n"
                                 "- **Start now**: The lactate is normal.")


# ---------------------------------------------------------------- true/false, essay, blanks


@pytest.mark.parametrize(("slug", "right"), [
    ("t", "True"), ("true-with-feedback", "True"), ("f", "False"), ("false", "False"), ("lower-case", "False"),
])
def test_true_false_in_each_spelling(slug, right):
    assert right_text(items("true_false.gift")[slug]) == right


def test_true_false_feedback_is_for_the_wrong_answer_then_the_right_one():
    assert items("true_false.gift")["true-with-feedback"]["rationale"] == "- **True**: Yes.\n- **False**: No: they do."


def test_empty_braces_make_an_essay_with_its_general_feedback():
    found = items("essay.gift")
    assert found["essay"]["type"] == found["essay-with-feedback"]["type"] == "free_text"
    assert found["essay-with-feedback"]["rationale"] == "Look at the denominator."


@pytest.mark.parametrize(("slug", "prompt"), [
    ("middle", "Two plus _____ equals four."),
    ("start", "_____ is the number of sides of a triangle."),
    ("choice-middle", "The AI _____ invents references."),
])
def test_a_missing_word_question_shows_the_blank_where_the_answers_were(slug, prompt):
    assert items("missing_word.gift")[slug]["prompt"] == prompt


# ---------------------------------------------------------------- structure


def test_a_description_becomes_the_vignette_of_its_categorys_case():
    parsed = parse("descriptions.gift")
    (case,) = parsed.cases
    assert case["vignette"] == "A 67-year-old woman presents with fever. The AI flags sepsis."
    assert any("line 3" in n.where and "vignette of the case Sepsis" in n.reason for n in parsed.notes)


def test_a_description_alone_in_its_category_is_reported():
    (skipped,) = parse("descriptions.gift").skipped
    assert "line 11" in skipped.where and "no question in its category" in skipped.reason


def test_categories_with_the_same_last_name_stay_apart():
    cases = parse("categories.gift").cases
    assert [(c["slug"], c["title"]) for c in cases] == [
        ("cardiology-week-1", "Cardiology / Week 1"), ("neurology-week-1", "Neurology / Week 1"),
        ("neurology-week-2", "Week 2"),
    ]


def test_titles_comments_and_escaped_characters():
    (item,) = items("escapes_comments.gift").values()
    assert item["slug"] == "escapes-all"
    assert item["prompt"] == "Is 1 = 1, {braces}, ~tilde and #hash?\nNext line."
    assert [o["text"] for o in item["spec"]["options"]] == ["Yes ~ indeed", "No"]
    assert item["rationale"] == "- **Yes ~ indeed**: Right #1"


def test_several_answer_blocks_are_refused_as_a_cloze():
    parsed = parse_gift(b"::Two::A {=a ~b} and a {=c ~d}.", source_name="x.gift", competency="OVS")
    assert "several answer blocks" in parsed.skipped[0].reason and parsed.cases == []


@pytest.mark.parametrize("text", ["The {1:MULTICHOICE:=right~wrong} one.", "It is {:SA:=AKI} here", "{2:NM:=3:1}"])
def test_a_moodle_cloze_block_becomes_its_gaps_with_no_syntax_left(text):
    (case,) = parse_gift(text.encode(), source_name="cloze.gift", competency="OVS").cases
    assert len(case["items"]) == 1 and "{" not in case["vignette"] + case["items"][0]["prompt"]


# ---------------------------------------------------------------- numeric


@pytest.mark.parametrize(("slug", "key"), [
    ("tolerance", {"value": 3, "tolerance_abs": 2}),
    ("range", {"value": 3, "tolerance_abs": 2}),
    ("partial", {"value": 1822, "feedback": "Right.", "answers": [
        {"value": 1822, "tolerance_abs": 2, "fraction": 0.5, "feedback": "Close."},
        {"fraction": 0, "feedback": "Far off."}]}),
    ("tolerance-then-feedback", {"value": 3, "tolerance_abs": 2,
                                 "answers": [{"fraction": 0, "feedback": "Not in the range."}]}),
    ("answer-feedback", {"value": 3, "tolerance_abs": 2, "feedback": "Right."}),
    ("two-right", {"value": 2, "answers": [{"value": -2, "fraction": 1}]}),
])
def test_numeric_answers_in_each_form(slug, key):
    assert items("numeric.gift")[slug]["key"] == key


def test_numeric_partial_credit_is_kept_and_graded_as_moodle_does():
    from quizzes.graders.numeric import grade
    key = items("numeric.gift")["partial"]["key"]
    assert [grade({}, key, {"value": v}, None).score for v in (1822, 1823.5, 1900)] == [1.0, 0.5, 0.0]


def test_a_numeric_question_with_only_a_wrong_answer_is_refused():
    (skipped,) = parse("numeric.gift").skipped
    assert "Only wrong" in skipped.where and "holds no answer" in skipped.reason


# ---------------------------------------------------------------- formats


def test_html_entities_show_as_the_author_wrote_them():
    prompt = items("formats.gift")["html"]["prompt"]
    assert "<p>" not in prompt and "Iterable&lt;Item&gt;" in render_markdown(prompt)


def test_answers_take_the_format_of_the_question_text():
    options = items("formats.gift")["html"]["spec"]["options"]
    assert [o["text"] for o in options] == ["**Items**", "Nothing & no one"]


def test_markdown_is_kept_and_a_plain_answer_stays_literal():
    item = items("formats.gift")["markdown"]
    assert item["prompt"] == "What does **bold** mean?"
    assert "&lt;b&gt;tag&lt;/b&gt;" in render_markdown(item["spec"]["options"][1]["text"])


@pytest.mark.parametrize(("slug", "prompt"), [
    ("plain", "Is &lt;Item&gt; a tag here?"), ("moodle", "Is *this* in italics?"), ("default", "Plain words, no markup."),
])
def test_plain_and_moodle_texts(slug, prompt):
    assert items("formats.gift")[slug]["prompt"] == prompt


# ---------------------------------------------------------------- short answer, matching


@pytest.mark.parametrize(("slug", "answers"), [
    ("two-names", ["hallucination", "confabulation"]), ("bare", ["Paris"]),
    ("weighted", ["acute kidney injury", "*renal*"]),
])
def test_short_answers_in_each_form(slug, answers):
    item = items("short_answer_matching.gift")[slug]
    assert item["type"] == "short_answer" and [a["text"] for a in item["key"]["answers"]] == answers


@pytest.mark.parametrize(("slug", "stems", "choices"), [
    ("pairs", 2, 2), ("pairs-tight", 2, 2), ("pairs-lines", 2, 3),
])
def test_matching_in_each_form(slug, stems, choices):
    item = items("short_answer_matching.gift")[slug]
    assert item["type"] == "matching"
    assert (len(item["spec"]["stems"]), len(item["spec"]["choices"])) == (stems, choices)


# ---------------------------------------------------------------- the whole import


def test_names_with_underscores_make_valid_unique_slugs(draft):
    parsed = question_file_parse(data=(FIXTURES / "underscores.gift").read_bytes(), name="week_1_bank.gift",
                                 competency="OVS")
    report = questions_import(version=draft, parsed=parsed, module_title="week_1_bank.gift")
    case = Case.objects.get(module=report.module)
    slugs = list(Item.objects.filter(case=case).order_by("position").values_list("slug", flat=True))
    assert case.slug == "week-1-case-a" and slugs == ["q-1", "q-1-2", "blank"]
    assert SLUG_PATTERN.match(Module.objects.get(pk=report.module.pk).slug)


@pytest.mark.parametrize("name", sorted(path.name for path in FIXTURES.glob("*.gift")))
def test_every_imported_fixture_question_meets_the_package_rules(db, name):
    for case in parse(name).cases:
        for item in case["items"]:
            assert package_item_problems(item=item, media_paths=set()) == {}, item["slug"]


GIFT_ALPHABET = st.sampled_from(list("ab =~#{}:%->\\n\n[]$/T0123456789.") + ["::", "####", "[html]", "$CATEGORY:", "//"])


@settings(max_examples=300, deadline=None)
@given(st.lists(GIFT_ALPHABET, max_size=60).map("".join))
def test_any_text_is_imported_or_refused_with_a_reason(text):
    try:
        parsed = parse_gift(text.encode(), source_name="any.gift", competency="OVS")
    except PackageError as exc:
        assert exc.errors
        return
    assert all(s.reason for s in parsed.skipped)
