"""The one number parser (quizzes.items.numbers): pure, so these tests need no database."""
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.items.numbers import GROUP_SEPARATORS, MINUS, parse_integer, parse_number

finite = st.floats(allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(("text", "value"), [
    ("9.2", 9.2), ("9,2", 9.2), ("−9.2", -9.2), ("-9,2", -9.2), ("+3", 3), ("1 234,5", 1234.5),
    ("1\u00a0234.5", 1234.5), ("1\u202f234\u2009567", 1234567), (" 42 ", 42), (".5", 0.5), ("5.", 5.0),
    ("1e-3", 0.001), ("2,5E3", 2500.0), ("1e−3", 0.001), ("007", 7),
])
def test_numbers_people_type_are_read(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", [
    "", "   ", None, "-", "−", ".", ",", "1,234.5", "1.234,5", "1,2,3", "1.2.3", "12 34", "1 2345", "1 234 56",
    "- 5", "1  234", "3,141 592", "inf", "-inf", "nan", "1_000", "1'234", "12abc", "5 mg", "٣", "1e", "e3",
    "1e400", "9" * 400, "--5", "+-5",
])
def test_ambiguous_or_malformed_numbers_are_refused(text):
    assert parse_number(text) is None


def test_a_lone_comma_is_a_decimal_comma():
    assert parse_number("1,234") == pytest.approx(1.234)


def test_a_number_without_decimal_sign_or_exponent_is_an_int():
    assert type(parse_number("1 234")) is int and type(parse_number("1e3")) is float


def test_a_decimal_sign_makes_a_float_even_for_a_whole_value():
    assert parse_number("9,0") == 9.0 and type(parse_number("9,0")) is float


@pytest.mark.parametrize(("text", "value"), [("3", 3), ("−2", -2), ("+2", 2), ("3,0", 3), ("1 000", 1000)])
def test_whole_numbers_are_read_as_int(text, value):
    assert parse_integer(text) == value and type(parse_integer(text)) is int


@pytest.mark.parametrize("text", ["3.5", "", "two", "1,234.5"])
def test_a_number_that_is_not_whole_is_not_an_integer(text):
    assert parse_integer(text) is None


@given(st.integers(-10**30, 10**30))
def test_every_integer_reads_back(n):
    assert parse_number(str(n)) == n


@given(st.integers(-10**30, -1))
def test_the_unicode_minus_is_the_ascii_minus(n):
    assert parse_number(str(n).replace("-", MINUS)) == n


@given(finite)
def test_every_float_reads_back_with_a_point_or_a_comma(x):
    text = repr(x)
    assert parse_number(text) == x
    assert parse_number(text.replace(".", ",")) == x


@given(st.integers(0, 10**15), st.sampled_from(GROUP_SEPARATORS), st.sampled_from(".,"), st.integers(0, 999))
def test_digits_grouped_by_threes_read_as_the_number(n, separator, mark, fraction):
    grouped = f"{n:,}".replace(",", separator)
    assert parse_number(f"{grouped}{mark}{fraction:03d}") == pytest.approx(n + fraction / 1000)


@given(st.text(alphabet="0123456789 .,-+e", max_size=12))
def test_a_number_with_both_a_point_and_a_comma_is_refused(text):
    if "." in text and "," in text:
        assert parse_number(text) is None


@given(st.text(max_size=30))
def test_any_text_is_refused_or_a_finite_number(text):
    value = parse_number(text)
    assert value is None or (type(value) in (int, float) and math.isfinite(value))


@given(st.text(alphabet="0123456789 .,", min_size=1, max_size=12))
def test_a_sign_negates(text):
    value = parse_number(text)
    if value is not None:
        assert parse_number("-" + text.strip()) == -value == parse_number(MINUS + text.strip())
