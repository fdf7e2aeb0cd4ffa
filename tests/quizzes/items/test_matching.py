"""The matching unit: its answer parser (one select per stem), its editor and its feedback."""
from quizzes.items.base import FeedbackContext, FormContext
from quizzes.graders.matching import matching_spec
from quizzes.items.matching import unit

from .helpers import form

SPEC = {"stems": [{"id": "s1", "text": "Sensitivity"}, {"id": "s2", "text": "Specificity"}],
        "choices": [{"id": "c1", "text": "TN/(TN+FP)"}, {"id": "c2", "text": "TP/(TP+FN)"},
                    {"id": "c3", "text": "TP/(TP+FP)"}]}
KEY = {"pairs": {"s1": "c2", "s2": "c1"}}


def test_an_answer_is_the_choice_of_each_stem():
    parsed = unit.parse_answer(SPEC, form(**{"pair-s1": "c2", "pair-s2": "c3"}))
    assert parsed.payload == {"pairs": {"s1": "c2", "s2": "c3"}}


def test_a_stem_left_unmatched_is_refused_and_the_others_are_shown_again():
    parsed = unit.parse_answer(SPEC, form(**{"pair-s1": "c2", "pair-s2": ""}))
    assert parsed.payload is None and parsed.errors == {"pairs": ["Choose a match for every item (1 left)."]}
    assert parsed.values == {"pair-s1": "c2", "pair-s2": ""}


def test_the_editor_makes_stems_in_order_and_choices_alphabetically_with_distractors():
    spec, key, errors = unit.parse_editor(form(**{
        "stems-0-text": "Sensitivity", "stems-0-choice": "TP/(TP+FN)",
        "stems-1-text": "Specificity", "stems-1-choice": "TN/(TN+FP)",
        "stems-2-text": "", "stems-2-choice": "",
        "distractors": "TP/(TP+FP)\n\n",
    }))
    assert (spec, key, errors) == (SPEC, KEY, {})


def test_the_editor_shares_a_choice_two_stems_give():
    spec, key, _errors = unit.parse_editor(form(**{"stems-0-text": "a", "stems-0-choice": "X",
                                                   "stems-1-text": "b", "stems-1-choice": "X", "distractors": "Y"}))
    assert spec["choices"] == [{"id": "c1", "text": "X"}, {"id": "c2", "text": "Y"}]
    assert key == {"pairs": {"s1": "c1", "s2": "c1"}}


def test_the_editor_refuses_a_stem_without_its_match_at_its_pair():
    _spec, key, errors = unit.parse_editor(form(**{"stems-0-text": "a", "stems-0-choice": "",
                                                   "stems-1-text": "b", "stems-1-choice": "X"}))
    assert errors == {"key.pairs.s1": ["give the right match of stem 1"]} and key == {"pairs": {"s2": "c1"}}


def test_choices_are_ordered_alphabetically_ignoring_case():
    spec, _key = matching_spec([("a", "beta"), ("b", "Alpha")], ["gamma"])
    assert [c["text"] for c in spec["choices"]] == ["Alpha", "beta", "gamma"]


def test_the_form_offers_every_choice_to_every_stem_in_the_authored_order():
    ctx = FormContext(item=None, number=1, mode="answer", spec=SPEC, options=[], values={"pair-s2": "c3"},
                      span_errors={}, response=None, artifacts={})
    view = unit.form_view(ctx)
    assert [c["id"] for c in view["match_choices"]] == ["c1", "c2", "c3"]
    assert [(s["id"], s["value"]) for s in view["match_stems"]] == [("s1", ""), ("s2", "c3")]


def test_the_feedback_when_due_shows_the_right_pairs_beside_the_trainee_s():
    ctx = FeedbackContext(response=None, spec=SPEC, answer={"pairs": {"s1": "c2", "s2": "c3"}}, options={},
                          key=KEY, grade=None, due=True)
    rows = unit.feedback_view(ctx)["key"]["rows"]
    assert [(r["right"], r["given"], r["ok"]) for r in rows] == [("TP/(TP+FN)", "TP/(TP+FN)", True),
                                                                 ("TN/(TN+FP)", "TP/(TP+FP)", False)]


def test_the_feedback_before_it_is_due_has_no_key():
    ctx = FeedbackContext(response=None, spec=SPEC, answer={"pairs": {"s1": "c2"}}, options={}, key=None,
                          grade=None, due=False)
    view = unit.feedback_view(ctx)
    assert "key" not in view and [value for _stem, value in view["own"]] == ["TP/(TP+FN)", "no answer"]


def test_the_editor_keeps_the_ids_of_stems_and_choices_edited_again():
    spec, key, errors = unit.parse_editor(form(**{
        "stems-0-id": "sens", "stems-0-text": "Sensitivity", "stems-0-choice": "TP/(TP+FN)",
        "stems-1-id": "", "stems-1-text": "NPV", "stems-1-choice": "TN/(TN+FN)",
        "choices-0-id": "tp-fn", "choices-0-text": "TP/(TP+FN)", "choices-1-id": "c1", "choices-1-text": "gone",
        "distractors": "TP/(TP+FP)",
    }))
    assert [s["id"] for s in spec["stems"]] == ["sens", "s1"]
    assert spec["choices"] == [{"id": "c2", "text": "TN/(TN+FN)"}, {"id": "tp-fn", "text": "TP/(TP+FN)"},
                               {"id": "c3", "text": "TP/(TP+FP)"}]
    assert key == {"pairs": {"sens": "tp-fn", "s1": "c2"}} and errors == {}
