"""Questions → a GIFT file, in the form Moodle's GIFT importer reads.

One question a paragraph: ``::name::[markdown]text{answers####general feedback}``, every
text on one line (line breaks written ``\\n``), ``~ = # { } :`` and the backslash escaped
with a backslash, ``$CATEGORY: $course$/top/<module>/<case>`` before each new case.
Answers: ``=right ~wrong`` for one right answer, ``~%50%a ~%-100%b`` for weights,
``#value:tolerance`` for numbers, ``{}`` for an essay, ``{=text#feedback =%50%text#feedback}``
for a short answer (case ignored: GIFT has no case sensitivity), ``{=stem -> choice = -> distractor}``
for a matching question (``->`` is not escaped: no text may hold it, so one that does is
written ``→``). GIFT carries no files, no units, no
grader information and no tags: the report says what each question loses.
"""
from __future__ import annotations

from django.utils.translation import gettext as _

from ..packages.media import MEDIA_REFERENCE
from .mappings import Question
from .moodle_xml import category_path

_IMAGE = r"!\[([^\]]*)\]\(\s*<?media/[^\s()<>]+>?(?:\s+\"[^\"]*\")?\s*\)"


def escape(text: str) -> str:
    """A text as GIFT writes it: special characters escaped, line breaks as ``\\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _number(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def _text(question: Question, text: str) -> str:
    """The text without its media (GIFT holds none): an image becomes its description."""
    import re

    if MEDIA_REFERENCE.search(text):
        question.losses.append(_("its images are not exported: a GIFT file carries no files (export to Moodle XML "
                                 "to keep them)"))
        text = re.sub(_IMAGE, lambda m: f"[{m.group(1)}]" if m.group(1) else "", text)
    return escape(text)


def _no_arrow(question: Question, text: str) -> str:
    """``->`` inside a text would split a matching pair (or make a short answer a matching
    question) when read back: it is written ``→``, and the report says so."""
    if "->" not in text:
        return text
    question.losses.append(_("-> inside a text is written → (GIFT reads -> as the sign between a sub-question and "
                             "its answer)"))
    return text.replace("->", "→")


def write_question(question: Question) -> str:
    head = f"::{escape(question.name)}::[markdown]{_text(question, question.text)}"
    if question.qtype == "multichoice":
        lines = []
        for answer in question.answers:
            if question.single:
                sign = "=" if answer.fraction == 100 else "~"
            else:
                sign = f"~%{_number(answer.fraction)}%" if answer.fraction else "~"
            lines.append(f"\t{sign}{_text(question, answer.text)}")
        body = "\n" + "\n".join(lines)
    elif question.qtype == "shortanswer":
        lines = []
        for answer in question.answers:
            sign = "=" if answer.fraction == 100 else f"=%{_number(answer.fraction)}%"
            text = escape(_no_arrow(question, answer.text))
            fb = ("#" + _text(question, _no_arrow(question, answer.feedback))) if answer.feedback else ""
            lines.append(f"\t{sign}{text}{fb}")
        body = "\n" + "\n".join(lines)
        if question.case_sensitive:
            question.losses.append(_("case sensitivity is not exported: GIFT short answers ignore case (export to "
                                     "Moodle XML to keep it)"))
    elif question.qtype == "match":
        lines = [f"\t={_text(question, _no_arrow(question, stem))} -> {escape(_no_arrow(question, choice))}"
                 if stem else f"\t= -> {escape(_no_arrow(question, choice))}"
                 for stem, choice in question.subquestions]
        body = "\n" + "\n".join(lines)
    elif question.qtype == "numerical":
        answer = question.answers[0]
        if len(question.answers) > 1:
            question.losses.append(_("only the right value is exported: GIFT's short numerical form has no other "
                                     "answers (export to Moodle XML to keep them)"))
        body = f"#{_number(float(answer.text))}" + (f":{_number(answer.tolerance)}" if answer.tolerance else "")
        if question.unit:
            question.losses.append(_("the unit %(unit)s is not exported: GIFT numerical questions have no units")
                                   % {"unit": question.unit})
    else:
        body = ""
        if question.grader_info:
            question.losses.append(_("the rubric is not exported: GIFT essays have no grader information"))
        if question.max_words:
            question.losses.append(_("the word limit is not exported: GIFT essays have none"))
    if question.tags:
        question.losses.append(_("its competencies and failure modes are not exported: GIFT has no tags"))
    if question.hints or question.idnumber:
        question.losses.append(_("its hints and ID number are not exported: GIFT has neither (export to Moodle XML "
                                 "to keep them)"))
    if question.qtype != "shortanswer" and any(a.feedback for a in question.answers):
        question.losses.append(_("the feedback of its answers is not exported (export to Moodle XML to keep it)"))
    if question.default_grade != 1:
        question.losses.append(_("its mark of %(points)s is not exported: GIFT questions are worth 1")
                               % {"points": _number(question.default_grade)})
    if question.general_feedback:
        body += ("\n\t" if "\n" in body else "") + "####" + _text(question, question.general_feedback)
    return head + "{" + body + ("\n" if "\n" in body else "") + "}\n"


def write_gift(questions: list[Question], *, comment: str = "") -> bytes:
    out = []
    if comment:
        out += [f"// {line}\n" for line in comment.splitlines()] + ["\n"]
    category = None
    for question in questions:
        if question.category != category:
            category = question.category
            out.append(f"$CATEGORY: {category_path(category)}\n\n")
        out.append(write_question(question) + "\n")
    return "".join(out).encode("utf-8")
