import pytest

from quizzes.graders import error_spans
from quizzes.graders.base import FieldError

TEXT = "0123456789" * 10  # 100 characters, no sentence punctuation


def artifact(text=TEXT, correct=False):
    return {"kind": "text", "content": {"text": text}, "ground_truth": {"correct": correct, "failure_modes": []}}


def key_span(start, end, failure_mode="HAL", **extra):
    return {"start": start, "end": end, "failure_mode": failure_mode, **extra}


def mark(start, end, **extra):
    return {"start": start, "end": end, **extra}


def grade(keys, marks, labels_required=False, text=TEXT):
    return error_spans.grade(
        {"labels_required": labels_required}, {"spans": keys}, {"spans": marks}, artifact(text)
    )


def paths(errors):
    return [e.path for e in errors]


# --- span matching -------------------------------------------------------------------

def test_exact_match_scores_one():
    result = grade([key_span(10, 20)], [mark(10, 20)])
    assert result.score == 1.0
    assert result.detail["key_spans"][0]["found"] is True
    assert result.detail["trainee_spans"][0]["hit"] is True


def test_key_span_found_at_exactly_half_coverage():
    result = grade([key_span(10, 20)], [mark(15, 20)])
    assert result.detail["key_spans"][0]["found"] is True


def test_key_span_not_found_just_under_half_coverage():
    result = grade([key_span(10, 19)], [mark(15, 19)])  # 4 of 9 characters
    assert result.detail["key_spans"][0]["found"] is False


def test_two_spans_each_covering_a_third_do_not_find_the_key_span():
    result = grade([key_span(0, 30)], [mark(0, 10), mark(10, 20)])
    assert result.detail["key_spans"][0]["found"] is False
    assert result.detail["recall"] == 0.0
    assert result.score == 0.0


def test_trainee_span_hit_at_exactly_half_inside_key_spans():
    result = grade([key_span(10, 20)], [mark(10, 30)])  # 10 of 20 characters inside
    assert result.detail["trainee_spans"][0]["hit"] is True


def test_trainee_span_not_a_hit_when_mostly_outside():
    result = grade([key_span(10, 20)], [mark(10, 31)])  # 10 of 21
    assert result.detail["trainee_spans"][0]["hit"] is False
    assert result.detail["key_spans"][0]["found"] is True
    assert result.detail["precision"] == 0.0


def test_hit_counts_characters_across_several_key_spans():
    # 5 characters in each of two key spans: 10 of 20 inside their union.
    result = grade([key_span(0, 5), key_span(15, 20)], [mark(0, 20)])
    assert result.detail["trainee_spans"][0]["hit"] is True


def test_one_long_span_cannot_find_every_error():
    result = grade([key_span(0, 10), key_span(40, 50)], [mark(0, 50)])
    found = [k["found"] for k in result.detail["key_spans"]]
    assert found == [True, True]
    assert result.detail["trainee_spans"][0]["hit"] is False
    assert result.detail["precision"] == 0.0
    assert result.score == 0.0


def test_overlapping_trainee_spans_are_refused_naming_both():
    errors = validate_answer([mark(30, 40), mark(10, 20), mark(50, 60), mark(12, 22)])
    assert errors == [FieldError("spans[3]", error_spans.MSG_OVERLAP_MARK_QUOTED,
                                 {"other": 1, "excerpt": TEXT[10:20]})]


def test_matched_prefers_largest_overlap():
    result = grade([key_span(10, 20)], [mark(14, 20), mark(10, 20)])
    assert result.detail["key_spans"][0]["matched"] == 1


def test_precision_recall_and_f1():
    keys = [key_span(0, 10), key_span(20, 30)]
    marks = [mark(0, 10), mark(50, 60), mark(70, 80)]
    result = grade(keys, marks)
    assert result.detail["precision"] == pytest.approx(1 / 3)
    assert result.detail["recall"] == pytest.approx(1 / 2)
    assert result.score == pytest.approx(2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2))


def test_major_span_weighs_double_in_recall():
    keys = [key_span(0, 10, severity="major"), key_span(20, 30, severity="minor")]
    result = grade(keys, [mark(0, 10)])
    assert result.detail["recall"] == pytest.approx(2 / 3)


def test_missing_the_major_span_costs_more():
    keys = [key_span(0, 10, severity="major"), key_span(20, 30)]
    result = grade(keys, [mark(20, 30)])
    assert result.detail["recall"] == pytest.approx(1 / 3)


def test_nothing_marked_with_errors_scores_zero():
    result = grade([key_span(0, 10)], [])
    assert result.score == 0.0
    assert result.detail["precision"] is None
    assert result.detail["recall"] == 0.0
    assert result.detail["f1"] == 0.0


def test_no_key_spans_and_nothing_marked_scores_one():
    result = grade([], [])
    assert result.score == 1.0
    assert result.detail["precision"] is None
    assert result.detail["recall"] is None


def test_no_key_spans_but_something_marked_scores_zero():
    result = grade([], [mark(0, 5)])
    assert result.score == 0.0
    assert result.detail["precision"] is None
    assert result.detail["recall"] is None


def test_no_key_spans_with_labels_required_still_scores_one_when_nothing_marked():
    assert grade([], [], labels_required=True).score == 1.0


# --- labels and corrections --------------------------------------------------------

def test_labels_required_all_right():
    result = grade([key_span(0, 10, "HAL")], [mark(0, 10, label="HAL")], labels_required=True)
    assert result.score == 1.0
    assert result.detail["label_share"] == 1.0


def test_labels_required_wrong_label_keeps_eighty_percent():
    result = grade([key_span(0, 10, "HAL")], [mark(0, 10, label="OMI")], labels_required=True)
    assert result.score == pytest.approx(0.8)
    assert result.detail["key_spans"][0]["label_right"] is False


def test_label_share_counts_found_spans_only():
    keys = [key_span(0, 10, "HAL"), key_span(20, 30, "CLIN")]
    result = grade(keys, [mark(0, 10, label="HAL")], labels_required=True)
    assert result.detail["label_share"] == 1.0
    f1 = 2 * 1.0 * 0.5 / 1.5
    assert result.score == pytest.approx(0.8 * f1 + 0.2)


def test_label_share_is_zero_when_nothing_found():
    result = grade([key_span(0, 10)], [mark(50, 60, label="HAL")], labels_required=True)
    assert result.detail["label_share"] == 0.0
    assert result.score == 0.0


def test_label_share_is_none_when_labels_not_required():
    result = grade([key_span(0, 10)], [mark(0, 10, label="OMI")])
    assert result.detail["label_share"] is None
    assert result.score == 1.0
    assert result.detail["key_spans"][0]["label_right"] is False


def test_matching_prefers_the_span_with_the_right_label_on_equal_overlap():
    keys = [key_span(10, 20, "HAL")]
    marks = [mark(10, 20, label="OMI"), mark(10, 20, label="HAL")]
    result = grade(keys, marks, labels_required=True)
    assert result.detail["key_spans"][0]["matched"] == 1
    assert result.detail["label_share"] == 1.0


def test_correction_compared_ignoring_case_and_spacing():
    keys = [key_span(0, 10, corrections=["No known drug allergies"])]
    result = grade(keys, [mark(0, 10, correction="  no known   DRUG allergies ")])
    assert result.detail["key_spans"][0]["correction_ok"] is True


def test_wrong_correction_is_reported_not_scored():
    keys = [key_span(0, 10, corrections=["no known drug allergies"])]
    result = grade(keys, [mark(0, 10, correction="penicillin allergy")])
    assert result.detail["key_spans"][0]["correction_ok"] is False
    assert result.score == 1.0


def test_correction_is_none_without_accepted_corrections():
    result = grade([key_span(0, 10)], [mark(0, 10, correction="anything")])
    assert result.detail["key_spans"][0]["correction_ok"] is None


# --- detail ---------------------------------------------------------------------------

def test_by_failure_mode_counts_keys_and_found():
    keys = [key_span(0, 10, "HAL"), key_span(20, 30, "HAL"), key_span(40, 50, "OMI")]
    result = grade(keys, [mark(0, 10)])
    assert result.detail["by_failure_mode"] == {"HAL": {"keys": 2, "found": 1}, "OMI": {"keys": 1, "found": 0}}


def test_default_severity_is_minor_in_detail():
    result = grade([key_span(0, 10)], [])
    assert result.detail["key_spans"][0]["severity"] == "minor"


def test_sentence_counts_for_d_prime():
    text = "Fever for two days. Allergic to penicillin. Lungs clear. Plan: discharge."
    penicillin = text.index("penicillin")
    plan = text.index("Plan")
    keys = [key_span(penicillin, penicillin + 10)]
    marks = [mark(penicillin, penicillin + 10), mark(plan, plan + 4)]
    result = grade(keys, marks, text=text)
    assert result.detail["sentences"] == {"signal": 1, "noise": 3, "hits": 1, "false_alarms": 1}


def test_sentence_counts_without_artifact_are_zero():
    result = error_spans.grade({}, {"spans": []}, {"spans": []}, None)
    assert result.detail["sentences"] == {"signal": 0, "noise": 0, "hits": 0, "false_alarms": 0}


def test_feedback_reports_counts():
    result = grade([key_span(0, 10), key_span(20, 30)], [mark(0, 10), mark(50, 60)])
    messages = [line["message"] for line in result.feedback]
    assert "Errors found: %(found)s of %(total)s." in messages
    assert result.feedback[0]["params"] == {"found": 1, "total": 2}
    assert result.feedback[1]["params"] == {"count": 1, "marked": 2}


# --- key validation ---------------------------------------------------------------------

def validate_key(spans, spec=None, art=None):
    return error_spans.validate_key(spec if spec is not None else {}, {"spans": spans}, art or artifact())


def test_valid_key_has_no_errors():
    spans = [key_span(0, 10, severity="major", corrections=["x"]), key_span(10, 20, "OMI")]
    assert validate_key(spans, {"labels_required": True}) == []


def test_empty_key_spans_are_valid():
    assert validate_key([]) == []


def test_key_end_before_start():
    assert validate_key([key_span(10, 5)]) == [FieldError("key.spans[0].end", "must be greater than start")]


def test_key_end_beyond_text():
    errors = validate_key([key_span(90, 101)])
    assert errors == [FieldError("key.spans[0].end", "must be at most %(max)s", {"max": 100})]


def test_key_negative_start():
    assert paths(validate_key([key_span(-1, 5)])) == ["key.spans[0].start"]


def test_key_overlapping_spans():
    errors = validate_key([key_span(20, 30), key_span(0, 10), key_span(25, 40)])
    assert errors == [FieldError("key.spans[2]", "overlaps key span %(other)s", {"other": 0})]


def test_key_adjacent_spans_do_not_overlap():
    assert validate_key([key_span(0, 10), key_span(10, 20)]) == []


def test_key_unknown_failure_mode():
    assert paths(validate_key([key_span(0, 10, "TYPO")])) == ["key.spans[0].failure_mode"]


def test_key_bad_severity():
    assert paths(validate_key([key_span(0, 10, severity="huge")])) == ["key.spans[0].severity"]


def test_key_blank_correction():
    assert paths(validate_key([key_span(0, 10, corrections=["ok", " "])])) == ["key.spans[0].corrections[1]"]


def test_key_unknown_field():
    assert paths(validate_key([key_span(0, 10, colour="red")])) == ["key.spans[0].colour"]


def test_key_missing_fields():
    assert paths(validate_key([{"start": 0}])) == ["key.spans[0].end", "key.spans[0].failure_mode"]


def test_key_needs_a_text_artifact():
    errors = error_spans.validate_key({}, {"spans": []}, {"kind": "prediction", "content": {}})
    assert paths(errors) == ["artifact"]


def test_key_labels_required_must_be_boolean():
    assert paths(validate_key([], {"labels_required": "yes"})) == ["spec.labels_required"]


@pytest.mark.parametrize("spec, key, art", [
    ("spec", "key", "artifact"),
    (None, None, None),
    ({}, {"spans": "all"}, artifact()),
    ({}, {"spans": [None, 3, "x", {"start": "a", "end": []}]}, artifact()),
    ({}, {"spans": [{"start": 0, "end": 5, "failure_mode": ["HAL"], "corrections": {}}]}, artifact()),
    ({}, {}, {"kind": "text", "content": "no"}),
    ({}, {"spans": [{"start": 10**400, "end": 2.5, "failure_mode": None}]}, artifact()),
])
def test_malformed_key_returns_errors(spec, key, art):
    assert error_spans.validate_key(spec, key, art)


# --- answer validation ------------------------------------------------------------------

def validate_answer(spans, labels_required=False):
    return error_spans.validate_answer({"labels_required": labels_required}, {"spans": spans}, artifact())


def test_valid_answer_has_no_errors():
    assert validate_answer([mark(0, 10, label="HAL", correction="x"), mark(15, 25)]) == []


def test_trainee_spans_that_touch_do_not_overlap():
    assert validate_answer([mark(10, 20), mark(0, 10), mark(20, 30)]) == []


def test_a_duplicated_span_is_refused():
    assert paths(validate_answer([mark(10, 20, label="HAL"), mark(10, 20, label="OMI")])) == ["spans[1]"]


def test_a_span_inside_another_is_refused():
    assert paths(validate_answer([mark(20, 25), mark(10, 40)])) == ["spans[1]"]


def test_each_span_overlapping_a_long_one_is_named():
    errors = validate_answer([mark(0, 50), mark(5, 10), mark(20, 30), mark(60, 70)])
    assert [(e.path, e.params["other"]) for e in errors] == [("spans[1]", 0), ("spans[2]", 0)]


def test_overlap_without_the_text_names_the_span_alone():
    errors = error_spans.validate_answer({}, {"spans": [mark(0, 10), mark(5, 15)]}, None)
    assert errors == [FieldError("spans[1]", error_spans.MSG_OVERLAP_MARK, {"other": 0})]


def test_answer_label_required():
    assert validate_answer([mark(0, 10)], labels_required=True) == [FieldError("spans[0].label", "this field is required")]


def test_answer_label_not_a_code():
    errors = validate_answer([mark(0, 10), mark(10, 20, label="typo")])
    assert errors == [FieldError("spans[1].label", "%(value)s is not a failure-mode code", {"value": "typo"})]


def test_answer_span_outside_text():
    assert paths(validate_answer([mark(95, 120)])) == ["spans[0].end"]


def test_answer_empty_span():
    assert paths(validate_answer([mark(5, 5)])) == ["spans[0].end"]


def test_answer_unknown_field():
    errors = error_spans.validate_answer({}, {"spans": [], "note": "x"}, artifact())
    assert errors == [FieldError("note", "unknown field")]


def test_answer_correction_must_be_text():
    assert paths(validate_answer([mark(0, 10, correction=3)])) == ["spans[0].correction"]


def test_answer_too_many_spans():
    assert paths(validate_answer([mark(0, 1)] * 201)) == ["spans"]


@pytest.mark.parametrize("answer", [
    None, [], "spans", {}, {"spans": None}, {"spans": [[0, 5]]}, {"spans": [{"start": True, "end": 5}]},
])
def test_malformed_answer_returns_errors(answer):
    assert error_spans.validate_answer({"labels_required": True}, answer, artifact())


def test_answer_validation_without_artifact_does_not_raise():
    assert error_spans.validate_answer("x", {"spans": [mark(0, 10)]}, None) == []
