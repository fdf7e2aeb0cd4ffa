"""Properties every grader must keep, over generated valid items and answers.

For each type a strategy builds a valid (spec, key, artifact), a valid answer, the answer
that repeats the key, and the empty answer; the tests are shared across types.
"""

import json
import math
from typing import Any, Callable, NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.graders import FieldError, GradeResult, ITEM_TYPES, error_spans, grader_for
from quizzes.graders.base import FAILURE_MODES

relaxed = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)

IDS = list("abcdefg")


def text_artifact(text, correct):
    return {"kind": "text", "content": {"text": text}, "ground_truth": {"correct": correct, "failure_modes": []}}


def options_for(ids):
    return [{"id": i, "text": f"Option {i}"} for i in ids]


# --- error_spans ------------------------------------------------------------------------

@st.composite
def error_spans_items(draw):
    text = draw(st.text(alphabet="ab .\n", min_size=1, max_size=60))
    points = sorted(draw(st.sets(st.integers(0, len(text)), max_size=10)))
    spans = [
        {
            "start": start,
            "end": end,
            "failure_mode": draw(st.sampled_from(FAILURE_MODES)),
            "severity": draw(st.sampled_from(["major", "minor"])),
            "corrections": draw(st.lists(st.sampled_from(["x y", "Z"]), max_size=2)),
        }
        for start, end in zip(points[::2], points[1::2])
    ]
    spec = {"labels_required": draw(st.booleans())}
    return spec, {"spans": spans}, text_artifact(text, not spans)


@st.composite
def error_spans_answers(draw, item, min_spans=0):
    """Spans that do not overlap (some may touch), in any order: the answers the grader accepts."""
    spec, _, artifact = item
    length = len(artifact["content"]["text"])
    points = sorted(draw(st.sets(st.integers(0, length), min_size=min_spans + 1, max_size=13)))
    pieces = list(zip(points, points[1:]))
    marked = [piece for piece in pieces if draw(st.booleans())][:6]
    if len(marked) < min_spans:
        marked = pieces[:min_spans]
    spans = []
    for start, end in draw(st.permutations(marked)):
        span = {"start": start, "end": end}
        if spec["labels_required"] or draw(st.booleans()):
            span["label"] = draw(st.sampled_from(FAILURE_MODES))
        if draw(st.booleans()):
            span["correction"] = draw(st.sampled_from(["x  Y", "nope"]))
        spans.append(span)
    return {"spans": spans}


def error_spans_key_answer(item):
    return {"spans": [
        {"start": s["start"], "end": s["end"], "label": s["failure_mode"], "correction": (s["corrections"] or [""])[0]}
        for s in item[1]["spans"]
    ]}


def error_spans_shuffled(draw, item, answer):
    spec, key, artifact = item
    shuffled_key = {"spans": draw(st.permutations(key["spans"]))}
    return (spec, shuffled_key, artifact), {"spans": draw(st.permutations(answer["spans"]))}


# --- reliance_decision --------------------------------------------------------------------

@st.composite
def reliance_items(draw):
    ids = draw(st.lists(st.sampled_from(IDS), min_size=2, max_size=5, unique=True))
    ai_answer, answer = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
    spec = {
        "question": "What now?",
        "options": options_for(ids),
        "ai_answer": ai_answer,
        "decide_first": draw(st.booleans()),
        "ask_confidence": draw(st.booleans()),
    }
    artifact = {"kind": "prediction", "content": {}, "ground_truth": {"correct": ai_answer == answer}}
    return spec, {"answer": answer}, artifact


@st.composite
def reliance_answers(draw, item):
    spec = item[0]
    ids = [o["id"] for o in spec["options"]]
    others = [i for i in ids if i != spec["ai_answer"]]
    if draw(st.booleans()):
        answer = {"decision": "override", "answer": draw(st.sampled_from(others))}
    else:
        answer = {"decision": "accept"}
    if spec["ask_confidence"]:
        answer["confidence"] = draw(st.integers(0, 100))
    return answer


def with_initial(answer, item, initial):
    return {**answer, "initial_answer": initial} if item[0]["decide_first"] else answer


def reliance_key_answer(item):
    spec, key, _ = item
    if spec["ai_answer"] == key["answer"]:
        answer = {"decision": "accept"}
    else:
        answer = {"decision": "override", "answer": key["answer"]}
    if spec["ask_confidence"]:
        answer["confidence"] = 100
    return answer


def reliance_empty_answer(item):
    """The least a trainee can send: accept without thinking."""
    answer = {"decision": "accept"}
    if item[0]["ask_confidence"]:
        answer["confidence"] = 0
    return answer


def options_shuffled(draw, item, answer):
    spec, key, artifact = item
    return ({**spec, "options": draw(st.permutations(spec["options"]))}, key, artifact), answer


# --- single_choice --------------------------------------------------------------------------

@st.composite
def single_choice_items(draw):
    ids = draw(st.lists(st.sampled_from(IDS), min_size=2, max_size=6, unique=True))
    spec = {"options": options_for(ids), "certainty": draw(st.booleans())}
    right = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids) - 1, unique=True))
    key = {"answer": right[0]}
    if right[1:]:
        key["also_right"] = right[1:]  # several answers graded 100% in Moodle: any of them is right
    if draw(st.booleans()):
        key["feedback"] = {i: f"About {i}" for i in draw(st.lists(st.sampled_from(ids), unique=True))}
    return spec, key, None


@st.composite
def single_choice_answers(draw, item):
    spec = item[0]
    answer = {"answer": draw(st.sampled_from([o["id"] for o in spec["options"]]))}
    if spec["certainty"]:
        answer["certainty"] = draw(st.integers(1, 3))
    return answer


def single_choice_key_answer(item):
    spec, key, _ = item
    return {"answer": key["answer"], **({"certainty": 3} if spec["certainty"] else {})}


def single_choice_empty_answer(item):
    spec, key, _ = item
    right = {key["answer"], *key.get("also_right", [])}
    wrong = next(o["id"] for o in spec["options"] if o["id"] not in right)
    return {"answer": wrong, **({"certainty": 1} if spec["certainty"] else {})}


# --- multiple_choice ----------------------------------------------------------------------

@st.composite
def multiple_choice_items(draw):
    ids = draw(st.lists(st.sampled_from(IDS), min_size=2, max_size=7, unique=True))
    correct = draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
    key = {"correct": correct}
    if draw(st.booleans()):
        raw = [draw(st.floats(0.01, 1)) for _ in correct]
        scale = draw(st.floats(1, 2)) / math.fsum(raw)
        weights = {o: w * scale for o, w in zip(correct, raw)}
        for o in ids:
            if o not in correct and draw(st.booleans()):
                weights[o] = draw(st.floats(-2, 0))
        key["weights"] = weights
    return {"options": options_for(ids)}, key, None


@st.composite
def multiple_choice_answers(draw, item):
    ids = [o["id"] for o in item[0]["options"]]
    return {"answers": draw(st.lists(st.sampled_from(ids), unique=True))}


def multiple_choice_shuffled(draw, item, answer):
    (spec, key, artifact), answer = options_shuffled(draw, item, answer)
    return (spec, key, artifact), {"answers": draw(st.permutations(answer["answers"]))}


# --- numeric ----------------------------------------------------------------------------

finite = st.floats(-1e6, 1e6, allow_nan=False)


@st.composite
def numeric_items(draw):
    key = {"value": draw(finite | st.integers(-1000, 1000))}
    for name in ("tolerance_abs", "tolerance_rel"):
        if draw(st.booleans()):
            key[name] = draw(st.floats(0, 10))
    others = []
    for _ in range(draw(st.integers(0, 3))):  # Moodle's other answers: partial credit, wrong ones with feedback
        other = {"value": key["value"] + draw(st.integers(-100, 100)), "tolerance_abs": draw(st.floats(0, 10)),
                 "fraction": draw(st.floats(0, 1))}
        others.append(other)
    if draw(st.booleans()):
        others.append({"fraction": 0, "feedback": "Any other number."})  # Moodle's *
    if others:
        key["answers"] = others
    return {"unit": "%"}, key, None


@st.composite
def numeric_answers(draw, item):
    return {"value": draw(finite)}


# --- script_concordance -----------------------------------------------------------------

@st.composite
def script_concordance_items(draw):
    votes = draw(st.lists(st.integers(0, 20), min_size=5, max_size=5).filter(any))
    panel = {str(v): n for v, n in zip((-2, -1, 0, 1, 2), votes)}
    spec = {"hypothesis": "Pneumonia", "new_information": "An opacity"}
    return spec, {"panel": panel}, {"kind": "image", "content": {}, "ground_truth": {"correct": True}}


@st.composite
def script_concordance_answers(draw, item):
    return {"value": draw(st.integers(-2, 2))}


def script_concordance_key_answer(item):
    panel = item[1]["panel"]
    return {"value": int(max(panel, key=panel.get))}


def script_concordance_empty_answer(item):
    panel = item[1]["panel"]
    return {"value": int(min(panel, key=panel.get))}


def panel_shuffled(draw, item, answer):
    spec, key, artifact = item
    return (spec, {"panel": dict(draw(st.permutations(list(key["panel"].items()))))}, artifact), answer


# --- free_text --------------------------------------------------------------------------

words = st.text(alphabet="abcdefgh", min_size=1, max_size=8)
alternatives = st.lists(words, min_size=1, max_size=3).map(" ".join)


@st.composite
def free_text_items(draw):
    count = draw(st.integers(1, 4))
    criteria = [
        {
            "id": f"c{i}",
            "text": "A criterion",
            "points": draw(st.integers(1, 5) | st.floats(0.5, 5)),
            "look_for": draw(st.lists(st.lists(alternatives, min_size=1, max_size=3), min_size=1, max_size=3)),
        }
        for i in range(count)
    ]
    spec = {"auto": draw(st.booleans()), "max_words": 500}
    return spec, {"criteria": criteria}, None


@st.composite
def free_text_answers(draw, item):
    return {"text": draw(st.lists(words, min_size=1, max_size=30).map(" ".join))}


def free_text_key_answer(item):
    """A sentence for each group, naming its first alternative (not a bare list of keywords)."""
    firsts = [group[0] for c in item[1]["criteria"] for group in c["look_for"]]
    return {"text": " ".join(f"The answer is about {alternative} here." for alternative in firsts)}


def criteria_shuffled(draw, item, answer):
    spec, key, artifact = item
    return (spec, {"criteria": draw(st.permutations(key["criteria"]))}, artifact), answer


# --- short_answer -------------------------------------------------------------------------

literal = st.text(alphabet="abcdefgh é", min_size=1, max_size=10).filter(lambda t: t.strip())


@st.composite
def short_answer_items(draw):
    texts = draw(st.lists(literal, min_size=1, max_size=5, unique_by=lambda t: t.strip().casefold()))
    answers = [{"text": t, "fraction": draw(st.sampled_from([0, 0.25, 0.5, 1]))} for t in texts]
    answers[draw(st.integers(0, len(answers) - 1))]["fraction"] = 1
    key = {"answers": answers, "case_sensitive": draw(st.booleans())}
    return {}, key, None


@st.composite
def short_answer_answers(draw, item):
    return {"text": draw(st.text(max_size=30))}


def short_answer_key_answer(item):
    return {"text": next(a["text"] for a in item[1]["answers"] if a["fraction"] == 1)}


# --- matching -------------------------------------------------------------------------------

@st.composite
def matching_items(draw):
    stems = [f"s{i}" for i in range(draw(st.integers(2, 6)))]
    choices = [f"c{i}" for i in range(draw(st.integers(2, 7)))]
    spec = {"stems": [{"id": s, "text": f"Stem {s}"} for s in stems],
            "choices": [{"id": c, "text": f"Choice {c}"} for c in choices]}
    return spec, {"pairs": {s: draw(st.sampled_from(choices)) for s in stems}}, None


@st.composite
def matching_answers(draw, item):
    spec = item[0]
    choices = [c["id"] for c in spec["choices"]]
    stems = draw(st.lists(st.sampled_from([s["id"] for s in spec["stems"]]), unique=True))
    return {"pairs": {s: draw(st.sampled_from(choices)) for s in stems}}


def matching_shuffled(draw, item, answer):
    spec, key, artifact = item
    spec = {"stems": draw(st.permutations(spec["stems"])), "choices": draw(st.permutations(spec["choices"]))}
    return (spec, key, artifact), {"pairs": dict(draw(st.permutations(list(answer["pairs"].items()))))}


# --- the table ------------------------------------------------------------------------------

def no_shuffle(draw, item, answer):
    return item, answer


class Case(NamedTuple):
    items: Any  # strategy of (spec, key, artifact)
    answers: Callable  # item -> strategy of valid answers
    key_answer: Callable  # item -> the answer that repeats the key
    empty_answer: Callable  # item -> the least a trainee can send
    shuffle: Callable  # (draw, item, answer) -> the same, in another order


CASES = {
    "error_spans": Case(
        error_spans_items(), error_spans_answers, error_spans_key_answer,
        lambda item: {"spans": []}, error_spans_shuffled,
    ),
    "reliance_decision": Case(
        reliance_items(), reliance_answers, reliance_key_answer, reliance_empty_answer, options_shuffled,
    ),
    "single_choice": Case(
        single_choice_items(), single_choice_answers, single_choice_key_answer,
        single_choice_empty_answer, options_shuffled,
    ),
    "multiple_choice": Case(
        multiple_choice_items(), multiple_choice_answers, lambda item: {"answers": item[1]["correct"]},
        lambda item: {"answers": []}, multiple_choice_shuffled,
    ),
    "numeric": Case(
        numeric_items(), numeric_answers, lambda item: {"value": item[1]["value"]},
        lambda item: {"value": item[1]["value"] + 1e7}, no_shuffle,
    ),
    "script_concordance": Case(
        script_concordance_items(), script_concordance_answers, script_concordance_key_answer,
        script_concordance_empty_answer, panel_shuffled,
    ),
    "free_text": Case(
        free_text_items(), free_text_answers, free_text_key_answer, lambda item: {"text": ""}, criteria_shuffled,
    ),
    "short_answer": Case(
        short_answer_items(), short_answer_answers, short_answer_key_answer, lambda item: {"text": ""}, no_shuffle,
    ),
    "matching": Case(
        matching_items(), matching_answers, lambda item: {"pairs": dict(item[1]["pairs"])},
        lambda item: {"pairs": {}}, matching_shuffled,
    ),
}


def test_every_item_type_has_properties():
    assert set(CASES) == set(ITEM_TYPES)


def grade(item_type, item, answer):
    spec, key, artifact = item
    result = grader_for(item_type).grade(spec, key, answer, artifact)
    assert isinstance(result, GradeResult)
    return result


types = pytest.mark.parametrize("item_type", ITEM_TYPES)


@types
@relaxed
@given(data=st.data())
def test_generated_keys_are_valid(item_type, data):
    spec, key, artifact = data.draw(CASES[item_type].items)
    assert grader_for(item_type).validate_key(spec, key, artifact) == []


@types
@relaxed
@given(data=st.data())
def test_score_is_between_0_and_1_and_detail_is_json(item_type, data):
    case = CASES[item_type]
    item = data.draw(case.items)
    answer = data.draw(case.answers(item))
    assert grader_for(item_type).validate_answer(item[0], answer, item[2]) == []
    if item_type == "reliance_decision":
        answer = with_initial(answer, item, data.draw(st.sampled_from([o["id"] for o in item[0]["options"]])))
    result = grade(item_type, item, answer)
    assert 0.0 <= result.score <= 1.0
    json.dumps(result.detail, allow_nan=False)
    json.dumps(result.feedback, allow_nan=False)


@types
@relaxed
@given(data=st.data())
def test_answering_the_key_scores_1(item_type, data):
    case = CASES[item_type]
    item = data.draw(case.items)
    answer = case.key_answer(item)
    assert grader_for(item_type).validate_answer(item[0], answer, item[2]) == []
    assert grade(item_type, item, answer).score == 1.0


@types
@relaxed
@given(data=st.data())
def test_order_of_spans_and_options_does_not_change_the_score(item_type, data):
    case = CASES[item_type]
    item = data.draw(case.items)
    answer = data.draw(case.answers(item))
    shuffled_item, shuffled_answer = case.shuffle(data.draw, item, answer)
    assert grade(item_type, shuffled_item, shuffled_answer).score == grade(item_type, item, answer).score


@types
@relaxed
@given(data=st.data())
def test_an_empty_answer_never_beats_the_key(item_type, data):
    case = CASES[item_type]
    item = data.draw(case.items)
    assert grade(item_type, item, case.empty_answer(item)).score <= grade(item_type, item, case.key_answer(item)).score


# --- error_spans: a passage counts once ------------------------------------------------------

def is_overlap(error):
    return error.message in (error_spans.MSG_OVERLAP_MARK, error_spans.MSG_OVERLAP_MARK_QUOTED)


@relaxed
@given(data=st.data())
def test_no_answer_with_overlapping_spans_is_accepted(data):
    item = data.draw(error_spans_items())
    answer = data.draw(error_spans_answers(item, min_spans=1))
    length = len(item[2]["content"]["text"])
    marked = data.draw(st.sampled_from(answer["spans"]))
    start = data.draw(st.integers(marked["start"], marked["end"] - 1))  # shares this character with it
    extra = {"start": start, "end": data.draw(st.integers(start + 1, length)), "label": "HAL"}
    spans = list(answer["spans"])
    spans.insert(data.draw(st.integers(0, len(spans))), extra)
    errors = error_spans.validate_answer(item[0], {"spans": spans}, item[2])
    assert any(is_overlap(e) for e in errors)


@relaxed
@given(data=st.data())
def test_duplicating_a_span_cannot_raise_the_score_since_it_is_refused(data):
    item = data.draw(error_spans_items())
    answer = data.draw(error_spans_answers(item, min_spans=1))
    assert error_spans.validate_answer(item[0], answer, item[2]) == []
    spans = list(answer["spans"])
    copy = dict(data.draw(st.sampled_from(spans)))
    for _ in range(data.draw(st.integers(1, 5))):
        spans.insert(data.draw(st.integers(0, len(spans))), copy)
    errors = error_spans.validate_answer(item[0], {"spans": spans}, item[2])
    assert errors and all(is_overlap(e) for e in errors)


# --- malformed input never raises ---------------------------------------------------------

FIELD_NAMES = [
    "spans", "start", "end", "label", "correction", "failure_mode", "severity", "corrections", "labels_required",
    "options", "id", "text", "question", "ai_answer", "decide_first", "ask_confidence", "answer", "decision",
    "confidence", "certainty", "correct", "weights", "answers", "value", "unit", "tolerance_abs", "tolerance_rel",
    "hypothesis", "new_information", "panel", "-2", "0", "2", "criteria", "points", "look_for", "max_words",
    "auto", "kind", "content", "ground_truth", "a", "HAL",
]
scalars = (
    st.none() | st.booleans() | st.integers() | st.floats()
    | st.sampled_from(["", " ", "a", "b", "HAL", "accept", "override", "text", "-1", "major"])
    | st.text(max_size=4)
)
json_like = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=3), children, max_size=5)
    | st.dictionaries(st.integers(-3, 3), children, max_size=5),
    max_leaves=25,
)


def assert_errors(errors):
    assert isinstance(errors, list)
    assert all(isinstance(e, FieldError) and isinstance(e.path, str) for e in errors)


@types
@relaxed
@given(spec=json_like, key=json_like, artifact=json_like)
def test_validate_key_never_raises(item_type, spec, key, artifact):
    assert_errors(grader_for(item_type).validate_key(spec, key, artifact))


@types
@relaxed
@given(spec=json_like, answer=json_like, artifact=json_like)
def test_validate_answer_never_raises_on_malformed_items(item_type, spec, answer, artifact):
    assert_errors(grader_for(item_type).validate_answer(spec, answer, artifact))


@types
@relaxed
@given(data=st.data(), answer=json_like)
def test_an_answer_that_validates_can_be_graded(item_type, data, answer):
    item = data.draw(CASES[item_type].items)
    errors = grader_for(item_type).validate_answer(item[0], answer, item[2])
    assert_errors(errors)
    if not errors:
        assert 0.0 <= grade(item_type, item, answer).score <= 1.0


@relaxed
@given(spec=json_like, answer=json_like)
def test_validate_initial_answer_never_raises(spec, answer):
    assert_errors(grader_for("reliance_decision").validate_initial_answer(spec, answer))
