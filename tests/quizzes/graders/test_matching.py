"""matching grades as Moodle's matching questions: right pairs / stems; distractors allowed."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.graders import matching as grader

SPEC = {
    "stems": [{"id": "s1", "text": "Sensitivity"}, {"id": "s2", "text": "Specificity"}, {"id": "s3", "text": "PPV"}],
    "choices": [{"id": "c1", "text": "TN/(TN+FP)"}, {"id": "c2", "text": "TP/(TP+FN)"},
                {"id": "c3", "text": "TP/(TP+FP)"}, {"id": "c4", "text": "FP/(FP+TN)"}],
}
KEY = {"pairs": {"s1": "c2", "s2": "c1", "s3": "c3"}}


def score(pairs):
    return grader.grade(SPEC, KEY, {"pairs": pairs}, None).score


def test_all_pairs_right_scores_1():
    assert score({"s1": "c2", "s2": "c1", "s3": "c3"}) == 1


def test_each_right_pair_is_worth_one_share_of_the_stems():
    assert score({"s1": "c2", "s2": "c4", "s3": "c1"}) == pytest.approx(1 / 3)


def test_a_stem_left_out_counts_as_wrong():
    assert score({"s1": "c2", "s2": "c1"}) == pytest.approx(2 / 3)


def test_the_distractor_is_never_right():
    assert score({"s1": "c4", "s2": "c4", "s3": "c4"}) == 0


def test_stems_may_share_a_choice():
    key = {"pairs": {"s1": "c1", "s2": "c1", "s3": "c3"}}
    assert grader.validate_key(SPEC, key, None) == []


@given(st.dictionaries(st.sampled_from(["s1", "s2", "s3"]), st.sampled_from(["c1", "c2", "c3", "c4"])))
def test_the_score_is_the_share_of_right_pairs(pairs):
    right = sum(KEY["pairs"][s] == c for s, c in pairs.items())
    assert score(pairs) == pytest.approx(right / 3)


@given(st.dictionaries(st.sampled_from(["s1", "s2", "s3"]), st.sampled_from(["c1", "c2", "c3", "c4"])),
       st.sampled_from(["s1", "s2", "s3"]))
def test_righting_one_pair_never_lowers_the_score(pairs, stem):
    assert score({**pairs, stem: KEY["pairs"][stem]}) >= score(pairs)


@pytest.mark.parametrize(("spec", "key", "path"), [
    (SPEC, {"pairs": {"s1": "c2", "s2": "c1"}}, "key.pairs.s3"),
    (SPEC, {"pairs": {**KEY["pairs"], "s9": "c1"}}, "key.pairs.s9"),
    (SPEC, {"pairs": {**KEY["pairs"], "s1": "c9"}}, "key.pairs.s1"),
    (SPEC, {"pairs": []}, "key.pairs"),
    ({**SPEC, "stems": SPEC["stems"][:1]}, {"pairs": {"s1": "c2"}}, "spec.stems"),
    ({**SPEC, "choices": [SPEC["choices"][0], SPEC["choices"][0]]}, KEY, "spec.choices[1].id"),
    ({"stems": SPEC["stems"]}, KEY, "spec.choices"),
])
def test_an_unusable_key_is_refused_at_its_path(spec, key, path):
    assert path in [e.path for e in grader.validate_key(spec, key, None)]


@pytest.mark.parametrize(("answer", "path"), [
    ({"pairs": {"s9": "c1"}}, "pairs.s9"), ({"pairs": {"s1": "c9"}}, "pairs.s1"), ({"pairs": {"s1": 2}}, "pairs.s1"),
    ({"pairs": "c1"}, "pairs"), ({}, "pairs"),
])
def test_an_unusable_answer_is_refused(answer, path):
    assert path in [e.path for e in grader.validate_answer(SPEC, answer, None)]
