import pytest

from quizzes.graders import free_text
from quizzes.graders.base import FieldError

CRITERIA = [
    {
        "id": "shortcut", "text": "Names the shortcut", "points": 2,
        "look_for": [["portable", "AP film"], ["shortcut", "confound"]],
    },
    {"id": "action", "text": "Says what to do", "points": 1, "look_for": [["repeat", "PA film"]]},
]


def grade(text, criteria=CRITERIA, auto=False):
    return free_text.grade({"auto": auto}, {"criteria": criteria}, {"text": text}, None)


def test_every_group_matched_scores_one():
    result = grade("A portable film is a shortcut; repeat it.")
    assert result.score == 1.0
    assert result.detail["suggested_points"] == 3.0


def test_suggestion_is_points_times_share_of_groups():
    result = grade("It was a portable film.")
    row = {k: v for k, v in result.detail["criteria"][0].items() if k != "evidence"}
    assert row == {"id": "shortcut", "points": 2, "suggested": 1.0, "matched_groups": 1, "groups": 2}
    assert result.detail["total_points"] == 3.0
    assert result.score == pytest.approx(1 / 3)


def test_one_alternative_per_group_is_enough():
    assert grade("AP film confounds the model").detail["criteria"][0]["matched_groups"] == 2


def test_matching_ignores_case_and_accents():
    criteria = [{"id": "x", "text": "x", "points": 1, "look_for": [["échelle de risque"]]}]
    assert grade("L'ECHELLE  de\nrisque est fausse", criteria).score == 1.0


def test_long_alternative_matches_word_forms():
    criteria = [{"id": "x", "text": "x", "points": 1, "look_for": [["confound"]]}]
    assert grade("a confounding variable", criteria).score == 1.0


def test_alternative_does_not_match_inside_a_word():
    criteria = [{"id": "x", "text": "x", "points": 1, "look_for": [["port"]]}]
    assert grade("a support beam", criteria).score == 0.0


def test_short_alternative_must_be_a_whole_word():
    criteria = [{"id": "x", "text": "x", "points": 1, "look_for": [["AI"]]}]
    assert grade("the aim was to aid", criteria).score == 0.0
    assert grade("the AI was wrong", criteria).score == 1.0


def test_alternative_with_punctuation_edges():
    criteria = [{"id": "x", "text": "x", "points": 1, "look_for": [["50%"]]}]
    assert grade("PPV falls to 50% here", criteria).score == 1.0


def test_criterion_without_groups_suggests_nothing():
    criteria = [{"id": "x", "text": "x", "points": 2}, {"id": "y", "text": "y", "points": 2, "look_for": []}]
    result = grade("anything", criteria)
    assert result.score == 0.0
    assert result.detail["criteria"][0]["groups"] == 0
    assert result.detail["criteria"][1]["suggested"] == 0.0


def test_needs_review_unless_auto():
    assert grade("x").needs_review is True
    assert grade("x", auto=True).needs_review is False


def test_feedback_mentions_review():
    assert "a teacher will confirm" in grade("x").feedback[0]["message"]


def test_valid_key():
    assert free_text.validate_key({"max_words": 200, "auto": False}, {"criteria": CRITERIA}, None) == []


def test_duplicate_criterion_id():
    criteria = [CRITERIA[0], {**CRITERIA[1], "id": "shortcut"}]
    errors = free_text.validate_key({}, {"criteria": criteria}, None)
    assert errors == [FieldError("key.criteria[1].id", "duplicate value %(value)s", {"value": "shortcut"})]


@pytest.mark.parametrize("points", [0, -1, "2", None, float("nan")])
def test_points_must_be_positive_numbers(points):
    errors = free_text.validate_key({}, {"criteria": [{**CRITERIA[1], "points": points}]}, None)
    assert [e.path for e in errors] == ["key.criteria[0].points"]


def test_empty_group_and_blank_alternative():
    criterion = {**CRITERIA[1], "look_for": [[], ["ok", " "], "x"]}
    errors = free_text.validate_key({}, {"criteria": [criterion]}, None)
    assert [e.path for e in errors] == [
        "key.criteria[0].look_for[0]", "key.criteria[0].look_for[1][1]", "key.criteria[0].look_for[2]",
    ]


def test_at_least_one_criterion():
    assert [e.path for e in free_text.validate_key({}, {"criteria": []}, None)] == ["key.criteria"]


@pytest.mark.parametrize("max_words", [0, 2.5, "200"])
def test_max_words_must_be_a_positive_integer(max_words):
    assert [e.path for e in free_text.validate_key({"max_words": max_words}, {"criteria": CRITERIA}, None)] == ["spec.max_words"]


@pytest.mark.parametrize("spec, key", [("x", "y"), ({}, {}), ({}, {"criteria": "all"}), ({}, {"criteria": [None, {"id": []}]})])
def test_malformed_key_returns_errors(spec, key):
    assert free_text.validate_key(spec, key, None)


def test_valid_answer():
    assert free_text.validate_answer({"max_words": 3}, {"text": "one two three"}, None) == []


def test_too_many_words():
    assert free_text.validate_answer({"max_words": 3}, {"text": "one two three four"}, None) == [
        FieldError("text", "must have at most %(max)s words", {"max": 3})
    ]


def test_blank_answer():
    assert [e.path for e in free_text.validate_answer({}, {"text": "  \n"}, None)] == ["text"]


def test_very_long_answer_without_max_words():
    assert [e.path for e in free_text.validate_answer({}, {"text": "x" * 20_001}, None)] == ["text"]


@pytest.mark.parametrize("answer", [None, "text", {}, {"text": 3}, {"text": "ok", "draft": True}])
def test_malformed_answer_returns_errors(answer):
    assert free_text.validate_answer({}, answer, None)
