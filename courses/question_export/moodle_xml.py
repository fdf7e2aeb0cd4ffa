"""Questions → a Moodle XML file, in the form Moodle's "Moodle XML format" importer reads.

Each text is ``format="markdown"`` (Moodle renders it; Vigil's importer reads it back as
written), and the media files a text shows travel inside it, as Moodle's own export puts
them: ``<file name="scan.png" path="/" encoding="base64">`` children of the element, the
text referring to ``@@PLUGINFILE@@/scan.png``. A ``category`` question
(``$course$/top/<module>/<case>``, a ``/`` inside a name written ``//`` as Moodle does)
heads each case's questions. Answers carry their feedback (a numerical question's other
answers, ``*`` for any other number, follow its right one), a question its ``<idnumber>``,
its ``<hint>``s and its tags (its competencies and failure modes, then its own tags). A
short answer's accepted answers carry ``usecase``; a matching question is one ``subquestion`` per stem with its right choice as
``<answer><text>``, then one with an empty text per distractor, stems not shuffled.
"""
from __future__ import annotations

import base64
from collections.abc import Callable
from urllib.parse import quote

from django.utils.translation import gettext as _

from ..packages.media import MEDIA_REFERENCE
from .mappings import Question

PLUGINFILE = "@@PLUGINFILE@@/"


def _cdata(text: str) -> str:
    if not any(c in text for c in "<>&"):
        return text
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _attr(value: str) -> str:
    return (value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;"))


def _xml_safe(text: str) -> str:
    """Characters XML 1.0 cannot hold dropped (control characters but tab and line breaks)."""
    return "".join(c for c in text if c in "\t\n\r" or ord(c) >= 0x20 and c not in "\ufffe\uffff")


def category_path(parts: list[str]) -> str:
    return "$course$/top/" + "/".join(p.replace("/", "//") for p in parts)


class _Media:
    """The media of one question: each package path under one file name, read once."""

    def __init__(self, read: Callable[[str], bytes | None], question: Question) -> None:
        self.read = read
        self.question = question
        self.names: dict[str, str] = {}

    def name(self, path: str) -> str:
        if path not in self.names:
            base = path.rsplit("/", 1)[-1]
            name, n = base, 2
            while name in self.names.values():
                stem, dot, suffix = base.rpartition(".")
                name, n = (f"{stem}-{n}.{suffix}" if dot else f"{base}-{n}"), n + 1
            self.names[path] = name
        return self.names[path]

    def element(self, tag: str, text: str, *, attrs: str = "", indent: str = "    ") -> str:
        """``<tag format="markdown"><text>…</text><file …/></tag>``, its media embedded."""
        files: list[str] = []
        shown: dict[str, str] = {}

        def swap(match) -> str:
            path = match.group(2)
            if path not in shown:
                content = self.read(path)
                if content is None:
                    self.question.losses.append(_("the media file %(path)s could not be read and is not embedded")
                                                % {"path": path})
                    return match.group(0)
                shown[path] = self.name(path)
                files.append(f'{indent}  <file name="{_attr(shown[path])}" path="/" encoding="base64">'
                             f'{base64.b64encode(content).decode("ascii")}</file>\n')
            return match.group(1) + PLUGINFILE + quote(shown[path])

        body = MEDIA_REFERENCE.sub(swap, _xml_safe(text))
        return (f'{indent}<{tag}{attrs} format="markdown">\n{indent}  <text>{_cdata(body)}</text>\n'
                f'{"".join(files)}{indent}</{tag}>\n')


def _number(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def write_question(question: Question, read: Callable[[str], bytes | None]) -> str:
    media = _Media(read, question)
    out = [f'  <question type="{question.qtype}">\n',
           f"    <name>\n      <text>{_cdata(_xml_safe(question.name))}</text>\n    </name>\n",
           media.element("questiontext", question.text),
           media.element("generalfeedback", question.general_feedback),
           f"    <defaultgrade>{_number(question.default_grade)}</defaultgrade>\n",
           "    <penalty>0</penalty>\n    <hidden>0</hidden>\n"]
    if question.idnumber:
        out.append(f"    <idnumber>{_cdata(_xml_safe(question.idnumber))}</idnumber>\n")
    if question.qtype == "shortanswer":
        out.append(f"    <usecase>{1 if question.case_sensitive else 0}</usecase>\n")
    if question.qtype == "match":
        out.append("    <shuffleanswers>0</shuffleanswers>\n")
    if question.qtype == "multichoice":
        out += [f"    <single>{'true' if question.single else 'false'}</single>\n",
                "    <shuffleanswers>false</shuffleanswers>\n    <answernumbering>abc</answernumbering>\n",
                "    <showstandardinstruction>0</showstandardinstruction>\n"]
    if question.qtype in ("multichoice", "match"):
        for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
            out.append(f'    <{tag} format="html">\n      <text></text>\n    </{tag}>\n')
    for answer in question.answers:
        inner = media.element("answer", answer.text, attrs=f' fraction="{_number(answer.fraction)}"')
        if answer.feedback:
            extra = media.element("feedback", answer.feedback, indent="      ")
        else:
            extra = '      <feedback format="html">\n        <text></text>\n      </feedback>\n'
        if answer.tolerance is not None:
            extra += f"      <tolerance>{_number(answer.tolerance)}</tolerance>\n"
        out.append(inner[: inner.rindex("    </answer>")] + extra + "    </answer>\n")
    for stem, choice in question.subquestions:  # the choice is plain text: Moodle shows it in a select
        inner = media.element("subquestion", stem)
        out.append(inner[: inner.rindex("    </subquestion>")]
                   + f"      <answer>\n        <text>{_cdata(_xml_safe(choice))}</text>\n      </answer>\n"
                   + "    </subquestion>\n")
    if question.qtype == "numerical":
        if question.unit:
            out.append("    <units>\n      <unit>\n        <multiplier>1</multiplier>\n"
                       f"        <unit_name>{_cdata(_xml_safe(question.unit))}</unit_name>\n      </unit>\n    </units>\n")
        out.append("    <unitgradingtype>0</unitgradingtype>\n    <unitpenalty>0</unitpenalty>\n"
                   "    <showunits>0</showunits>\n    <unitsleft>0</unitsleft>\n")
    if question.qtype == "essay":
        out += ["    <responseformat>editor</responseformat>\n    <responserequired>1</responserequired>\n",
                "    <responsefieldlines>15</responsefieldlines>\n",
                (f"    <maxwordenabled>1</maxwordenabled>\n    <maxwordlimit>{question.max_words}</maxwordlimit>\n"
                 if question.max_words else ""),
                "    <attachments>0</attachments>\n    <attachmentsrequired>0</attachmentsrequired>\n",
                media.element("graderinfo", question.grader_info),
                '    <responsetemplate format="html">\n      <text></text>\n    </responsetemplate>\n']
    out += [media.element("hint", hint) for hint in question.hints]
    if question.tags:
        out.append("    <tags>\n" + "".join(f"      <tag><text>{_cdata(_xml_safe(tag))}</text></tag>\n"
                                           for tag in question.tags) + "    </tags>\n")
    out.append("  </question>\n")
    return "".join(out)


def write_moodle_xml(questions: list[Question], read: Callable[[str], bytes | None], *, comment: str = "") -> bytes:
    """The Moodle XML file of ``questions`` (in order; a category question before each new case)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    if comment:
        out.append("<!-- " + _xml_safe(comment).replace("--", "- -") + " -->\n")
    category = None
    for question in questions:
        if question.category != category:
            category = question.category
            out.append('  <question type="category">\n    <category>\n'
                       f"      <text>{_cdata(_xml_safe(category_path(category)))}</text>\n    </category>\n"
                       '    <info format="html">\n      <text></text>\n    </info>\n  </question>\n')
        out.append(write_question(question, read))
    out.append("</quiz>\n")
    return "".join(out).encode("utf-8")
