"""The API's JSON parser refuses, with a 400 naming the field, what would crash further on."""
import io
import json

import pytest
from rest_framework.exceptions import ParseError, ValidationError

from training.parsers import MAX_DEPTH, JSONParser, nesting_too_deep


def parse(body: str):
    return JSONParser().parse(io.BytesIO(body.encode()), "application/json", {})


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_nesting_up_to_the_limit_is_parsed():
    assert parse('{"a": ' + nested(MAX_DEPTH - 1) + "}")["a"]


def test_nesting_one_level_deeper_is_refused_naming_the_top_level_field():
    with pytest.raises(ValidationError) as refused:
        parse('{"x": 1, "answer": ' + nested(MAX_DEPTH) + "}")
    assert list(refused.value.detail) == ["answer"]


def test_nesting_100000_deep_is_refused_without_recursing():
    with pytest.raises(ValidationError) as refused:
        parse('{"answer": {"a": ' + nested(100_000) + "}}")
    assert list(refused.value.detail) == ["answer"]


def test_brackets_inside_strings_do_not_count():
    body = json.dumps({"text": "[" * 1000, "key": "\\\"[" * 100, "[[[[": "]]]]"})
    assert nesting_too_deep(body) is None and parse(body)["text"] == "[" * 1000


def test_a_deep_body_that_is_no_object_is_refused_as_a_whole():
    with pytest.raises(ValidationError) as refused:
        parse(nested(100_000))
    assert list(refused.value.detail) == ["non_field_errors"]


def test_malformed_json_is_still_a_parse_error():
    with pytest.raises(ParseError):
        parse('{"answer": "unterminated')


def test_a_nul_character_is_refused_at_its_path():
    with pytest.raises(ValidationError) as refused:
        parse(json.dumps({"answer": {"spans": [{"start": 0, "end": 2, "correction": "a\u0000b"}]}}))
    assert list(refused.value.detail) == ["answer.spans[0].correction"]


def test_a_lone_surrogate_is_refused_at_its_path():
    with pytest.raises(ValidationError) as refused:
        parse('{"answer": {"text": "ok \\ud800"}}')
    assert list(refused.value.detail) == ["answer.text"]
    assert "U+D800" in str(refused.value.detail["answer.text"][0])


def test_a_surrogate_pair_is_a_character_and_accepted():
    assert parse('{"text": "\\ud83d\\ude00"}') == {"text": "\U0001F600"}


def test_a_nul_in_a_field_name_is_refused_at_its_object():
    with pytest.raises(ValidationError) as refused:
        parse(json.dumps({"answer": {"te\u0000xt": "fine"}}))
    assert list(refused.value.detail) == ["answer"]
