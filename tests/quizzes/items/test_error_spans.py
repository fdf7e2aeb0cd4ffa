"""The error_spans unit: its answer parser, its editor parsing and analysis."""
from quizzes.items.error_spans import MAX_FORM_SPANS, unit

from .helpers import form

INCOMPLETE = "The passages you marked did not arrive complete; mark them again."
NO_POSITION = "This passage has no valid position; remove it and mark it again."


def test_an_answer_is_the_marked_passages_with_their_labels_and_corrections():
    parsed = unit.parse_answer({}, form(span_start=["0", "20"], span_end=["7", "31"], span_label=["HAL", ""],
                                        span_correction=[" amoxicillin ", ""]))
    assert parsed.payload == {"spans": [{"start": 0, "end": 7, "label": "HAL", "correction": "amoxicillin"},
                                        {"start": 20, "end": 31}]}


def test_corrections_may_be_left_out_altogether():
    parsed = unit.parse_answer({}, form(span_start=["0"], span_end=["7"], span_label=["HAL"]))
    assert parsed.payload == {"spans": [{"start": 0, "end": 7, "label": "HAL"}]}


def test_marking_nothing_is_an_answer():
    parsed = unit.parse_answer({}, form())
    assert parsed.payload == {"spans": []} and parsed.errors == {}


def test_a_row_left_wholly_blank_is_no_passage():
    parsed = unit.parse_answer({}, form(span_start=["", "3"], span_end=["", "9"], span_label=["", ""],
                                        span_correction=["", ""]))
    assert parsed.payload == {"spans": [{"start": 3, "end": 9}]}


def test_passages_that_do_not_arrive_complete_are_refused_at_the_spans():
    parsed = unit.parse_answer({}, form(span_start=["0", "3"], span_end=["7"], span_label=["HAL"]))
    assert parsed.payload is None and parsed.errors == {"spans": [INCOMPLETE]}


def test_corrections_for_only_some_passages_are_refused_at_the_spans():
    parsed = unit.parse_answer({}, form(span_start=["0", "3"], span_end=["2", "7"], span_label=["", ""],
                                        span_correction=["x"]))
    assert parsed.errors == {"spans": [INCOMPLETE]}


def test_too_many_passages_are_refused_at_the_spans():
    n = MAX_FORM_SPANS + 1
    parsed = unit.parse_answer({}, form(span_start=["0"] * n, span_end=["1"] * n, span_label=[""] * n))
    assert parsed.errors == {"spans": [f"Mark at most {MAX_FORM_SPANS} passages."]}


def test_a_passage_without_a_valid_position_is_refused_at_its_place():
    parsed = unit.parse_answer({}, form(span_start=["", "4", "x"], span_end=["", "9", "12"], span_label=["", "", "HAL"],
                                        span_correction=["", "", ""]))
    assert parsed.payload is None and parsed.errors == {"spans[1].start": [NO_POSITION]}


def test_a_refused_passage_is_shown_again():
    parsed = unit.parse_answer({}, form(span_start=["x"], span_end=["12"], span_label=["HAL"]))
    assert parsed.values == {"spans": [{"start": None, "end": 12, "label": "HAL", "correction": ""}]}


def test_the_editor_reads_the_key_spans():
    spec, key, errors = unit.parse_editor(form(**{
        "labels_required": "on",
        "spans-0-start": "0", "spans-0-end": "7", "spans-0-failure_mode": "HAL", "spans-0-severity": "major",
        "spans-0-corrections": "amoxicillin\n\n co-amoxiclav ",
        "spans-1-start": "", "spans-1-end": "", "spans-1-failure_mode": "", "spans-1-severity": "minor",
    }))
    assert spec == {"labels_required": True}
    assert key == {"spans": [{"start": 0, "end": 7, "failure_mode": "HAL", "severity": "major",
                              "corrections": ["amoxicillin", "co-amoxiclav"]}]} and errors == {}


def test_the_editor_refuses_a_span_without_its_offsets_or_failure_mode():
    _spec, _key, errors = unit.parse_editor(form(**{"spans-0-start": "", "spans-0-end": "7,5", "spans-0-corrections": "x"}))
    assert errors == {"key.spans[0].start": ["this field is required"], "key.spans[0].end": ["must be a whole number"],
                      "key.spans[0].failure_mode": ["choose a failure mode"]}


def test_the_analysis_lists_the_seeded_errors_with_their_excerpts():
    spans = unit.analysis_spans({"spans": [{"start": 0, "end": 7, "failure_mode": "HAL"}]}, "Patient is fine.")
    assert spans == [{"start": 0, "end": 7, "failure_mode": "HAL", "severity": "minor", "excerpt": "Patient"}]


def test_an_error_spans_item_may_be_about_a_text_only():
    assert unit.needs_artifact and unit.artifact_kinds == ("text",)
