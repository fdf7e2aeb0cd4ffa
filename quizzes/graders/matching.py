"""Grading of ``matching``: each stem paired with one choice, as Moodle's matching questions.

``spec.stems`` are the prompts to match and ``spec.choices`` what they are matched with;
choices no stem is paired with are distractors, and several stems may share a choice
(Moodle keeps one choice per distinct answer text). The key pairs every stem with its
right choice. The score is Moodle's (qtype_match ``grade_response``): the right pairs
divided by the number of stems; a stem left unanswered counts as wrong. Moodle's penalty
applies only to several tries at one question, which Vigil does not have.
"""

from __future__ import annotations

from typing import Any

from .base import (
    FieldError,
    GradeResult,
    MSG_DUPLICATE,
    MSG_OBJECT,
    MSG_REQUIRED,
    MSG_UNKNOWN,
    add,
    check_list,
    check_object,
    check_text,
    feedback,
    gettext_noop,
    join,
)

VERSION = "matching/1"

MSG_NOT_STEM = gettext_noop("%(value)s is not a stem of this item")
MSG_NOT_CHOICE = gettext_noop("%(value)s is not a choice of this item")


def _entries(errors: list[FieldError], spec: dict, name: str, minimum: int) -> list[str]:
    """Validate ``spec[name]`` (a list of {id, text}) and return its usable ids, in order."""
    path = join("spec", name)
    if name not in spec or not check_list(errors, spec[name], path, minimum=minimum):
        return []
    ids: list[str] = []
    for i, entry in enumerate(spec[name]):
        entry_path = join(path, i)
        if not check_object(errors, entry, entry_path, allowed=("id", "text"), required=("id", "text")):
            continue
        check_text(errors, entry, "text", entry_path)
        if not check_text(errors, entry, "id", entry_path):
            continue
        if entry["id"] in ids:
            add(errors, join(entry_path, "id"), MSG_DUPLICATE, value=entry["id"])
            continue
        ids.append(entry["id"])
    return ids


def ids_of(spec: Any, name: str) -> list[str]:
    """The stem or choice ids of an already validated spec, tolerating a malformed one."""
    entries = spec.get(name) if isinstance(spec, dict) else None
    if not isinstance(entries, list):
        return []
    return [e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)]


def _check_pairs(errors: list[FieldError], pairs: Any, path: str, stems: list[str], choices: list[str],
                 *, complete: bool) -> None:
    if not isinstance(pairs, dict):
        add(errors, path, MSG_OBJECT)
        return
    for stem, choice in pairs.items():
        where = join(path, str(stem))
        if stems and stem not in stems:
            add(errors, where, MSG_NOT_STEM, value=str(stem))
        elif not isinstance(choice, str):
            add(errors, where, MSG_NOT_CHOICE, value=repr(choice))
        elif choices and choice not in choices:
            add(errors, where, MSG_NOT_CHOICE, value=choice)
    if complete:
        for stem in stems:
            if stem not in pairs:
                add(errors, join(path, stem), MSG_REQUIRED)


def validate_key(spec: Any, key: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    stems: list[str] = []
    choices: list[str] = []
    if check_object(errors, spec, "spec", allowed=("stems", "choices"), required=("stems", "choices")):
        stems = _entries(errors, spec, "stems", 2)
        choices = _entries(errors, spec, "choices", 2)
    if check_object(errors, key, "key", allowed=("pairs",), required=("pairs",)) and "pairs" in key:
        _check_pairs(errors, key["pairs"], "key.pairs", stems, choices, complete=True)
    return errors


def validate_answer(spec: Any, answer: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    if check_object(errors, answer, "", allowed=("pairs",), required=("pairs",)) and "pairs" in answer:
        stems, choices = ids_of(spec, "stems"), ids_of(spec, "choices")
        pairs = answer["pairs"]
        if isinstance(pairs, dict):
            unknown = [s for s in pairs if s not in stems]
            for stem in unknown:
                add(errors, join("pairs", str(stem)), MSG_UNKNOWN if not stems else MSG_NOT_STEM, value=str(stem))
            _check_pairs(errors, {s: c for s, c in pairs.items() if s in stems}, "pairs", stems, choices,
                         complete=False)
        else:
            add(errors, "pairs", MSG_OBJECT)
    return errors


def choices_in_order(texts: list[str]) -> list[str]:
    """Distinct choice texts, alphabetically (case ignored): the order the studio's editor
    and the question importer give them, so that it never gives a pair away."""
    return sorted(dict.fromkeys(t for t in texts if t), key=lambda t: (t.casefold(), t))


def matching_spec(pairs: list[tuple[str, str]], distractors: list[str], *, stem_ids: list[str] | None = None,
                  choice_ids: dict[str, str] | None = None) -> tuple[dict, dict]:
    """``spec`` and ``key`` of (stem text, right choice text) pairs and distractor texts:
    choices one per distinct text, alphabetically. Ids are kept where given (``stem_ids``
    by position, ``choice_ids`` by text: an item edited again keeps its ids, so its answers
    and a key fix still refer to the same stems and choices); others are ``s1``…, ``c1``…,
    the first not taken."""
    texts = choices_in_order([c for _s, c in pairs] + distractors)
    known = {t: i for t, i in (choice_ids or {}).items() if t in texts and i}
    ids = _fresh(texts, known, "c", reserved=set((choice_ids or {}).values()))
    given = list(stem_ids or [])
    stem_known = {n: given[n] for n in range(min(len(given), len(pairs))) if given[n]}
    stem_ids_out = _fresh(list(range(len(pairs))), stem_known, "s", reserved=set(given))
    stems = [{"id": stem_ids_out[n], "text": stem} for n, (stem, _c) in enumerate(pairs)]
    spec = {"stems": stems, "choices": [{"id": ids[t], "text": t} for t in texts]}
    key = {"pairs": {stem["id"]: ids.get(choice, "") for stem, (_s, choice) in zip(stems, pairs)}}
    return spec, key


def _fresh(names: list, known: dict, prefix: str, reserved: set[str]) -> dict:
    """An id for each name: its known one (each used once), else ``prefix`` + the first
    number free and not ``reserved`` (the ids the item had: a removed one is not reused)."""
    out: dict = {}
    taken: set[str] = set()
    for name in names:
        if name in known and known[name] not in taken:
            out[name] = known[name]
            taken.add(known[name])
    number = 1
    for name in names:
        if name not in out:
            while f"{prefix}{number}" in taken or f"{prefix}{number}" in reserved:
                number += 1
            out[name] = f"{prefix}{number}"
            taken.add(out[name])
    return out


def grade(spec: dict, key: dict, answer: dict, artifact: dict | None) -> GradeResult:
    stems = ids_of(spec, "stems")
    given = answer["pairs"]
    right = [s for s in stems if given.get(s) is not None and given.get(s) == key["pairs"].get(s)]
    return GradeResult(
        score=len(right) / len(stems) if stems else 0.0,
        feedback=[feedback(gettext_noop("Right pairs: %(right)s of %(total)s."), right=len(right), total=len(stems))],
        detail={"right": right, "pairs": {s: given[s] for s in stems if s in given}},
    )
