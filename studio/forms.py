"""Forms of the authoring studio: plain fields as Django forms, structured content as rows.

Artifacts and items hold structured JSON (options, span keys, rubric criteria, overlay
boxes…). Their editors post numbered rows (``options-0-text``, ``spans-2-end``…); the
parsers below turn a POST into the package form (``spec``, ``key``, ``content``) and
report unreadable values at the very paths the package validation uses
(``key.spans[2].end``), so one error report covers both. Blank rows are ignored, so the
pages can always offer a few empty rows to fill in.
"""
from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import Competency, CourseVersion, FailureMode, Item, Module
from courses.rendering import MAX_MARKDOWN_CHARS

Errors = dict[str, list[str]]
BLANK_ROWS = 2
OPTION_IDS = "abcdefghijklmnopqrstuvwxyz"
SCALE = (("m2", -2), ("m1", -1), ("0", 0), ("p1", 1), ("p2", 2))


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
        file = forms.FileField(label=gettext_lazy("Moodle XML (.xml) or GIFT (.gift, .txt) file"))
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


# ---------------------------------------------------------------- rows


def rows(data, prefix: str, fields: tuple[str, ...], *, ignore: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """The non-blank numbered rows ``prefix-N-field`` of a POST, in the order of N."""
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)-")
    indices = sorted({int(m.group(1)) for name in data.keys() if (m := pattern.match(name))})
    out = []
    for i in indices:
        row = {f: (data.get(f"{prefix}-{i}-{f}") or "") for f in fields}
        if any(row[f].strip() for f in fields if f not in ignore):
            row["_posted"] = str(i)
            out.append(row)
    return out


def _number(errors: Errors, value: str, path: str, *, integer: bool = False, required: bool = False):
    value = (value or "").strip().replace(",", ".").replace("\u2212", "-")
    if not value:
        if required:
            errors.setdefault(path, []).append(_("this field is required"))
        return None
    try:
        number = float(value)
    except ValueError:
        errors.setdefault(path, []).append(_("must be a number") if not integer else _("must be a whole number"))
        return None
    if integer:
        if not number.is_integer():
            errors.setdefault(path, []).append(_("must be a whole number"))
            return None
        return int(number)
    return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number


parse_number = _number  # public name, for the grading queue's points


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").replace("\r\n", "\n").split("\n") if line.strip()]


def _checked(data, name: str) -> bool:
    return data.get(name) in ("on", "1", "true", "yes")


def _posted_index(data, name: str, kept: list[dict]) -> int | None:
    """The row (in the kept order) a radio button named ``name`` points at."""
    value = data.get(name)
    for i, row in enumerate(kept):
        if row["_posted"] == value:
            return i
    return None


def _options(data, errors: Errors, path: str = "spec.options") -> list[dict]:
    kept = rows(data, "options", ("id", "text"))
    used = {row["id"].strip() for row in kept if row["id"].strip()}
    free = (c for c in OPTION_IDS if c not in used)
    for row in kept:
        if not row["id"].strip():
            row["id"] = next(free, "")
    return kept


# ---------------------------------------------------------------- items


def item_spec_key(item_type: str, data) -> tuple[dict, Any, Errors]:
    """The ``spec`` and ``key`` an item editor posted, with unreadable values at their paths."""
    errors: Errors = {}
    spec: dict[str, Any] = {}
    key: Any = {}
    if item_type == Item.Type.ERROR_SPANS:
        if _checked(data, "labels_required"):
            spec["labels_required"] = True
        spans = []
        for i, row in enumerate(rows(data, "spans", ("start", "end", "failure_mode", "severity", "corrections"),
                                     ignore=("severity",))):
            path = f"key.spans[{i}]"
            span: dict[str, Any] = {
                "start": _number(errors, row["start"], f"{path}.start", integer=True, required=True),
                "end": _number(errors, row["end"], f"{path}.end", integer=True, required=True),
                "failure_mode": row["failure_mode"].strip(),
            }
            if not span["failure_mode"]:
                errors.setdefault(f"{path}.failure_mode", []).append(_("choose a failure mode"))
            if row["severity"].strip():
                span["severity"] = row["severity"].strip()
            corrections = _lines(row["corrections"])
            if corrections:
                span["corrections"] = corrections
            spans.append(span)
        key = {"spans": spans}
    elif item_type in (Item.Type.SINGLE_CHOICE, Item.Type.MULTIPLE_CHOICE, Item.Type.RELIANCE_DECISION):
        kept = _options(data, errors)
        spec["options"] = [{"id": row["id"].strip(), "text": row["text"].strip()} for row in kept]
        ids = [o["id"] for o in spec["options"]]
        if item_type == Item.Type.SINGLE_CHOICE:
            if _checked(data, "certainty"):
                spec["certainty"] = True
            right = _posted_index(data, "answer", kept)
            key = {"answer": ids[right]} if right is not None else {}
            if right is None:
                errors.setdefault("key.answer", []).append(_("mark the right option"))
        elif item_type == Item.Type.MULTIPLE_CHOICE:
            correct, weights = [], {}
            for i, row in enumerate(kept):
                if _checked(data, f"options-{row['_posted']}-correct"):
                    correct.append(ids[i])
                weight = _number(errors, data.get(f"options-{row['_posted']}-weight", ""), f"key.weights.{ids[i]}")
                if weight is not None:
                    weights[ids[i]] = weight
            key = {"correct": correct}
            if weights:
                key["weights"] = weights
        else:
            spec = {"question": (data.get("question") or "").strip(), **spec}
            ai = _posted_index(data, "ai_answer", kept)
            right = _posted_index(data, "answer", kept)
            if ai is not None:
                spec["ai_answer"] = ids[ai]
            else:
                errors.setdefault("spec.ai_answer", []).append(_("mark the option the AI recommends"))
            spec["decide_first"] = _checked(data, "decide_first")
            spec["ask_confidence"] = _checked(data, "ask_confidence")
            key = {"answer": ids[right]} if right is not None else {}
            if right is None:
                errors.setdefault("key.answer", []).append(_("mark the right option"))
    elif item_type == Item.Type.NUMERIC:
        if (data.get("unit") or "").strip():
            spec["unit"] = data.get("unit").strip()
        key = {"value": _number(errors, data.get("value", ""), "key.value", required=True)}
        for name in ("tolerance_abs", "tolerance_rel"):
            value = _number(errors, data.get(name, ""), f"key.{name}")
            if value is not None:
                key[name] = value
    elif item_type == Item.Type.SCRIPT_CONCORDANCE:
        spec = {"hypothesis": (data.get("hypothesis") or "").strip(),
                "new_information": (data.get("new_information") or "").strip()}
        panel = {}
        for name, value in SCALE:
            votes = _number(errors, data.get(f"panel_{name}", ""), f'key.panel.{value}', integer=True)
            panel[str(value)] = votes if votes is not None else 0
        key = {"panel": panel}
    elif item_type == Item.Type.FREE_TEXT:
        words = _number(errors, data.get("max_words", ""), "spec.max_words", integer=True)
        if words is not None:
            spec["max_words"] = words
        if _checked(data, "auto"):
            spec["auto"] = True
        criteria = []
        for i, row in enumerate(rows(data, "criteria", ("id", "text", "points", "look_for"))):
            path = f"key.criteria[{i}]"
            criterion: dict[str, Any] = {
                "id": row["id"].strip() or f"criterion-{i + 1}",
                "text": row["text"].strip(),
                "points": _number(errors, row["points"], f"{path}.points", required=True),
            }
            groups = [[alt.strip() for alt in line.split("|") if alt.strip()] for line in _lines(row["look_for"])]
            if groups:
                criterion["look_for"] = groups
            criteria.append(criterion)
        key = {"criteria": criteria}
    return spec, key, errors


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
    for row in option_rows:
        row["is_answer"] = row["id"] == key.get("answer")
        row["is_ai"] = row["id"] == spec.get("ai_answer")
        row["correct"] = row["id"] in correct
        row["weight"] = "" if weights.get(row["id"]) is None else weights[row["id"]]
        row["errors"] += [f"{_('weight')}: {m}" for m in errors.get(f"key.weights.{row['id']}", [])]
    editor["options"] = option_rows + _blank(("id", "text", "weight"), len(option_rows), 3 if not option_rows else BLANK_ROWS)
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
    panel = key.get("panel") if isinstance(key.get("panel"), dict) else {}
    panel = {str(k).lstrip("+"): v for k, v in panel.items()}
    editor["panel"] = [
        {"name": name, "value": value, "votes": panel.get(str(value), ""), "label": f"{value:+d}" if value else "0"}
        for name, value in SCALE
    ]
    return editor


def item_editor_from_post(item_type: str, data, errors: Errors) -> dict:
    spec, key, _parse_errors = item_spec_key(item_type, data)
    return item_editor(item_type, spec, key, errors)


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


# ---------------------------------------------------------------- answers (preview)


def answer_from_post(item: Item, data) -> tuple[dict, Errors]:
    """The answer payload a trainee form posted (the API's shape), for the in-memory preview."""
    errors: Errors = {}
    answer: dict[str, Any] = {}
    if item.type == Item.Type.ERROR_SPANS:
        spans = []
        for i, row in enumerate(rows(data, "answer-spans", ("start", "end", "label", "correction"), ignore=("label",))):
            span: dict[str, Any] = {
                "start": _number(errors, row["start"], f"answer.spans[{i}].start", integer=True, required=True),
                "end": _number(errors, row["end"], f"answer.spans[{i}].end", integer=True, required=True),
            }
            if row["label"].strip():
                span["label"] = row["label"].strip()
            if row["correction"].strip():
                span["correction"] = row["correction"].strip()
            spans.append(span)
        answer["spans"] = spans
    elif item.type == Item.Type.RELIANCE_DECISION:
        answer["decision"] = data.get("decision") or None
        if data.get("own_answer"):
            answer["answer"] = data.get("own_answer")
        confidence = _number(errors, data.get("confidence", ""), "answer.confidence", integer=True)
        if confidence is not None:
            answer["confidence"] = confidence
        if answer["decision"] is None:
            errors.setdefault("answer.decision", []).append(_("accept or override the AI output"))
    elif item.type == Item.Type.SINGLE_CHOICE:
        if data.get("choice"):
            answer["answer"] = data.get("choice")
        else:
            errors.setdefault("answer.answer", []).append(_("choose an option"))
        certainty = _number(errors, data.get("certainty", ""), "answer.certainty", integer=True)
        if certainty is not None:
            answer["certainty"] = certainty
    elif item.type == Item.Type.MULTIPLE_CHOICE:
        answer["answers"] = data.getlist("choices") if hasattr(data, "getlist") else list(data.get("choices", []))
    elif item.type == Item.Type.NUMERIC:
        answer["value"] = _number(errors, data.get("value", ""), "answer.value", required=True)
    elif item.type == Item.Type.SCRIPT_CONCORDANCE:
        answer["value"] = _number(errors, data.get("scale", ""), "answer.value", integer=True, required=True)
    elif item.type == Item.Type.FREE_TEXT:
        answer["text"] = (data.get("text") or "").replace("\r\n", "\n")
    return answer, errors


def taxonomy_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(competencies, failure modes) as (code, "CODE name") choices (2 queries)."""
    return (
        [(c.code, f"{c.code} {c.name}") for c in Competency.objects.all()],
        [(m.code, f"{m.code} {m.name}") for m in FailureMode.objects.all()],
    )
