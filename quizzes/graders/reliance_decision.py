"""Grading of ``reliance_decision``: accept or override an AI output.

The score only asks whether the final answer is right; the detail records what the
reliance measures need (was the AI right, did the trainee accept it, what did they answer
unaided first, how confident were they), so automation bias, aversion, switches and
calibration can be computed over many responses without re-reading the items.
"""

from __future__ import annotations

from typing import Any

from .base import (
    FieldError,
    GradeResult,
    MSG_CHOICE,
    MSG_INTEGER,
    MSG_MAX,
    MSG_MIN,
    MSG_NEEDS_ARTIFACT,
    add,
    artifact_correct,
    check_bool,
    check_object,
    check_option_ref,
    check_options,
    check_text,
    feedback,
    gettext_noop,
    is_int,
    option_ids,
)

VERSION = "reliance_decision/1"

DECISIONS = ("accept", "override")

MSG_NO_GROUND_TRUTH = gettext_noop("the artifact must say whether the AI output is correct")
MSG_AI_RIGHT_BUT_MARKED_WRONG = gettext_noop(
    "the AI's answer is the key, but the artifact's ground truth says the AI output is incorrect"
)
MSG_AI_WRONG_BUT_MARKED_RIGHT = gettext_noop(
    "the AI's answer is not the key, but the artifact's ground truth says the AI output is correct"
)
MSG_NOT_DECIDE_FIRST = gettext_noop("this item does not ask for an answer before the AI output")
MSG_OVERRIDE_NEEDS_ANSWER = gettext_noop("give your own answer when overriding the AI")
MSG_OVERRIDE_SAME = gettext_noop("must differ from the AI's answer when overriding")
MSG_ACCEPT_DIFFERENT = gettext_noop("must be the AI's answer when accepting it")
MSG_CONFIDENCE_REQUIRED = gettext_noop("state your confidence (0 to 100)")

SPEC_FIELDS = ("question", "options", "ai_answer", "decide_first", "ask_confidence")


def validate_key(spec: Any, key: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    ids: list[str] = []
    ai_answer = None
    if check_object(errors, spec, "spec", allowed=SPEC_FIELDS, required=("question", "options", "ai_answer")):
        check_text(errors, spec, "question", "spec")
        ids = check_options(errors, spec, "spec")
        if "ai_answer" in spec and check_option_ref(errors, spec["ai_answer"], "spec.ai_answer", ids):
            ai_answer = spec["ai_answer"]
        check_bool(errors, spec, "decide_first", "spec")
        check_bool(errors, spec, "ask_confidence", "spec")
    answer = None
    if check_object(errors, key, "key", allowed=("answer",), required=("answer",)):
        if "answer" in key and check_option_ref(errors, key["answer"], "key.answer", ids):
            answer = key["answer"]
    if artifact is None:
        add(errors, "artifact", MSG_NEEDS_ARTIFACT)
        return errors
    correct = artifact_correct(artifact)
    if correct is None:
        add(errors, "artifact", MSG_NO_GROUND_TRUTH)
    elif ai_answer is not None and answer is not None and (ai_answer == answer) != correct:
        add(errors, "key.answer", MSG_AI_WRONG_BUT_MARKED_RIGHT if correct else MSG_AI_RIGHT_BUT_MARKED_WRONG)
    return errors


def validate_initial_answer(spec: Any, answer: Any) -> list[FieldError]:
    """The unaided answer given before the AI output is revealed (decide-first items)."""
    errors: list[FieldError] = []
    if not isinstance(spec, dict) or spec.get("decide_first") is not True:
        add(errors, "", MSG_NOT_DECIDE_FIRST)
        return errors
    if check_object(errors, answer, "", allowed=("answer",), required=("answer",)) and "answer" in answer:
        check_option_ref(errors, answer["answer"], "answer", option_ids(spec))
    return errors


def validate_answer(spec: Any, answer: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    spec = spec if isinstance(spec, dict) else {}
    if not check_object(errors, answer, "", allowed=("decision", "answer", "confidence"), required=("decision",)):
        return errors
    decision = answer.get("decision")
    if "decision" in answer and decision not in DECISIONS:
        add(errors, "decision", MSG_CHOICE, choices=", ".join(DECISIONS))
    ai_answer = spec.get("ai_answer")
    own = answer.get("answer")
    if decision == "override":
        if own is None:
            add(errors, "answer", MSG_OVERRIDE_NEEDS_ANSWER)
        elif check_option_ref(errors, own, "answer", option_ids(spec)) and own == ai_answer:
            add(errors, "answer", MSG_OVERRIDE_SAME)
    elif decision == "accept" and own is not None and own != ai_answer:
        add(errors, "answer", MSG_ACCEPT_DIFFERENT)
    _check_confidence(errors, answer, required=spec.get("ask_confidence") is True)
    return errors


def _check_confidence(errors: list[FieldError], answer: dict, *, required: bool) -> None:
    confidence = answer.get("confidence")
    if confidence is None:
        if required:
            add(errors, "confidence", MSG_CONFIDENCE_REQUIRED)
    elif not is_int(confidence):
        add(errors, "confidence", MSG_INTEGER)
    elif confidence < 0:
        add(errors, "confidence", MSG_MIN, min=0)
    elif confidence > 100:
        add(errors, "confidence", MSG_MAX, max=100)



def grade(spec: dict, key: dict, answer: dict, artifact: dict | None) -> GradeResult:
    """``answer`` is the final answer, plus ``initial_answer`` (the unaided option id) if any."""
    right = key["answer"]
    ai_answer = spec["ai_answer"]
    decision = answer["decision"]
    final = ai_answer if decision == "accept" else answer["answer"]
    initial = answer.get("initial_answer")
    ai_correct = ai_answer == right
    final_correct = final == right
    initial_correct = None if initial is None else initial == right
    detail = {
        "ai_answer": ai_answer,
        "ai_correct": ai_correct,
        "decision": decision,
        "final_answer": final,
        "final_correct": final_correct,
        "initial_answer": initial,
        "initial_correct": initial_correct,
        "confidence": answer.get("confidence"),
    }
    return GradeResult(
        score=1.0 if final_correct else 0.0,
        feedback=_feedback(decision, ai_correct, final_correct, initial_correct, initial != final),
        detail=detail,
    )


def _feedback(
    decision: str, ai_correct: bool, final_correct: bool, initial_correct: bool | None, switched: bool
) -> list[dict]:
    if decision == "accept":
        line = (
            gettext_noop("You accepted the AI output, and it was right.")
            if ai_correct
            else gettext_noop("You accepted the AI output, but it was wrong.")
        )
    elif ai_correct:
        line = gettext_noop("You overrode the AI output, but it was right.")
    elif final_correct:
        line = gettext_noop("You overrode the AI output, which was wrong, and your answer is right.")
    else:
        line = gettext_noop("You overrode the AI output, which was wrong, but your answer is wrong too.")
    lines = [feedback(line)]
    if initial_correct is True and switched and not final_correct:
        lines.append(feedback(gettext_noop("Your first, unaided answer was right: the AI output changed your mind.")))
    elif initial_correct is False and switched and final_correct:
        lines.append(feedback(gettext_noop("Your first, unaided answer was wrong: the AI output helped you.")))
    return lines
