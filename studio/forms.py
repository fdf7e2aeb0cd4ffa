"""Forms of the authoring studio: plain fields as Django forms, structured content as rows.

Artifacts and items hold structured JSON (options, span keys, rubric criteria, overlay
boxes…). Their editors post numbered rows (``options-0-text``, ``spans-2-end``…); the
parsers turn a POST into the package form (``spec``, ``key``, ``content``) and report
unreadable values at the very paths the package validation uses (``key.spans[2].end``), so
one error report covers both. Blank rows are ignored, so the pages can always offer a few
empty rows to fill in. An item's ``spec`` and ``key`` are parsed by its type's unit
(``quizzes.items``); the row and number readers are shared with it (``quizzes.items.formdata``).
"""
from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import Competency, CourseVersion, FailureMode, Module
from quizzes.items import unit_for
from quizzes.items.formdata import checked as _checked
from quizzes.items.formdata import lines as _lines
from quizzes.items.formdata import number_field as _number
from quizzes.items.formdata import rows
from quizzes.items.script_concordance import SCALE
from courses.rendering import MAX_MARKDOWN_CHARS

Errors = dict[str, list[str]]
BLANK_ROWS = 2


# ---------------------------------------------------------------- plain forms


class CourseCreateForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    slug = forms.SlugField(
        label=gettext_lazy("Short name in addresses (slug)"), max_length=100,
        help_text=gettext_lazy("Lowercase letters, digits and hyphens, e.g. ai-literacy-clinicians."),
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=CourseVersion._meta.get_field("language").choices)


class CourseSettingsForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    summary = forms.CharField(label=gettext_lazy("Summary"), required=False, strip=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    hours = forms.DecimalField(label=gettext_lazy("Estimated learning hours"), max_digits=5, decimal_places=1,
                               min_value=0)


class ModuleForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    slug = forms.CharField(label=gettext_lazy("Slug"), max_length=100, required=False,
                           help_text=gettext_lazy("Leave empty to make one from the title."))
    summary = forms.CharField(label=gettext_lazy("Summary (Markdown)"), required=False, strip=False, max_length=MAX_MARKDOWN_CHARS,
                              widget=forms.Textarea(attrs={"rows": 3, "data-markdown": "1"}))
    feedback_policy = forms.ChoiceField(label=gettext_lazy("When trainees see keys and rationales"),
                                        choices=Module.FeedbackPolicy.choices)


class LessonForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    slug = forms.CharField(label=gettext_lazy("Slug"), max_length=100, required=False,
                           help_text=gettext_lazy("Leave empty to make one from the title."))
    body = forms.CharField(label=gettext_lazy("Text (Markdown)"), required=False, strip=False, max_length=MAX_MARKDOWN_CHARS,
                           widget=forms.Textarea(attrs={"rows": 14, "data-markdown": "1"}))


class CaseForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    slug = forms.CharField(label=gettext_lazy("Slug"), max_length=100, required=False,
                           help_text=gettext_lazy("Leave empty to make one from the title."))
    vignette = forms.CharField(
        label=gettext_lazy("Vignette (Markdown)"), required=False, strip=False, max_length=MAX_MARKDOWN_CHARS,
        help_text=gettext_lazy("A synthetic patient: never real patient data."),
        widget=forms.Textarea(attrs={"rows": 8, "data-markdown": "1"}),
    )


class CoauthorForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username of the faculty member"), max_length=150)


class PackageUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Course package (a .zip with course.yaml and media/, or course.yaml)"))
    publish = forms.BooleanField(label=gettext_lazy("Publish it at once if it is complete"), required=False)


class KeyFixReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why is the key changed?"), widget=forms.Textarea(attrs={"rows": 3}))


def questions_form_class(modules: list[Module]):
    """The Moodle XML / GIFT upload form, offering the draft's modules as targets."""

    class QuestionsImportForm(forms.Form):
        file = forms.FileField(label=gettext_lazy("Moodle XML (.xml), GIFT or Aiken (.gift, .txt) file"))
        module = forms.ChoiceField(
            label=gettext_lazy("Add the questions to"),
            choices=[("", gettext_lazy("A new module"))] + [(str(m.pk), m.title) for m in modules], required=False,
        )
        module_title = forms.CharField(label=gettext_lazy("Title of the new module"), max_length=200, required=False)
        competency = forms.ChoiceField(
            label=gettext_lazy("Competency of the imported items"),
            choices=[(c.code, f"{c.code} {c.name}") for c in Competency.objects.all()],
        )

    return QuestionsImportForm


def add_service_errors(form: forms.Form, errors: Errors, message: str) -> None:
    """Put an ApplicationError's field errors on the form's fields (others on the form)."""
    for name, messages in errors.items():
        for text in messages:
            form.add_error(name if name in form.fields else None, text if name in form.fields else f"{name}: {text}")
    if not errors:
        form.add_error(None, message)


# ---------------------------------------------------------------- items


def item_spec_key(item_type: str, data) -> tuple[dict, Any, Errors]:
    """The ``spec`` and ``key`` an item editor posted, with unreadable values at their paths."""
    return unit_for(item_type).parse_editor(data)


def _blank(fields: tuple[str, ...], start: int, count: int = BLANK_ROWS, **extra) -> list[dict]:
    return [{**{f: "" for f in fields}, "index": start + i, "path": "", "errors": [], **extra} for i in range(count)]


def _with_errors(row_list: list[dict], prefix: str, errors: Errors) -> list[dict]:
    """Number the rows and attach the errors found inside each one."""
    for i, row in enumerate(row_list):
        row["index"] = i
        row["path"] = f"{prefix}[{i}]"
        row["errors"] = [
            f"{path[len(row['path']):].lstrip('.') or _('this row')}: {message}"
            for path, messages in errors.items() if path == row["path"] or path.startswith(row["path"] + ".")
            for message in messages
        ]
    return row_list


def item_editor(item_type: str, spec: Any, key: Any, errors: Errors | None = None) -> dict:
    """What an item editor shows: the rows of ``spec`` and ``key`` plus blank ones."""
    errors = errors or {}
    spec = spec if isinstance(spec, dict) else {}
    key = key if isinstance(key, dict) else {}
    editor: dict[str, Any] = {"spec": spec, "key": key}
    options = [o for o in spec.get("options") or [] if isinstance(o, dict)]
    option_rows = _with_errors([{"id": str(o.get("id", "")), "text": str(o.get("text", ""))} for o in options],
                               "spec.options", errors)
    weights = key.get("weights") if isinstance(key.get("weights"), dict) else {}
    correct = key.get("correct") if isinstance(key.get("correct"), list) else []
    feedback = key.get("feedback") if isinstance(key.get("feedback"), dict) else {}
    also_right = key.get("also_right") if isinstance(key.get("also_right"), list) else []
    for row in option_rows:
        row["is_answer"] = row["id"] == key.get("answer")
        row["is_ai"] = row["id"] == spec.get("ai_answer")
        row["correct"] = row["id"] in correct
        row["also_right"] = row["id"] in also_right
        row["weight"] = "" if weights.get(row["id"]) is None else weights[row["id"]]
        row["feedback"] = str(feedback.get(row["id"], ""))
        row["errors"] += [f"{_('weight')}: {m}" for m in errors.get(f"key.weights.{row['id']}", [])]
        row["feedback_errors"] = errors.get(f"key.feedback.{row['id']}", [])
    editor["options"] = option_rows + _blank(("id", "text", "weight", "feedback"), len(option_rows),
                                             3 if not option_rows else BLANK_ROWS, feedback_errors=[])
    spans = [s for s in key.get("spans") or [] if isinstance(s, dict)]
    editor["spans"] = _with_errors([
        {"start": s.get("start", ""), "end": s.get("end", ""), "failure_mode": s.get("failure_mode", ""),
         "severity": s.get("severity", "minor"), "corrections": "\n".join(s.get("corrections") or [])}
        for s in spans
    ], "key.spans", errors) + _blank(("start", "end", "failure_mode", "corrections"), len(spans), 1, severity="minor")
    criteria = [c for c in key.get("criteria") or [] if isinstance(c, dict)]
    editor["criteria"] = _with_errors([
        {"id": c.get("id", ""), "text": c.get("text", ""), "points": c.get("points", ""),
         "look_for": "\n".join(" | ".join(str(a) for a in group) for group in c.get("look_for") or [] if isinstance(group, list))}
        for c in criteria
    ], "key.criteria", errors) + _blank(("id", "text", "points", "look_for"), len(criteria), 3 if not criteria else BLANK_ROWS)
    editor.update(_short_answer_rows(key, errors), **_matching_rows(spec, key, errors))
    if item_type == "numeric":
        editor["answers"] = _numeric_rows(key, errors)
    editor["problems"] = item_problem_list(item_type, spec, errors)
    editor["bank_errors"] = {name: [
        message if path == name else f"{_place(item_type, spec, path)[0]}: {message}"
        for path, messages in errors.items() if path == name or path.startswith(name + "[") for message in messages
    ] for name in ("tags", "idnumber")}
    panel = key.get("panel") if isinstance(key.get("panel"), dict) else {}
    panel = {str(k).lstrip("+"): v for k, v in panel.items()}
    editor["panel"] = [
        {"name": name, "value": value, "votes": panel.get(str(value), ""), "label": f"{value:+d}" if value else "0"}
        for name, value in SCALE
    ]
    return editor


def _short_answer_rows(key: dict, errors: Errors) -> dict:
    """A short answer's accepted-answer rows (the fraction as a percent), plus blank ones."""
    answers = [a for a in key.get("answers") or [] if isinstance(a, dict)]
    rows = _with_errors([
        {"text": str(a.get("text", "")), "feedback": str(a.get("feedback", "")),
         "percent": _percent(a.get("fraction", 1))}
        for a in answers
    ], "key.answers", errors)
    return {"answers": rows + _blank(("text", "percent", "feedback"), len(rows), 3 if not rows else BLANK_ROWS)}


# The fields of a numeric item's other answer: (form field, key field).
NUMERIC_ANSWER_FIELDS = (("value", "value"), ("tolerance", "tolerance_abs"), ("percent", "fraction"),
                         ("feedback", "feedback"))


def _numeric_rows(key: dict, errors: Errors) -> list[dict]:
    """A numeric item's other answers (value, tolerance, marks in percent, feedback), each
    field with its own errors, plus blank rows."""
    answers = [a for a in key.get("answers") or [] if isinstance(a, dict)]
    out = []
    for i, answer in enumerate(answers):
        path = f"key.answers[{i}]"
        row = {"index": i, "path": path, "value": answer.get("value", ""), "tolerance": answer.get("tolerance_abs", ""),
               "percent": _percent(answer.get("fraction", 0)), "feedback": str(answer.get("feedback", "")),
               "errors": errors.get(path, [])}
        row["field_errors"] = {name: errors.get(f"{path}.{field}", []) for name, field in NUMERIC_ANSWER_FIELDS}
        out.append(row)
    blank = _blank(("value", "tolerance", "percent", "feedback"), len(out), 1 if out else BLANK_ROWS)
    return out + [{**row, "field_errors": {}} for row in blank]


def item_extras(data) -> tuple[list[str], list[str], str]:
    """The hints (rows ``hints-N-text``, Markdown, in order; blank ones ignored), the free
    tags (one per line, spaces collapsed, the same tag once) and the ID number an item
    editor posted."""
    hints = [row["text"].replace("\r\n", "\n").replace("\r", "\n").strip() for row in rows(data, "hints", ("text",))]
    tags = list(dict.fromkeys(" ".join(line.split()) for line in _lines(data.get("tags", ""))))
    return hints, tags, (data.get("idnumber") or "").strip()


def hint_rows(hints: list[str], errors: Errors) -> list[dict]:
    """The hint rows of an item editor, each with its errors, plus blank ones."""
    out = [{"index": i, "text": text, "errors": errors.get(f"hints[{i}]", [])} for i, text in enumerate(hints)]
    return out + [{"index": len(out) + i, "text": "", "errors": []} for i in range(1 if out else BLANK_ROWS)]


def _place(item_type: str, spec: dict, path: str) -> tuple[str, str]:
    """Where an error of an item editor is, in the author's words, and the id of the field it
    is about (empty when the page has no one field for it)."""
    options = [str(o.get("id", "")) for o in spec.get("options") or [] if isinstance(o, dict)]
    simple = {
        "prompt": (_("Prompt"), "id_prompt"), "slug": (_("Slug"), "id_slug"), "artifact": (_("AI output"), "id_artifact"),
        "rationale": (_("Expert rationale"), "id_rationale"), "competencies": (_("Competencies"), ""),
        "tags": (_("Tags"), "id_tags"), "idnumber": (_("ID number"), "id_idnumber"),
        "key.answer": (_("Right answer"), ""), "key.value": (_("Right value"), "id_value"),
        "key.tolerance_abs": (_("Absolute tolerance"), "id_tolerance_abs"),
        "key.tolerance_rel": (_("Relative tolerance"), "id_tolerance_rel"),
        "key.feedback": (_("Feedback on the right value"), "id_feedback"),
        "key.also_right": (_("Also right"), ""),
    }
    if path in simple:
        return simple[path]
    if match := re.fullmatch(r"hints\[(\d+)\]", path):
        return _("Hint %(n)s") % {"n": int(match[1]) + 1}, f"hints-{match[1]}-text"
    if match := re.fullmatch(r"tags\[(\d+)\]", path):
        return _("Tag %(n)s") % {"n": int(match[1]) + 1}, "id_tags"
    if match := re.fullmatch(r"key\.feedback\.(.+)", path):
        n = options.index(match[1]) if match[1] in options else None
        label = _("Option %(id)s, feedback") % {"id": match[1]}
        return label, f"options-{n}-feedback" if n is not None else ""
    if match := re.fullmatch(r"spec\.options\[(\d+)\](?:\.(\w+))?", path):
        field = match[2] or "text"
        names = {"id": _("id"), "text": _("text")}
        return (_("Option %(n)s, %(field)s") % {"n": int(match[1]) + 1, "field": names.get(field, field)},
                f"options-{match[1]}-{field}" if field in names else "")
    if match := re.fullmatch(r"key\.answers\[(\d+)\](?:\.(\w+))?", path):
        n, field = int(match[1]), match[2] or ""
        if item_type == "numeric":
            names = {"value": _("value"), "tolerance_abs": _("tolerance"), "fraction": _("marks"),
                     "feedback": _("feedback")}
            form = {key_field: name for name, key_field in NUMERIC_ANSWER_FIELDS}
            label = _("Other answer %(n)s") % {"n": n + 1}
        else:
            names = {"text": _("answer"), "fraction": _("marks"), "feedback": _("feedback")}
            form = {"text": "text", "fraction": "percent", "feedback": "feedback"}
            label = _("Accepted answer %(n)s") % {"n": n + 1}
        if field in names:
            return f"{label}, {names[field]}", f"answers-{n}-{form[field]}"
        return label, ""
    return "", ""


def item_problem_list(item_type: str, spec: dict, errors: Errors) -> list[dict]:
    """The errors of an item editor for the summary atop the page: each with its place in
    the author's words (when known), the field to go to, and its package path."""
    out = []
    for path, messages in errors.items():
        label, anchor = _place(item_type, spec, path)
        out += [{"path": path, "label": label, "anchor": anchor, "message": message} for message in messages]
    return out


def _percent(fraction: Any) -> Any:
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float)):
        return fraction
    value = round(fraction * 100, 4)
    return int(value) if float(value).is_integer() else value


def _matching_rows(spec: dict, key: dict, errors: Errors) -> dict:
    """A matching item's stem rows (each with the text of its right choice), plus blank
    ones, and its distractors (the choices no stem is paired with), one per line."""
    choices = {c.get("id"): str(c.get("text", "")) for c in spec.get("choices") or [] if isinstance(c, dict)}
    pairs = key.get("pairs") if isinstance(key.get("pairs"), dict) else {}
    stems = [s for s in spec.get("stems") or [] if isinstance(s, dict)]
    rows = _with_errors([
        {"id": str(s.get("id", "")), "text": str(s.get("text", "")), "choice": choices.get(pairs.get(s.get("id")), "")}
        for s in stems
    ], "spec.stems", errors)
    for row, stem in zip(rows, stems):
        row["errors"] += [f"{_('right match')}: {m}" for m in errors.get(f"key.pairs.{stem.get('id')}", [])]
    paired = set(pairs.values())
    return {
        "stems": rows + _blank(("id", "text", "choice"), len(rows), 3 if not rows else BLANK_ROWS),
        "choices": [{"id": cid, "text": text} for cid, text in choices.items()],
        "distractors": "\n".join(text for cid, text in choices.items() if cid not in paired),
        "all_choices": "\n".join(choices.values()),  # a key fix keeps every choice
    }


# ---------------------------------------------------------------- artifacts


def artifact_content(kind: str, data, current: dict | None = None) -> tuple[dict, Errors]:
    """The ``content`` an artifact editor posted (images: without the uploaded file yet)."""
    errors: Errors = {}
    current = current or {}
    content: dict[str, Any] = {}
    if kind == "text":
        content["text"] = (data.get("text") or "").replace("\r\n", "\n").replace("\r", "\n")
    elif kind == "prediction":
        for name in ("model", "target", "output"):
            content[name] = (data.get(name) or "").strip()
        content["probability"] = _number(errors, data.get("probability", ""), "content.probability", required=True)
        threshold = _number(errors, data.get("threshold", ""), "content.threshold")
        if threshold is not None:
            content["threshold"] = threshold
        features = []
        for i, row in enumerate(rows(data, "features", ("name", "contribution"))):
            features.append({
                "name": row["name"].strip(),
                "contribution": _number(errors, row["contribution"], f"content.features[{i}].contribution", required=True),
            })
        if features:
            content["features"] = features
    elif kind == "image":
        content["src"] = (data.get("src") or current.get("src") or "").strip()
        content["alt"] = (data.get("alt") or "").strip()
        content["width"] = _number(errors, data.get("width", ""), "content.width", integer=True, required=True)
        content["height"] = _number(errors, data.get("height", ""), "content.height", integer=True, required=True)
        overlays = []
        for i, row in enumerate(rows(data, "overlays", ("x", "y", "w", "h", "label", "score"))):
            path = f"content.overlays[{i}]"
            box: dict[str, Any] = {name: _number(errors, row[name], f"{path}.{name}", required=True) for name in "xywh"}
            if row["label"].strip():
                box["label"] = row["label"].strip()
            score = _number(errors, row["score"], f"{path}.score")
            if score is not None:
                box["score"] = score
            overlays.append(box)
        if overlays:
            content["overlays"] = overlays
        heatmap = (data.get("heatmap") or current.get("heatmap") or "").strip()
        if heatmap and not _checked(data, "remove_heatmap"):
            content["heatmap"] = heatmap
    elif kind == "model_card":
        for name in ("name", "version", "developer", "intended_use", "training_population"):
            value = (data.get(name) or "").strip()
            if value or name in ("name", "intended_use"):
                content[name] = value
        for name in ("out_of_scope", "limitations"):
            values = _lines(data.get(name, ""))
            if values:
                content[name] = values
        performance = []
        for i, row in enumerate(rows(data, "performance", ("subgroup", "metric", "value"))):
            performance.append({
                "subgroup": row["subgroup"].strip(), "metric": row["metric"].strip(),
                "value": _number(errors, row["value"], f"content.performance[{i}].value", required=True),
            })
        if performance:
            content["performance"] = performance
    elif kind == "chat":
        content["messages"] = [
            {"role": row["role"].strip(), "content": row["content"].replace("\r\n", "\n")}
            for row in rows(data, "messages", ("role", "content"), ignore=("role",))
        ]
    return content, errors


def artifact_editor(kind: str, content: Any, errors: Errors | None = None) -> dict:
    """What an artifact editor shows: the content's fields and rows plus blank ones."""
    errors = errors or {}
    content = content if isinstance(content, dict) else {}
    features = [f for f in content.get("features") or [] if isinstance(f, dict)]
    overlays = [o for o in content.get("overlays") or [] if isinstance(o, dict)]
    performance = [p for p in content.get("performance") or [] if isinstance(p, dict)]
    messages = [m for m in content.get("messages") or [] if isinstance(m, dict)]
    return {
        "content": content,
        "features": _with_errors([{"name": f.get("name", ""), "contribution": f.get("contribution", "")} for f in features],
                                 "content.features", errors) + _blank(("name", "contribution"), len(features)),
        "overlays": _with_errors([{k: o.get(k, "") for k in ("x", "y", "w", "h", "label", "score")} for o in overlays],
                                 "content.overlays", errors) + _blank(("x", "y", "w", "h", "label", "score"), len(overlays)),
        "performance": _with_errors([{k: p.get(k, "") for k in ("subgroup", "metric", "value")} for p in performance],
                                    "content.performance", errors) + _blank(("subgroup", "metric", "value"), len(performance)),
        "messages": _with_errors([{"role": m.get("role", ""), "content": m.get("content", "")} for m in messages],
                                 "content.messages", errors) + _blank(("content",), len(messages), role="user"),
        "out_of_scope": "\n".join(content.get("out_of_scope") or []),
        "limitations": "\n".join(content.get("limitations") or []),
    }


def taxonomy_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(competencies, failure modes) as (code, "CODE name") choices (2 queries)."""
    return (
        [(c.code, f"{c.code} {c.name}") for c in Competency.objects.all()],
        [(m.code, f"{m.code} {m.name}") for m in FailureMode.objects.all()],
    )
