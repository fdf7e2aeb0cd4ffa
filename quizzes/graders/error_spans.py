"""Grading of ``error_spans``: find and label the erroneous passages of an AI text.

Matching tolerates imprecise selections (half coverage either way) because trainees
select with a mouse or a finger, yet forbids one sprawling selection from "finding" every
error: a key span is found by a single trainee span, and a long span that is mostly not an
error is a false alarm. Trainee spans may not overlap one another (``validate_answer``
refuses the answer, naming both spans): each would otherwise count as a hit of its own, so
marking the right passage many times, or once per failure mode, would buy precision.
"""

from __future__ import annotations

from typing import Any

from .base import (
    FieldError,
    GradeResult,
    MSG_CHOICE,
    MSG_INTEGER,
    MSG_MAX,
    MSG_MAX_ITEMS,
    MSG_MIN,
    MSG_NOT_EMPTY,
    MSG_REQUIRED,
    MSG_STRING,
    add,
    artifact_text,
    check_bool,
    check_failure_mode,
    check_list,
    check_object,
    clamp,
    feedback,
    gettext_noop,
    is_int,
    join,
)
from .sentences import split_sentences

VERSION = "error_spans/1"

SEVERITIES = ("major", "minor")
SEVERITY_WEIGHT = {"major": 2, "minor": 1}
LABEL_WEIGHT = 0.2
MAX_ANSWER_SPANS = 200
MAX_CORRECTION_LENGTH = 2000

MSG_TEXT_ARTIFACT = gettext_noop("an error_spans item needs a text artifact")
MSG_END_AFTER_START = gettext_noop("must be greater than start")
MSG_OVERLAP = gettext_noop("overlaps key span %(other)s")
MSG_OVERLAP_MARK = gettext_noop("overlaps span %(other)s; mark each passage once")
MSG_OVERLAP_MARK_QUOTED = gettext_noop("overlaps span %(other)s (“%(excerpt)s”); mark each passage once")
EXCERPT_LENGTH = 60


# --- validation ---------------------------------------------------------------------

def validate_key(spec: Any, key: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    if check_object(errors, spec, "spec", allowed=("labels_required",)):
        check_bool(errors, spec, "labels_required", "spec")
    text = artifact_text(artifact)
    if text is None:
        add(errors, "artifact", MSG_TEXT_ARTIFACT)
    if not check_object(errors, key, "key", allowed=("spans",), required=("spans",)):
        return errors
    if "spans" not in key or not check_list(errors, key["spans"], "key.spans"):
        return errors
    usable: list[tuple[int, int, int]] = []
    for i, span in enumerate(key["spans"]):
        path = join("key.spans", i)
        if not check_object(
            errors, span, path,
            allowed=("start", "end", "failure_mode", "severity", "corrections"),
            required=("start", "end", "failure_mode"),
        ):
            continue
        if "failure_mode" in span:
            check_failure_mode(errors, span["failure_mode"], join(path, "failure_mode"))
        if "severity" in span and span["severity"] not in SEVERITIES:
            add(errors, join(path, "severity"), MSG_CHOICE, choices=", ".join(SEVERITIES))
        if "corrections" in span:
            _check_corrections(errors, span["corrections"], join(path, "corrections"))
        bounds = _check_bounds(errors, span, path, text)
        if bounds:
            usable.append((*bounds, i))
    usable.sort()
    for (_, prev_end, prev_i), (start, _, i) in zip(usable, usable[1:]):
        if start < prev_end:
            add(errors, join("key.spans", i), MSG_OVERLAP, other=prev_i)
    return errors


def validate_answer(spec: Any, answer: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    labels_required = isinstance(spec, dict) and spec.get("labels_required") is True
    text = artifact_text(artifact)
    if not check_object(errors, answer, "", allowed=("spans",), required=("spans",)):
        return errors
    if "spans" not in answer or not check_list(errors, answer["spans"], "spans"):
        return errors
    if len(answer["spans"]) > MAX_ANSWER_SPANS:
        add(errors, "spans", MSG_MAX_ITEMS, max=MAX_ANSWER_SPANS)
        return errors
    usable: list[tuple[int, int, int]] = []
    for i, span in enumerate(answer["spans"]):
        path = join("spans", i)
        if not check_object(
            errors, span, path,
            allowed=("start", "end", "label", "correction"),
            required=("start", "end"),
        ):
            continue
        bounds = _check_bounds(errors, span, path, text)
        if bounds:
            usable.append((*bounds, i))
        label = span.get("label")
        if label is not None:
            check_failure_mode(errors, label, join(path, "label"))
        elif labels_required:
            add(errors, join(path, "label"), MSG_REQUIRED)
        correction = span.get("correction")
        if correction is not None:
            if not isinstance(correction, str):
                add(errors, join(path, "correction"), MSG_STRING)
            elif len(correction) > MAX_CORRECTION_LENGTH:
                add(errors, join(path, "correction"), MSG_MAX, max=MAX_CORRECTION_LENGTH)
    _check_marks_apart(errors, usable, text)
    return errors


def _check_marks_apart(errors: list[FieldError], usable: list[tuple[int, int, int]], text: str | None) -> None:
    """Refuse trainee spans that share a character (a duplicate included): the error is at
    the later span of the answer and names the earlier one. Spans that only touch
    (one ends where the next starts) are apart."""
    reach: tuple[int, int, int] | None = None  # of the spans started so far, the one ending last
    for span in sorted(usable):
        start, end, i = span
        if reach is not None and start < reach[1]:
            first, second = sorted((reach, span), key=lambda s: s[2])
            if text is None:
                add(errors, join("spans", second[2]), MSG_OVERLAP_MARK, other=first[2])
            else:
                add(errors, join("spans", second[2]), MSG_OVERLAP_MARK_QUOTED, other=first[2],
                    excerpt=_excerpt(text[first[0]:first[1]]))
        if reach is None or end > reach[1]:
            reach = span


def _excerpt(passage: str) -> str:
    passage = " ".join(passage.split())
    return passage if len(passage) <= EXCERPT_LENGTH else passage[:EXCERPT_LENGTH - 1] + "…"


def _check_bounds(
    errors: list[FieldError], span: dict, path: str, text: str | None
) -> tuple[int, int] | None:
    """Check ``start``/``end`` and return them when they are usable."""
    start, end = span.get("start"), span.get("end")
    ok = True
    for name, value in (("start", start), ("end", end)):
        if name not in span:
            ok = False
        elif not is_int(value):
            add(errors, join(path, name), MSG_INTEGER)
            ok = False
        elif value < 0:
            add(errors, join(path, name), MSG_MIN, min=0)
            ok = False
    if not ok:
        return None
    if end <= start:
        add(errors, join(path, "end"), MSG_END_AFTER_START)
        return None
    if text is not None and end > len(text):
        add(errors, join(path, "end"), MSG_MAX, max=len(text))
        return None
    return start, end


def _check_corrections(errors: list[FieldError], value: Any, path: str) -> None:
    if not check_list(errors, value, path):
        return
    for i, correction in enumerate(value):
        if not isinstance(correction, str):
            add(errors, join(path, i), MSG_STRING)
        elif not correction.strip():
            add(errors, join(path, i), MSG_NOT_EMPTY)


# --- grading ------------------------------------------------------------------------

def grade(spec: dict, key: dict, answer: dict, artifact: dict | None) -> GradeResult:
    labels_required = spec.get("labels_required") is True
    keys = key["spans"]
    marks = answer["spans"]

    key_detail = [_match_key_span(k, marks) for k in keys]
    trainee_detail = [
        {"start": t["start"], "end": t["end"], "label": t.get("label"), "hit": _is_hit(t, keys)}
        for t in marks
    ]
    hits = sum(t["hit"] for t in trainee_detail)
    found = [k for k in key_detail if k["found"]]

    # With no key spans, precision and recall are undefined: the score is all-or-nothing.
    precision = recall = None
    if keys:
        precision = hits / len(marks) if marks else None
        total_weight = sum(SEVERITY_WEIGHT[k["severity"]] for k in key_detail)
        recall = sum(SEVERITY_WEIGHT[k["severity"]] for k in found) / total_weight

    label_share = None
    if not keys:
        f1 = score = 0.0 if marks else 1.0
    else:
        f1 = _f1(precision or 0.0, recall)
        score = f1
        if labels_required:
            label_share = sum(k["label_right"] is True for k in found) / len(found) if found else 0.0
            score = (1 - LABEL_WEIGHT) * f1 + LABEL_WEIGHT * label_share

    by_failure_mode: dict[str, dict[str, int]] = {}
    for k in key_detail:
        counts = by_failure_mode.setdefault(k["failure_mode"], {"keys": 0, "found": 0})
        counts["keys"] += 1
        counts["found"] += k["found"]

    detail = {
        "key_spans": key_detail,
        "trainee_spans": trainee_detail,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "label_share": label_share,
        "by_failure_mode": by_failure_mode,
        "sentences": _sentence_counts(artifact_text(artifact) or "", keys, marks),
    }
    return GradeResult(
        score=clamp(score),
        feedback=_feedback(key_detail, trainee_detail, labels_required),
        detail=detail,
    )


def _overlap(a: dict, b: dict) -> int:
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


def _match_key_span(k: dict, marks: list[dict]) -> dict:
    """Pair a key span with the trainee span that finds it best.

    Among the spans covering at least half of it, the largest overlap wins, then a right
    label, then an accepted correction, then position: the choice never depends on the
    order in which the trainee made the selections.
    """
    length = k["end"] - k["start"]
    best, best_rank = None, None
    for i, t in enumerate(marks):
        covered = _overlap(k, t)
        if 2 * covered < length:
            continue
        label_right = _label_right(k, t)
        correction_ok = _correction_ok(k, t)
        rank = (-covered, label_right is not True, correction_ok is not True, t["start"], t["end"], i)
        if best_rank is None or rank < best_rank:
            best, best_rank = (i, label_right, correction_ok), rank
    matched, label_right, correction_ok = best if best else (None, None, None)
    return {
        "start": k["start"],
        "end": k["end"],
        "failure_mode": k["failure_mode"],
        "severity": k.get("severity", "minor"),
        "found": best is not None,
        "matched": matched,
        "label_right": label_right,
        "correction_ok": correction_ok,
    }


def _label_right(k: dict, t: dict) -> bool | None:
    label = t.get("label")
    return None if label is None else label == k["failure_mode"]


def _correction_ok(k: dict, t: dict) -> bool | None:
    typed = t.get("correction")
    accepted = k.get("corrections") or []
    if not isinstance(typed, str) or not typed.strip() or not accepted:
        return None
    return _normalise(typed) in {_normalise(c) for c in accepted}


def _normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def _is_hit(t: dict, keys: list[dict]) -> bool:
    # Key spans never overlap, so the characters in their union are the sum of overlaps.
    inside = sum(_overlap(t, k) for k in keys)
    return 2 * inside >= t["end"] - t["start"]


def _f1(precision: float, recall: float) -> float:
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def _sentence_counts(text: str, keys: list[dict], marks: list[dict]) -> dict[str, int]:
    counts = {"signal": 0, "noise": 0, "hits": 0, "false_alarms": 0}
    for start, end in split_sentences(text):
        sentence = {"start": start, "end": end}
        signal = any(_overlap(sentence, k) for k in keys)
        marked = any(_overlap(sentence, t) for t in marks)
        counts["signal" if signal else "noise"] += 1
        if marked:
            counts["hits" if signal else "false_alarms"] += 1
    return counts


def _feedback(keys: list[dict], marks: list[dict], labels_required: bool) -> list[dict]:
    if not keys:
        if not marks:
            return [feedback(gettext_noop("Right: this text contains no error."))]
        return [feedback(
            gettext_noop("This text contains no error; passages you marked: %(marked)s."),
            marked=len(marks),
        )]
    found = [k for k in keys if k["found"]]
    lines = [feedback(
        gettext_noop("Errors found: %(found)s of %(total)s."), found=len(found), total=len(keys)
    )]
    false_alarms = sum(not t["hit"] for t in marks)
    if false_alarms:
        lines.append(feedback(
            gettext_noop("Passages marked that are not errors: %(count)s of %(marked)s."),
            count=false_alarms, marked=len(marks),
        ))
    if labels_required and found:
        lines.append(feedback(
            gettext_noop("Errors found with the right failure mode: %(right)s of %(found)s."),
            right=sum(k["label_right"] is True for k in found), found=len(found),
        ))
    corrections = [k["correction_ok"] for k in found if k["correction_ok"] is not None]
    if corrections:
        lines.append(feedback(
            gettext_noop("Corrections matching an accepted correction: %(ok)s of %(typed)s."),
            ok=sum(corrections), typed=len(corrections),
        ))
    return lines
