"""short_answer grades as Moodle's short answer: the first matching accepted answer gives
its fraction, * is a wildcard, case ignored unless asked, spaces around trimmed."""
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.graders import short_answer as grader

KEY = {"answers": [
    {"text": "acute kidney injury", "fraction": 1, "feedback": "Right."},
    {"text": "AKI", "fraction": 1},
    {"text": "*renal*", "fraction": 0.5, "feedback": "Name the acute form."},
    {"text": "*", "fraction": 0, "feedback": "Think of the creatinine."},
]}


def score(text, key=KEY):
    return grader.grade({}, key, {"text": text}, None)


def test_an_accepted_answer_scores_its_fraction():
    assert score("acute kidney injury").score == 1


def test_case_is_ignored_by_default():
    assert score("aki").score == 1


def test_case_matters_when_the_key_says_so():
    key = {**KEY, "case_sensitive": True}
    assert score("aki", key).detail["matched"] == 3


def test_spaces_around_the_answer_are_trimmed():
    assert score("  AKI \n").score == 1


def test_a_star_matches_any_run_of_characters():
    assert score("chronic renal failure").score == 0.5


def test_a_star_matches_nothing_too():
    assert grader.matches("renal", "*renal*", False)


def test_the_whole_text_must_match():
    assert not grader.matches("AKI stage 2", "AKI", False)


def test_the_first_matching_answer_counts_in_the_key_s_order():
    key = {"answers": [{"text": "*", "fraction": 0}, {"text": "AKI", "fraction": 1}]}
    assert score("AKI", key).score == 0


def test_a_lone_star_is_a_catch_all_with_its_feedback():
    result = score("something else")
    assert (result.score, result.detail["matched"]) == (0, 3)


def test_no_match_scores_0():
    key = {"answers": [{"text": "AKI", "fraction": 1}]}
    assert score("sepsis", key).detail == {"text": "sepsis", "matched": None, "fraction": 0.0}


def test_an_escaped_star_is_a_literal_star():
    assert grader.matches("5*3", "5\\*3", False) and not grader.matches("5x3", "5\\*3", False)


def test_several_stars_are_one_wildcard():
    assert grader.matches("abc", "a**c", False)


def test_regular_expression_characters_are_literal():
    assert not grader.matches("aXc", "a.c", False) and grader.matches("a.c", "a.c", False)


def test_unicode_forms_are_normalised():
    decomposed = unicodedata.normalize("NFD", "créatinine")
    assert grader.matches(decomposed, "créatinine", True)


def test_a_blank_answer_matches_nothing_even_the_catch_all():
    assert score("   ").detail["matched"] is None


def test_a_fraction_left_out_is_full_marks():
    assert score("AKI", {"answers": [{"text": "AKI"}]}).score == 1


@given(st.text(alphabet="abcXYZ .?(é", min_size=1, max_size=20).filter(str.strip))
def test_a_literal_answer_matches_itself_trimmed_and_in_another_case(literal):
    assert grader.matches(f"  {literal} ", literal, True)
    assert grader.matches(literal.swapcase(), literal, False)
    assert grader.matches(literal.swapcase(), literal, True) == (literal.swapcase() == literal)


@given(st.text(alphabet="ab*", max_size=8), st.text(alphabet="ab", max_size=8))
def test_stars_match_as_shell_wildcards(pattern_text, typed):
    import fnmatch
    if pattern_text.strip("*"):
        assert grader.matches(typed, pattern_text, True) == fnmatch.fnmatchcase(typed, pattern_text)


@pytest.mark.parametrize(("key", "path"), [
    ({"answers": []}, "key.answers"),
    ({"answers": [{"text": ""}]}, "key.answers[0].text"),
    ({"answers": [{"text": "a", "fraction": 1.5}]}, "key.answers[0].fraction"),
    ({"answers": [{"text": "a", "fraction": -0.1}]}, "key.answers[0].fraction"),
    ({"answers": [{"text": "a", "fraction": 0.5}]}, "key.answers"),
    ({"answers": [{"text": "a", "feedback": 3}]}, "key.answers[0].feedback"),
    ({"answers": [{"text": "a"}], "case_sensitive": "yes"}, "key.case_sensitive"),
    ({"answers": [{"text": "a"}], "regex": True}, "key.regex"),
])
def test_an_unusable_key_is_refused_at_its_path(key, path):
    assert path in [e.path for e in grader.validate_key({}, key, None)]


def test_a_spec_with_fields_is_refused():
    assert [e.path for e in grader.validate_key({"options": []}, {"answers": [{"text": "a"}]}, None)] == [
        "spec.options"]


@pytest.mark.parametrize(("answer", "path"), [({}, "text"), ({"text": 3}, "text"), ({"text": "a" * 1001}, "text")])
def test_an_unusable_answer_is_refused(answer, path):
    assert [e.path for e in grader.validate_answer({}, answer, None)] == [path]
