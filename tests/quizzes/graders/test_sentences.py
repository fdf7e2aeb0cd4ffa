import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.graders.sentences import split_sentences


def sentences(text):
    return [text[start:end] for start, end in split_sentences(text)]


def test_splits_on_terminal_punctuation():
    assert sentences("Fever for two days. Cough? Yes! Discharged.") == ["Fever for two days.", "Cough?", "Yes!", "Discharged."]


def test_ranges_are_trimmed():
    assert split_sentences("  One.   Two.  ") == [(2, 6), (9, 13)]


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_blank_text_has_no_sentence(text):
    assert split_sentences(text) == []


def test_text_without_punctuation_is_one_sentence():
    assert sentences("no known drug allergies") == ["no known drug allergies"]


def test_decimal_numbers_do_not_split():
    assert sentences("Lactate 3.1 mmol/L. Repeat.") == ["Lactate 3.1 mmol/L.", "Repeat."]


def test_line_breaks_split():
    assert sentences("Allergies: none\nPlan: discharge\n\n- follow-up") == ["Allergies: none", "Plan: discharge", "- follow-up"]


def test_titles_do_not_split():
    assert sentences("Seen by Dr. Martin today. M. Dupont agrees.") == ["Seen by Dr. Martin today.", "M. Dupont agrees."]


def test_lower_case_continuation_does_not_split():
    assert sentences("Give an NSAID, e.g. ibuprofen. Review.") == ["Give an NSAID, e.g. ibuprofen.", "Review."]


def test_closing_quotes_belong_to_the_sentence():
    assert sentences('He said "stop." Then left.') == ['He said "stop."', "Then left."]


def test_ellipsis_splits_before_a_capital():
    assert sentences("Wait… Then go.") == ["Wait…", "Then go."]


@given(st.text(alphabet=st.sampled_from(list("ab .!?\n\t\"DrM"))))
def test_every_visible_character_is_in_exactly_one_ordered_range(text):
    ranges = split_sentences(text)
    covered = [0] * len(text)
    previous_end = 0
    for start, end in ranges:
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        previous_end = end
        for i in range(start, end):
            covered[i] += 1
    assert all(covered[i] == 1 for i, c in enumerate(text) if not c.isspace())
