"""Text the database cannot store is found, each at its path, however deep it lies."""
from training.text import MAX_REPORTED, unstorable, unstorable_character, visible


def test_nul_and_lone_surrogates_are_unstorable_and_pairs_are_not():
    assert [unstorable_character(t) for t in ("a\x00", "\udfff b", "\U0001F600 é", "")] == ["U+0000", "U+DFFF", None, None]


def test_each_bad_string_is_reported_at_its_path_in_document_order():
    value = {"answer": {"spans": [{"correction": "ok"}, {"correction": "a\x00"}], "text": "\ud800"}}
    assert [path for path, _message in unstorable(value)] == ["answer.spans[1].correction", "answer.text"]


def test_a_bad_field_name_is_reported_at_its_object():
    assert [path for path, _message in unstorable({"a": {"b\x00": 1}})] == ["a"]


def test_a_prefix_starts_every_path():
    assert [path for path, _message in unstorable({"text": "\x00"}, "answer")] == ["answer.text"]


def test_any_depth_is_walked_without_recursion():
    value = "\x00"
    for _ in range(10_000):
        value = [value]
    assert [path for path, _message in unstorable(value)] == ["[0]" * 10_000]


def test_at_most_twenty_problems_are_reported():
    assert len(unstorable(["\x00"] * 1000)) == MAX_REPORTED == 20


def test_visible_writes_the_characters_as_code_points():
    assert visible("a\x00b\ud800") == "aU+0000bU+D800" and visible("fine") == "fine"
