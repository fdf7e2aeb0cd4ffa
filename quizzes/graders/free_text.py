"""Grading of ``free_text``: a rubric with an automatic, keyword-based suggestion.

The suggestion only pre-fills the faculty review (unless the item is marked ``auto``), so
it favours being predictable over being clever. An alternative matches when it occurs
case- and accent-insensitively starting at a word boundary; its last word must end at a
word boundary too when it is short (three characters or less), so "AI" or "PE" do not
match inside "aim" or "people", while "confound" still matches "confounding".

Each suggestion says how sure it is (``detail.confidence``: high, medium or low, with its
reasons) and why (``evidence`` per criterion: the phrase found, where, in which sentence,
and whether a negation is near it). It is low for a bare list of keywords, for a phrase in
a negated clause, and for an answer copied from what the trainee was shown (the question,
the vignette, the AI output); a low-confidence suggestion gives at most half of each
criterion's points. The rules are in docs/grading.md.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from typing import Any

from .base import (
    FieldError,
    GradeResult,
    MSG_DUPLICATE,
    MSG_INTEGER,
    MSG_MAX,
    MSG_MIN,
    MSG_NOT_EMPTY,
    MSG_NUMBER,
    MSG_STRING,
    add,
    check_bool,
    check_list,
    check_object,
    check_text,
    clamp,
    feedback,
    gettext_noop,
    is_int,
    is_number,
    join,
)
from .sentences import split_sentences

VERSION = "free_text/2"

MAX_CHARACTERS = 20_000
SHORT_WORD = 3

MSG_MAX_WORDS = gettext_noop("must have at most %(max)s words")
MSG_POSITIVE = gettext_noop("must be greater than 0")


# --- validation ---------------------------------------------------------------------

def validate_key(spec: Any, key: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    if check_object(errors, spec, "spec", allowed=("max_words", "auto")):
        check_bool(errors, spec, "auto", "spec")
        if spec.get("max_words") is not None:
            if not is_int(spec["max_words"]):
                add(errors, "spec.max_words", MSG_INTEGER)
            elif spec["max_words"] < 1:
                add(errors, "spec.max_words", MSG_MIN, min=1)
    if not check_object(errors, key, "key", allowed=("criteria",), required=("criteria",)) or "criteria" not in key:
        return errors
    if not check_list(errors, key["criteria"], "key.criteria", minimum=1):
        return errors
    ids: list[str] = []
    for i, criterion in enumerate(key["criteria"]):
        path = join("key.criteria", i)
        if not check_object(
            errors, criterion, path, allowed=("id", "text", "points", "look_for"), required=("id", "text", "points")
        ):
            continue
        if check_text(errors, criterion, "id", path):
            if criterion["id"] in ids:
                add(errors, join(path, "id"), MSG_DUPLICATE, value=criterion["id"])
            ids.append(criterion["id"])
        check_text(errors, criterion, "text", path)
        if "points" in criterion:
            if not is_number(criterion["points"]):
                add(errors, join(path, "points"), MSG_NUMBER)
            elif criterion["points"] <= 0:
                add(errors, join(path, "points"), MSG_POSITIVE)
        if criterion.get("look_for") is not None:
            _check_groups(errors, criterion["look_for"], join(path, "look_for"))
    return errors


def _check_groups(errors: list[FieldError], groups: Any, path: str) -> None:
    if not check_list(errors, groups, path):
        return
    for i, group in enumerate(groups):
        group_path = join(path, i)
        if not check_list(errors, group, group_path, minimum=1):
            continue
        for j, alternative in enumerate(group):
            if not isinstance(alternative, str):
                add(errors, join(group_path, j), MSG_STRING)
            elif not alternative.strip():
                add(errors, join(group_path, j), MSG_NOT_EMPTY)


def validate_answer(spec: Any, answer: Any, artifact: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    if not check_object(errors, answer, "", allowed=("text",), required=("text",)):
        return errors
    if not check_text(errors, answer, "text", ""):
        return errors
    text = answer["text"]
    max_words = spec.get("max_words") if isinstance(spec, dict) else None
    if len(text) > MAX_CHARACTERS:
        add(errors, "text", MSG_MAX, max=MAX_CHARACTERS)
    elif is_int(max_words) and len(text.split()) > max_words:
        add(errors, "text", MSG_MAX_WORDS, max=max_words)
    return errors


# --- grading ------------------------------------------------------------------------

_FOLDED_CHARS: dict[str, str] = {}


def _fold(text: str) -> str:
    """Lower case without accents, so "Échelle" and "echelle" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """``_fold(text)`` and, for each of its characters, the index of the character of ``text``
    it came from (folding is per character, so the two agree)."""
    parts, origin = [], []
    for i, char in enumerate(text):
        folded = _FOLDED_CHARS.get(char)
        if folded is None:
            folded = _fold(char)
            if len(_FOLDED_CHARS) < 4096:  # bounded: answers may hold any character
                _FOLDED_CHARS[char] = folded
        parts.append(folded)
        origin.extend([i] * len(folded))
    return "".join(parts), origin


@functools.lru_cache(maxsize=1024)
def _pattern(alternative: str) -> re.Pattern | None:
    words = _fold(alternative).split()
    if not words:
        return None
    body = r"\s+".join(re.escape(w) for w in words)
    start = r"(?<!\w)" if re.match(r"\w", words[0]) else ""
    last = words[-1]
    end = r"(?!\w)" if re.search(r"\w$", last) and len(last) <= SHORT_WORD else ""
    return re.compile(start + body + end)


def matches(text: str, alternative: str) -> bool:
    pattern = _pattern(alternative)
    return pattern is not None and pattern.search(_fold(text)) is not None


# --- what makes a suggestion trustworthy ---------------------------------------------
# Three things a keyword count cannot see, each found by a plain rule that a person can
# check against the answer (docs/grading.md, "Free text: how sure the suggestion is").

_WORD = re.compile(r"\w+(?:'\w+)*")
# Words that tie other words into a sentence: articles, pronouns, prepositions,
# conjunctions, auxiliaries and common verbs, in English and French (folded: no accents).
LINK_WORDS = frozenset("""
a an the this that these those it its is are was were be been being has have had do does did
can could should would will may might must shall not no to of in on at for with by from as and or
but so because if than then which who whom whose what when where while there here they he she we
you i me my our your their them his her us also only very more less about into over under after
before between against without since though although however get gets got make makes made show
shows showed seems seem need needs needed use uses used miss misses missed
le la les l un une des du de d au aux ce cet cette ces c il elle ils elles on nous vous je j y en
est sont etait etaient sera seront ete etre a ont avait avaient avoir fait font peut peuvent doit
doivent faut ne n pas plus que qu qui quoi dont ou et mais donc car ni si comme pour par avec sans
sur sous dans chez entre vers se s son sa ses leur leurs mon ma mes notre nos votre vos tres aussi
manque montre semble
""".split())
# Words that make a short fragment a clause rather than a keyword: auxiliaries, modals,
# subject pronouns and clause conjunctions ("trained on adults", "so refer", "to be sure"),
# and English -ed / -ing forms; prepositions and determiners do not ("your record", "less
# accurate" stay keywords).
CLAUSE_WORDS = frozenset("""
is are was were be been being has have had do does did can could should would will may might must shall
i you he she it we they this that which who because so if when while although since than then
est sont etait etaient sera ete etre a ont avait peut peuvent doit doivent faut il elle ils elles on
nous vous je j c qui que qu parce car donc si quand puisque
""".split())
# Negation cues (folded). "n'" / "…n't" are read from the word's form, see _is_negation.
NEGATION_WORDS = frozenset("""
not no never without none nor neither cannot nothing nobody absent absence lack lacks lacking
ne pas jamais aucun aucune sans ni rien personne nullement
""".split())
NEGATION_BEFORE = 5  # a cue up to this many words before the phrase, in its clause, negates it
NEGATION_AFTER = 3  # ... or this many after it ("le biais n'est pas", "bias is not")
_CLAUSE_BREAK = re.compile(r"[,;:—–.!?…\n]|\b(?:but|however|yet|although|whereas|mais|cependant|pourtant|toutefois)\b")
_FRAGMENT_BREAK = re.compile(r"[,;:\n•·|/…!?]+|\.(?=\s|$)|\s[-–—*]\s|^\s*[-*]\s", re.MULTILINE)
SHORT_FRAGMENT = 3  # words; a fragment this short without a clause word is a bare keyword
BARE_RUN = 3  # ... and an answer with this many in a row,
BARE_SHARE = 0.3  # ... holding at least this share of its words, is a list
SHORT_ANSWER = 15  # words
COPY_GRAM = 4  # words in a row shared with a text the trainee was shown
COPIED_SHARE = 0.6  # share of the answer's words in such runs: copied (low confidence)
PARTLY_COPIED_SHARE = 0.3  # ... partly copied (medium)
LOW_CAP = 0.5  # a low-confidence suggestion gives at most this share of each criterion's points

LOW, MEDIUM, HIGH = "low", "medium", "high"
RANK = {LOW: 1, MEDIUM: 2, HIGH: 3}
SOURCES = ("prompt", "vignette", "artifact")

MSG_KEYWORD_LIST = gettext_noop(
    "The answer is a list of words, not sentences: a keyword may be there without the reasoning.")
MSG_NEGATED = gettext_noop(
    "“%(phrase)s” is in a negated sentence (“%(cue)s”): the answer may say the opposite of the criterion.")
MSG_COPIED = {
    "prompt": gettext_noop("%(share)s%% of the answer repeats the question's text word for word."),
    "vignette": gettext_noop("%(share)s%% of the answer repeats the case vignette word for word."),
    "artifact": gettext_noop("%(share)s%% of the answer repeats the AI output word for word."),
}
MSG_SHORT = gettext_noop("The answer is short (%(words)s words): little to judge the reasoning on.")
MSG_NOTHING_FOUND = gettext_noop(
    "No phrase of the rubric was found: the answer may say it in other words.")
MSG_NO_PHRASES = gettext_noop("“%(criterion)s” has no phrases to look for: its suggestion is always 0.")
MSG_CLEAR = gettext_noop(
    "Every phrase found is in a sentence of the trainee's own, with no negation near it.")
MSG_CAPPED = gettext_noop("Low confidence: at most half of each criterion's points are suggested.")


def _words(folded: str) -> list[str]:
    return _WORD.findall(folded)


def _parts(word: str) -> list[str]:
    return word.split("'")


def _is_link(word: str) -> bool:
    return any(part in LINK_WORDS for part in _parts(word))


def _is_negation(word: str) -> bool:
    return (
        word in NEGATION_WORDS or word.endswith("n't") or word.startswith("n'")
        or any(part in NEGATION_WORDS for part in _parts(word))
    )


def _is_clause_word(word: str) -> bool:
    return (
        any(part in CLAUSE_WORDS for part in _parts(word))
        or (len(word) >= 5 and (word.endswith("ed") or word.endswith("ing")))
    )


def _is_bare(fragment: list[str]) -> bool:
    return len(fragment) <= SHORT_FRAGMENT and not any(map(_is_clause_word, fragment))


def is_keyword_list(text: str) -> bool:
    """No fragment reads as a sentence (three words or more, one of them a link word), or the
    answer is mostly bare keywords (short fragments without a clause word), three or more of
    them in a row ("… not be trusted here: darker skin, less accurate, grown, specialist")."""
    fragments = [_words(f) for f in _FRAGMENT_BREAK.split(_fold(text))]
    fragments = [f for f in fragments if f]
    if not fragments:
        return False
    if not any(len(f) >= SHORT_FRAGMENT and any(map(_is_link, f)) for f in fragments):
        return True
    run = longest = bare_words = 0
    for fragment in fragments:
        bare = _is_bare(fragment)
        run = run + 1 if bare else 0
        longest = max(longest, run)
        bare_words += len(fragment) if bare else 0
    return longest >= BARE_RUN and bare_words / sum(map(len, fragments)) >= BARE_SHARE


def negation_near(folded: str, start: int, end: int) -> str | None:
    """The negation cue in the clause of ``folded[start:end]``, near it, if any."""
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(folded, 0, start)]
    clause_start = breaks[-1] if breaks else 0
    after = _CLAUSE_BREAK.search(folded, end)
    clause_end = after.start() if after else len(folded)
    before = _words(folded[clause_start:start])[-NEGATION_BEFORE:]
    following = _words(folded[end:clause_end])[:NEGATION_AFTER]
    for word in reversed(before):
        if _is_negation(word):
            return word
    for word in following:
        if _is_negation(word):
            return word
    return None


def copied_share(text: str, source: str) -> float:
    """The share of the answer's words that are in runs of ``COPY_GRAM`` words (fewer for a
    shorter answer) found in the same order in ``source``."""
    words, shown = _words(_fold(text)), _words(_fold(source))
    if len(words) < 2 or not shown:
        return 0.0
    n = min(COPY_GRAM, len(words))
    grams = {tuple(shown[i:i + n]) for i in range(len(shown) - n + 1)}
    covered = [False] * len(words)
    for i in range(len(words) - n + 1):
        if tuple(words[i:i + n]) in grams:
            covered[i:i + n] = [True] * n
    return sum(covered) / len(words)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def shown_texts(shown: dict | None, artifact: Any) -> dict[str, str]:
    """The texts the trainee was shown, by source: ``shown`` (the question and the case
    vignette, passed by the caller) and every string of the artifact's content."""
    texts = {k: v for k, v in (shown or {}).items() if k in SOURCES and isinstance(v, str) and v.strip()}
    if isinstance(artifact, dict):
        content = "\n".join(_strings(artifact.get("content")))
        if content.strip():
            texts["artifact"] = content
    return texts


def _reason(code: str, message: str, **params: Any) -> dict:
    return {"code": code, "message": message, "params": params}


def _unique(reasons: list[dict]) -> list[dict]:
    seen, out = set(), []
    for reason in reasons:
        token = (reason["code"], tuple(sorted(reason["params"].items())))
        if token not in seen:
            seen.add(token)
            out.append(reason)
    return out


def _evidence(text: str, folded: str, origin: list[int], sentences: list[tuple[int, int]], group: list[str],
              index: int) -> dict | None:
    """Where the group was found: its first occurrence with no negation near it, else its first."""
    found = None
    for alternative in group:
        pattern = _pattern(alternative)
        if pattern is None:
            continue
        for m in pattern.finditer(folded):
            cue = negation_near(folded, m.start(), m.end())
            start, end = origin[m.start()], origin[m.end() - 1] + 1
            number = next((n for n, (s, e) in enumerate(sentences, 1) if start < e), len(sentences))
            s_start, s_end = sentences[number - 1]
            candidate = {
                "group": index, "alternative": alternative, "phrase": text[start:end], "start": start, "end": end,
                "sentence": number, "sentence_start": s_start, "sentence_end": s_end, "negated": cue,
            }
            if cue is None:
                return candidate
            if found is None:
                found = candidate
    return found


def assess(text: str, criteria: list[dict], shown: dict[str, str]) -> tuple[dict, list[list[dict]]]:
    """How sure the suggestion is (level and reasons) and the evidence of each criterion."""
    folded, origin = _fold_with_map(text)
    sentences = split_sentences(text) or [(0, len(text))]
    evidence = []
    for criterion in criteria:
        rows = [_evidence(text, folded, origin, sentences, group, i) for i, group in enumerate(criterion.get("look_for") or [])]
        evidence.append([r for r in rows if r is not None])
    low, medium = [], []
    if is_keyword_list(text):
        low.append(_reason("keyword_list", MSG_KEYWORD_LIST))
    for rows in evidence:
        for row in rows:
            if row["negated"]:
                low.append(_reason("negated", MSG_NEGATED, phrase=row["phrase"], cue=row["negated"]))
    copies = sorted(((copied_share(text, t), source) for source, t in shown.items()), reverse=True)
    if copies and copies[0][0] >= PARTLY_COPIED_SHARE:
        share, source = copies[0]
        bucket, code = (low, "copied") if share >= COPIED_SHARE else (medium, "partly_copied")
        bucket.append(_reason(code, MSG_COPIED[source], share=round(share * 100), source=source))
    words = len(_words(folded))
    if not low and words < SHORT_ANSWER:
        medium.append(_reason("short", MSG_SHORT, words=words))
    if not any(evidence) and any(c.get("look_for") for c in criteria):
        medium.append(_reason("nothing_found", MSG_NOTHING_FOUND))
    for criterion in criteria:
        if not criterion.get("look_for"):
            medium.append(_reason("no_phrases", MSG_NO_PHRASES, criterion=criterion.get("text", criterion["id"])))
    low, medium = _unique(low), _unique(medium)
    if low:
        level, reasons = LOW, low + medium
    elif medium:
        level, reasons = MEDIUM, medium
    else:
        level, reasons = HIGH, [_reason("clear", MSG_CLEAR)]
    return {"level": level, "rank": RANK[level], "reasons": reasons}, evidence


def grade(spec: dict, key: dict, answer: dict, artifact: dict | None, shown: dict | None = None) -> GradeResult:
    """``shown``: the question's prompt and the case vignette as plain text (``{"prompt": …,
    "vignette": …}``), to tell an answer copied from them; the artifact's text is read from
    ``artifact``."""
    text = answer.get("text") or ""
    confidence, evidence = assess(text, key["criteria"], shown_texts(shown, artifact))
    capped = confidence["level"] == LOW
    criteria = []
    for criterion, found in zip(key["criteria"], evidence):
        groups = criterion.get("look_for") or []
        matched = len(found)
        suggested = criterion["points"] * matched / len(groups) if groups else 0.0
        row = {
            "id": criterion["id"],
            "points": criterion["points"],
            "suggested": suggested,
            "matched_groups": matched,
            "groups": len(groups),
            "evidence": found,
        }
        if capped and suggested > criterion["points"] * LOW_CAP:
            row["uncapped"] = suggested
            row["suggested"] = criterion["points"] * LOW_CAP
        criteria.append(row)
    if capped and any("uncapped" in c for c in criteria):
        confidence["reasons"].append(_reason("capped", MSG_CAPPED))
    total = math.fsum(c["points"] for c in criteria)
    suggested_points = math.fsum(c["suggested"] for c in criteria)
    needs_review = spec.get("auto") is not True
    message = (
        gettext_noop("Suggested automatically: %(points)s of %(total)s points; a teacher will confirm your grade.")
        if needs_review
        else gettext_noop("Points: %(points)s of %(total)s.")
    )
    return GradeResult(
        score=clamp(round(suggested_points / total, 9)) if total else 0.0,
        feedback=[feedback(message, points=round(suggested_points, 2), total=round(total, 2))],
        detail={"criteria": criteria, "total_points": total, "suggested_points": suggested_points,
                "confidence": confidence},
        needs_review=needs_review,
    )
