"""A course version as the package document: the one canonical dict form.

The exporter dumps this dict to YAML and the publish check validates it, so a draft
edited through the API is checked by exactly the rules an imported package meets, with
the same paths. Keys come out in the documented order (JSONB does not keep the order of
``spec``, ``key`` and ``content``), which makes exports stable and diffs readable.
"""
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from ..models import Artifact, CourseVersion, Item, Module
from ..selectors import version_tree
from .schema import FORMAT

_OPTION = {"id": None, "text": None}
_SCALE = {"-2": None, "-1": None, "0": None, "1": None, "2": None}

CONTENT_SHAPES: dict[str, dict] = {
    "text": {"text": None},
    "prediction": {
        "model": None, "target": None, "output": None, "probability": None, "threshold": None,
        "features": {"name": None, "contribution": None},
    },
    "image": {
        "src": None, "alt": None, "width": None, "height": None,
        "overlays": {"x": None, "y": None, "w": None, "h": None, "label": None, "score": None},
        "heatmap": None,
    },
    "model_card": {
        "name": None, "version": None, "developer": None, "intended_use": None, "out_of_scope": None,
        "training_population": None, "performance": {"subgroup": None, "metric": None, "value": None},
        "limitations": None,
    },
    "chat": {"messages": {"role": None, "content": None}},
}
SPEC_SHAPES: dict[str, dict] = {
    "error_spans": {"labels_required": None},
    "reliance_decision": {
        "question": None, "options": _OPTION, "ai_answer": None, "decide_first": None, "ask_confidence": None,
    },
    "single_choice": {"options": _OPTION, "certainty": None},
    "multiple_choice": {"options": _OPTION},
    "numeric": {"unit": None},
    "script_concordance": {"hypothesis": None, "new_information": None},
    "free_text": {"max_words": None, "auto": None},
    "short_answer": {},
    "matching": {"stems": {"id": None, "text": None}, "choices": {"id": None, "text": None}},
}
KEY_SHAPES: dict[str, dict] = {
    "error_spans": {
        "spans": {"start": None, "end": None, "failure_mode": None, "severity": None, "corrections": None},
    },
    "reliance_decision": {"answer": None},
    "single_choice": {"answer": None, "also_right": None, "feedback": None},
    "multiple_choice": {"correct": None, "weights": None, "feedback": None},
    "numeric": {
        "value": None, "tolerance_abs": None, "tolerance_rel": None, "feedback": None,
        "answers": {"value": None, "tolerance_abs": None, "fraction": None, "feedback": None},
    },
    "script_concordance": {"panel": _SCALE},
    "free_text": {"criteria": {"id": None, "text": None, "points": None, "look_for": None}},
    "short_answer": {"answers": {"text": None, "fraction": None, "feedback": None}, "case_sensitive": None},
    "matching": {"pairs": None},
}


def canonical(value: Any, shape: dict | None) -> Any:
    """``value`` with dict keys in ``shape``'s order; unknown keys follow, sorted."""
    if isinstance(value, list):
        return [canonical(v, shape) for v in value]
    if not isinstance(value, dict):
        return value
    shape = shape or {}
    known = [k for k in shape if k in value]
    rest = sorted((k for k in value if k not in shape), key=str)
    return {k: canonical(value[k], shape.get(k)) for k in known + rest}


def hours_value(hours: Decimal) -> int | float:
    return int(hours) if hours == hours.to_integral_value() else float(hours)


def version_to_package(version: CourseVersion, modules: list[Module] | None = None) -> dict:
    """The package document of ``version`` (pass ``modules`` from version_tree to reuse it)."""
    course = version.course
    data: dict[str, Any] = {
        "format": FORMAT,
        "slug": course.slug,
        "language": version.language,
        "title": version.title,
    }
    if version.summary:
        data["summary"] = version.summary
    data["hours"] = hours_value(version.hours)
    if course.translation_of_id:
        data["translation_of"] = course.translation_of.slug
    if modules is None:
        modules = version_tree(version=version)
    data["modules"] = [_module(module) for module in modules]
    return data


def _module(module: Module) -> dict:
    data: dict[str, Any] = {"slug": module.slug, "title": module.title}
    if module.summary:
        data["summary"] = module.summary
    data["feedback_policy"] = module.feedback_policy
    data["lessons"] = [
        {"slug": lesson.slug, "title": lesson.title, "body": lesson.body} for lesson in module.lessons.all()
    ]
    data["cases"] = [
        {
            "slug": case.slug,
            "title": case.title,
            "vignette": case.vignette,
            "artifacts": [_artifact(artifact) for artifact in case.artifacts.all()],
            "items": [_item(item) for item in case.items.all()],
        }
        for case in module.cases.all()
    ]
    return data


def _artifact(artifact: Artifact) -> dict:
    data: dict[str, Any] = {"slug": artifact.slug, "kind": artifact.kind, "title": artifact.title}
    if artifact.source:
        data["source"] = artifact.source
    data["content"] = canonical(artifact.content, CONTENT_SHAPES.get(artifact.kind))
    truth: dict[str, Any] = {
        "correct": artifact.ai_correct,
        "failure_modes": sorted(mode.code for mode in artifact.failure_modes.all()),
    }
    if artifact.truth_explanation:
        truth["explanation"] = artifact.truth_explanation
    data["ground_truth"] = truth
    return data


def _item(item: Item) -> dict:
    data: dict[str, Any] = {"slug": item.slug, "type": item.type}
    if item.artifact_id:
        data["artifact"] = item.artifact.slug
    data["prompt"] = item.prompt
    data["competencies"] = sorted(c.code for c in item.competencies.all())
    data["failure_modes"] = sorted(m.code for m in item.failure_modes.all())
    spec = canonical(item.spec, SPEC_SHAPES.get(item.type))
    if spec:
        data["spec"] = spec
    try:
        key = item.key
    except ObjectDoesNotExist:
        key = None
    if key is not None:
        data["key"] = _ordered_key(item, canonical(key.answer, KEY_SHAPES.get(item.type)))
        if key.rationale:
            data["rationale"] = key.rationale
        if key.hints:
            data["hints"] = list(key.hints)
    if item.tags:
        data["tags"] = list(item.tags)
    if item.idnumber:
        data["idnumber"] = item.idnumber
    return data


def _ordered_key(item: Item, key: Any) -> Any:
    """Weights follow the order of the options, a panel the order of the scale."""
    if not isinstance(key, dict):
        return key
    weights = key.get("weights")
    if item.type == Item.Type.MULTIPLE_CHOICE and isinstance(weights, dict):
        spec = item.spec if isinstance(item.spec, dict) else {}
        options = spec.get("options") if isinstance(spec.get("options"), list) else []
        ids = [o.get("id") for o in options if isinstance(o, dict)]
        rank = {option_id: i for i, option_id in enumerate(ids)}
        key["weights"] = dict(sorted(weights.items(), key=lambda kv: (rank.get(kv[0], len(rank)), str(kv[0]))))
    panel = key.get("panel")
    if item.type == Item.Type.SCRIPT_CONCORDANCE and isinstance(panel, dict):
        key["panel"] = dict(sorted(panel.items(), key=lambda kv: _scale_rank(kv[0])))
    return key


def _scale_rank(name: Any) -> tuple:
    try:
        return (0, int(str(name).strip()), str(name))
    except ValueError:
        return (1, 0, str(name))
