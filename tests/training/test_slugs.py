"""Slugs made from any name are valid and unique (training.slugs)."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from training.slugs import SLUG_PATTERN, slug_from


@pytest.mark.parametrize(("name", "slug"), [
    ("Week_1 quiz", "week-1-quiz"), ("___", "item"), ("Écho cardiaque", "echo-cardiaque"), ("心電図", "item"),
    ("a -- b", "a-b"), ("-lead-", "lead"), ("Cardiology/Week 1", "cardiology-week-1"), ("bank_2.gift", "bank-2-gift"),
])
def test_names_become_valid_slugs(name, slug):
    assert slug_from(name) == slug


def test_a_taken_slug_gets_a_number():
    assert slug_from("Week_1", {"week-1", "week-1-2"}) == "week-1-3"


def test_the_fallback_is_made_valid_too():
    assert slug_from("", fallback="Imported_questions") == "imported-questions"


@given(st.text(max_size=300), st.sets(st.text(alphabet="ab-1", max_size=5), max_size=5))
def test_any_name_gives_a_valid_unique_slug(name, taken):
    slug = slug_from(name, taken | {slug_from(name)})
    assert SLUG_PATTERN.match(slug) and len(slug) <= 100 and slug not in taken
