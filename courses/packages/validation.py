"""Everything that makes a package document valid, as one list of (path, message).

Two layers: the JSON Schema (shape, types, closed field sets) and the checks it cannot
express: slugs unique at each level, item → artifact references, codes present in the
taxonomy tables (admins may edit them, so the schema cannot list them), media files that
exist and are images (those of image artifacts and those Markdown texts show), ground
truths that agree with themselves, and each item's spec and key as judged by its own
grader (``validate_key``). The graders are the authority on spec/key, so schema errors
inside them are dropped in favour of the graders' messages: an author sees one message
per mistake.

Text the database cannot store (a NUL character, a lone surrogate: YAML's ``"\\0"`` and
``"\\ud800"`` escapes) is refused wherever it is (``training.text``).

Every check runs even when others failed, on whatever parts are well-formed, so an author
sees all the problems of a file at once. Used by the importer (on the YAML) and by
publishing (on the draft serialised to the same form), so both speak the same paths.
"""
import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from quizzes.graders import ITEM_TYPES, grader_for
from training.text import unstorable

from ..models import Competency, Course, FailureMode, MediaAsset
from ..rendering import markdown_length_problem
from .errors import Problem
from .media import media_references
from .paths import is_within, join, sort_key
from .schema import load_schema, schema_problems
from .unaided import unaided_problems
from .serialize import version_to_package

# Given a media path of the package, the reason it is unusable, or None when it is fine.
MediaCheck = Callable[[str], str | None]


def package_problems(data: Any, *, media_check: MediaCheck) -> list[Problem]:
    """All problems of ``data``, ordered as they appear in the file."""
    checker = _Checker(media_check)
    checker.long_texts(data, "")
    checker.document(data)
    problems = [
        problem for problem in schema_problems(data)
        if not any(is_within(problem[0], owned) for owned in checker.grader_owned)
    ]
    for problem in checker.problems + unstorable(data):
        if problem not in problems:
            problems.append(problem)
    return sorted(problems, key=lambda problem: sort_key(problem[0]))


def _dicts(value: Any) -> list[tuple[int, dict]]:
    """The (index, entry) pairs of a list that are objects; the schema reports the rest."""
    if not isinstance(value, list):
        return []
    return [(i, entry) for i, entry in enumerate(value) if isinstance(entry, dict)]


def _strings(value: Any) -> list[tuple[int, str]]:
    if not isinstance(value, list):
        return []
    return [(i, entry) for i, entry in enumerate(value) if isinstance(entry, str)]


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Checker:
    def __init__(self, media_check: MediaCheck):
        self.media_check = media_check
        self.problems: list[Problem] = []
        self.grader_owned: list[str] = []
        self.competencies = set(Competency.objects.values_list("code", flat=True))
        self.failure_modes = set(FailureMode.objects.values_list("code", flat=True))
        self.media_pattern = re.compile(load_schema()["$defs"]["mediaPath"]["pattern"])

    def add(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def long_texts(self, value: Any, path: str) -> None:
        """Every text of the package (Markdown or not) is at most MAX_MARKDOWN_CHARS long."""
        if isinstance(value, dict):
            for key, entry in value.items():
                self.long_texts(entry, join(path, str(key)))
        elif isinstance(value, list):
            for i, entry in enumerate(value):
                self.long_texts(entry, join(path, i))
        elif problem := markdown_length_problem(value):
            self.add(path, problem)

    def document(self, data: Any) -> None:
        if not isinstance(data, dict):
            return
        translation_of = data.get("translation_of")
        if isinstance(translation_of, str):
            if translation_of == data.get("slug"):
                self.add("translation_of", _("a course cannot be a translation of itself"))
            elif not Course.objects.filter(slug=translation_of).exists():
                self.add("translation_of", _("no course with slug %(slug)s") % {"slug": translation_of})
        hours = data.get("hours")
        if _number(hours) and round(hours, 1) != hours:
            self.add("hours", _("must have at most one decimal"))
        modules = _dicts(data.get("modules"))
        self.unique_slugs(modules, "modules")
        for i, module in modules:
            self.module(module, join("modules", i))

    def unique_slugs(self, entries: list[tuple[int, dict]], prefix: str) -> None:
        seen: dict[str, str] = {}
        for i, entry in entries:
            slug = entry.get("slug")
            if not isinstance(slug, str):
                continue
            path = join(prefix, i)
            if slug in seen:
                self.add(join(path, "slug"), _("duplicate slug %(slug)s (also used by %(other)s)") % {
                    "slug": slug, "other": seen[slug],
                })
            else:
                seen[slug] = path

    def module(self, module: dict, path: str) -> None:
        lessons = _dicts(module.get("lessons"))
        self.unique_slugs(lessons, join(path, "lessons"))
        for i, lesson in lessons:
            self.markdown(lesson, ("body",), join(join(path, "lessons"), i))
        cases = _dicts(module.get("cases"))
        self.unique_slugs(cases, join(path, "cases"))
        bodies = [(join(join(join(path, "lessons"), i), "body"), lesson["body"])
                  for i, lesson in lessons if isinstance(lesson.get("body"), str)]
        for i, case in cases:
            self.case(case, join(join(path, "cases"), i))
            self.problems.extend(unaided_problems(case=case, path=join(join(path, "cases"), i), lessons=bodies))

    def case(self, case: dict, path: str) -> None:
        self.markdown(case, ("vignette",), path)
        artifacts = _dicts(case.get("artifacts"))
        self.unique_slugs(artifacts, join(path, "artifacts"))
        by_slug: dict[str, dict] = {}
        for i, artifact in artifacts:
            self.artifact(artifact, join(join(path, "artifacts"), i))
            if isinstance(artifact.get("slug"), str):
                by_slug.setdefault(artifact["slug"], artifact)
        items = _dicts(case.get("items"))
        self.unique_slugs(items, join(path, "items"))
        for i, item in items:
            self.item(item, join(join(path, "items"), i), by_slug)

    def markdown(self, owner: dict, names: tuple[str, ...], path: str) -> None:
        """Check the media files the Markdown texts ``names`` of ``owner`` show or link to."""
        for name in names:
            self.markdown_text(owner.get(name), join(path, name))

    def markdown_text(self, value: Any, path: str) -> None:
        if not isinstance(value, str):
            return
        for reference in dict.fromkeys(media_references(value)):
            problem = self.media_check(reference) if self.media_pattern.match(reference) else None
            if problem:
                self.add(path, problem)

    def codes(self, value: Any, path: str, known: set[str], message: str) -> None:
        for i, code in _strings(value):
            if code not in known:
                self.add(join(path, i), message % {"code": code})

    def artifact(self, artifact: dict, path: str) -> None:
        truth = artifact.get("ground_truth")
        if isinstance(truth, dict):
            self.markdown(truth, ("explanation",), join(path, "ground_truth"))
            modes_path = join(join(path, "ground_truth"), "failure_modes")
            modes = truth.get("failure_modes")
            self.codes(modes, modes_path, self.failure_modes, _("unknown failure mode %(code)s"))
            if truth.get("correct") is True and modes:
                self.add(modes_path, _("must be empty when the AI output is correct"))
            elif truth.get("correct") is False and not modes:
                self.add(modes_path, _("name at least one failure mode of an incorrect AI output"))
        content = artifact.get("content")
        if artifact.get("kind") == "image" and isinstance(content, dict):
            self.image(content, join(path, "content"))

    def image(self, content: dict, path: str) -> None:
        for name in ("src", "heatmap"):
            value = content.get(name)
            if isinstance(value, str) and self.media_pattern.match(value):
                problem = self.media_check(value)
                if problem:
                    self.add(join(path, name), problem)
        width, height = content.get("width"), content.get("height")
        if not (_number(width) and _number(height)):
            return
        for i, box in _dicts(content.get("overlays")):
            x, y, w, h = (box.get(k) for k in ("x", "y", "w", "h"))
            if all(_number(v) for v in (x, y, w, h)) and (x + w > width or y + h > height):
                self.add(join(join(path, "overlays"), i), _("the box goes beyond the %(width)s×%(height)s image") % {
                    "width": width, "height": height,
                })

    def item(self, item: dict, path: str, artifacts: dict[str, dict]) -> None:
        self.codes(item.get("competencies"), join(path, "competencies"), self.competencies,
                   _("unknown competency %(code)s"))
        self.codes(item.get("failure_modes"), join(path, "failure_modes"), self.failure_modes,
                   _("unknown failure mode %(code)s"))
        self.markdown(item, ("prompt", "rationale"), path)
        for i, hint in _strings(item.get("hints")):
            self.markdown_text(hint, join(join(path, "hints"), i))
        key = item.get("key") if isinstance(item.get("key"), dict) else {}
        if isinstance(key.get("feedback"), dict):
            for option, text in key["feedback"].items():
                self.markdown_text(text, join(join(join(path, "key"), "feedback"), str(option)))
        else:
            self.markdown_text(key.get("feedback"), join(join(path, "key"), "feedback"))
        for i, entry in _dicts(key.get("answers")):
            self.markdown(entry, ("feedback",), join(join(join(path, "key"), "answers"), i))
        for part, field in (("spec", "options"), ("key", "criteria")):
            owner = item.get(part)
            for i, entry in _dicts(owner.get(field) if isinstance(owner, dict) else None):
                self.markdown(entry, ("text",), join(join(join(path, part), field), i))
        reference = item.get("artifact")
        artifact = None
        if isinstance(reference, str):
            artifact = artifacts.get(reference)
            if artifact is None:
                self.add(join(path, "artifact"), _("no artifact %(slug)s in this case") % {"slug": reference})
        if item.get("type") in ITEM_TYPES:
            self.grader_checks(item, path, artifact, dangling=reference is not None and artifact is None)

    def grader_checks(self, item: dict, path: str, artifact: dict | None, *, dangling: bool) -> None:
        """Run the item type's ``validate_key`` and report its errors at package paths."""
        has_key = "key" in item
        errors = grader_for(item["type"]).validate_key(item.get("spec", {}), item.get("key"), _grader_view(artifact))
        self.grader_owned.append(join(path, "spec"))
        if has_key:
            self.grader_owned.append(join(path, "key"))
        for error in errors:
            if (not has_key and is_within(error.path, "key")) or (dangling and error.path == "artifact"):
                continue  # already reported: the missing key, the unknown artifact
            where = join(path, error.path) if error.path else path
            message = _(error.message)
            self.add(where, message % error.params if error.params else message)
            self.grader_owned.append(where)


def _grader_view(artifact: dict | None) -> dict | None:
    """The artifact as graders see it: kind, content and the ground truth."""
    if artifact is None:
        return None
    truth = artifact.get("ground_truth") if isinstance(artifact.get("ground_truth"), dict) else {}
    return {
        "kind": artifact.get("kind"),
        "content": artifact.get("content"),
        "ground_truth": {"correct": truth.get("correct"), "failure_modes": truth.get("failure_modes") or []},
    }


def version_problems(*, version) -> list[Problem]:
    """The problems of a stored version, as if it were exported and re-imported.

    Media are checked against the version's MediaAsset rows (their bytes were checked
    when they were stored).
    """
    paths = set(MediaAsset.objects.filter(version=version).values_list("path", flat=True))

    def media_check(path: str) -> str | None:
        return None if path in paths else _("no media file %(path)s in this version") % {"path": path}

    return package_problems(version_to_package(version), media_check=media_check)

