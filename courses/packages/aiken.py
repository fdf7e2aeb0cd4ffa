"""Aiken question files (Moodle's simplest format) → ``single_choice`` items of a draft.

An Aiken question is its text (one line, or several), then two or more options, each on a
line of its own starting with a capital letter, ``.`` or ``)`` and a space (``A. Yes``,
``B) No``), then ``ANSWER: B``. Blank lines are ignored, as Moodle's importer ignores them.
Texts are plain: nothing in them is markup.

Aiken files are plain ``.txt`` files, as GIFT ones are: they were read as GIFT and refused
with a message about braces the author never wrote. ``looks_like_aiken`` tells them apart by
their content. A question that breaks the format is reported with the line where it breaks
and what was expected there; the others are imported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .encoding import decode_text
from .errors import PackageError
from .moodle_xml import QuestionImport, Skipped, SkipQuestion, choice_item, group_cases

AIKEN_MAX_BYTES = 5 * 1024 * 1024
_OPTION = re.compile(r"^([A-Z])[.)][ \t]+(\S.*)$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*)$")
_GIFT_BLOCK = re.compile(r"(?<!\\)\{[^{}]*(?<!\\)\}")


@dataclass
class _Question:
    line: int
    text: list[str] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)  # (letter, text)


def looks_like_aiken(data: bytes) -> bool:
    """Whether a text file is Aiken: it has ``ANSWER: X`` lines and lettered options, and
    fewer GIFT answer blocks ``{…}`` than answers."""
    try:
        text = decode_text(data[:AIKEN_MAX_BYTES]).text
    except PackageError:
        return False
    lines = [line.strip() for line in text.splitlines()]
    answers = sum(1 for line in lines if _ANSWER.match(line))
    options = sum(1 for line in lines if _OPTION.match(line))
    return answers >= 1 and options >= answers and len(_GIFT_BLOCK.findall(text)) < answers


def _literal(text: str) -> str:
    """Plain text as Markdown that shows it as written (``<Item>`` would be taken for a tag)."""
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _item(question: _Question, answer: str, answer_line: int, competency: str) -> tuple[dict, list[str]]:
    letters = [letter for letter, _text in question.options]
    if len(question.options) < 2:
        raise SkipQuestion(_("line %(line)s: ANSWER comes after fewer than two options (A. … B. …)")
                           % {"line": answer_line})
    if len(set(letters)) < len(letters):
        raise SkipQuestion(_("two options have the same letter"))
    if answer not in letters:
        raise SkipQuestion(_("line %(line)s: the answer %(answer)s is not one of the options %(letters)s")
                           % {"line": answer_line, "answer": answer or "—", "letters": ", ".join(letters)})
    options = [(_literal(text), 1.0 if letter == answer else 0.0) for letter, text in question.options]
    prompt = _literal("\n".join(question.text))
    return choice_item(prompt=prompt, options=options, single=True, rationale="", competency=competency)


def _where(question: _Question) -> str:
    start = question.text[0] if question.text else "—"
    return _("question at line %(line)s (%(name)s)") % {"line": question.line, "name": start[:60]}


def parse_aiken(data: bytes, *, source_name: str, competency: str) -> QuestionImport:
    """The questions of an Aiken file as one case of ``single_choice`` items, with what was
    left out and why (each with its line)."""
    if len(data) > AIKEN_MAX_BYTES:
        raise PackageError([("", _("The file is larger than 5 MiB."))])
    decoded = decode_text(data)
    result = QuestionImport()
    if decoded.note():
        result.notes.append(Skipped(_("the file"), decoded.note()))
    entries: list[tuple[str, dict]] = []
    question: _Question | None = None
    broken = False  # the current question already failed: skip to its ANSWER line
    blank = False  # a blank line came since the last line read
    for number, raw in enumerate(decoded.text.splitlines(), start=1):
        line = raw.strip()
        blank, was_blank = not line, blank
        if not line:
            continue
        option, answer = _OPTION.match(line), _ANSWER.match(line)
        if answer:
            if question is None:
                result.skipped.append(Skipped(_("line %(line)s") % {"line": number},
                                              _("ANSWER comes before any question text")))
            elif not broken:
                try:
                    item, notes = _item(question, answer.group(1).strip()[:1], number, competency)
                except SkipQuestion as exc:
                    result.skipped.append(Skipped(_where(question), str(exc)))
                else:
                    where = _where(question)
                    item["name"] = question.text[0][:60]
                    result.notes.extend(Skipped(where, note) for note in notes)
                    entries.append((where, item))
            question, broken = None, False
            continue
        if broken:
            continue
        if option and question is not None and question.text:
            question.options.append((option.group(1), option.group(2).strip()))
        elif option:
            result.skipped.append(Skipped(_("line %(line)s") % {"line": number},
                                          _("an option (%(letter)s.) comes before any question text")
                                          % {"letter": option.group(1)}))
            question, broken = _Question(number), True
        elif question is not None and question.options:
            result.skipped.append(Skipped(_where(question), _(
                "line %(line)s: an ANSWER: line was expected after the options, not more text"
            ) % {"line": number}))
            question, broken = _Question(number, [line]), False
        elif question is None:
            question = _Question(number, [line])
        elif was_blank:  # a text, a blank line, another text: the first had no options
            result.skipped.append(Skipped(_where(question), _(
                "line %(line)s: options (A. … B. …) and an ANSWER: line were expected after the question text"
            ) % {"line": number}))
            question = _Question(number, [line])
        else:
            question.text.append(line)
    if question is not None and not broken:
        result.skipped.append(Skipped(_where(question), _("the file ends before its ANSWER: line")))
    if not entries and not result.skipped:
        raise PackageError([("", _("The file holds no question."))])
    group_cases({"": entries}, source_name, result)
    return result
