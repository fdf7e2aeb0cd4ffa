"""Export a course's questions to Moodle XML or GIFT: the whole version, one module, or the
items chosen, with what each item becomes in Moodle (and loses) before the download.

GET shows the items of the version (``?version=N``, default as on the course page; only one
module's with ``?module=SLUG``), each with its Moodle type, what it loses in each format, or
why it is left out; POST downloads the file of the chosen format and items. Authors of the
course only (``courses.edit_course``, via ``course_for``).
"""
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from courses.question_export import FORMATS, export_filename, version_questions_export, version_questions_exports

from .access import author_required, course_for
from .studio import _pick_version, _versions

FORMAT_LABELS = {"moodle-xml": "Moodle XML", "gift": "GIFT"}


def _rows(xml, gift) -> list[dict]:
    """One row per item: where, type, Moodle type, losses (Moodle XML), GIFT's further losses, reason."""
    rows = []
    for line, gift_line in zip(xml.lines, gift.lines):
        module, case, item = line.where.split(" / ", 2)
        rows.append({"value": "/".join((module, case, item)), "module": module, "case": case, "item": item,
                     "line": line, "gift_losses": [loss for loss in gift_line.losses if loss not in line.losses]})
    return rows


@author_required
def questions_export(request, slug: str):
    course = course_for(request, slug)
    version = _pick_version(_versions(course), request.GET.get("version"))
    if version is None:
        raise Http404
    module = request.GET.get("module") or None
    if module is not None and not version.modules.filter(slug=module).exists():
        raise Http404
    errors = []
    fmt = "moodle-xml"
    chosen: set[str] | None = None
    if request.method == "POST":
        fmt = request.POST.get("format", "")
        chosen = set(request.POST.getlist("items"))
        if fmt not in FORMATS:
            errors.append(_("Choose a format: Moodle XML or GIFT."))
        elif not chosen:
            errors.append(_("Choose at least one item to export."))
        else:
            selected = {tuple(value.split("/", 2)) for value in chosen if value.count("/") == 2}
            result = version_questions_export(version=version, fmt=fmt, module=module, selected=selected)
            if result.exported:
                response = HttpResponse(result.content, content_type=f"{FORMATS[fmt][1]}; charset=utf-8")
                name = export_filename(course.slug, version.number, fmt, module)
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
            errors.append(_("None of the chosen items can be exported to Moodle: see why beside each one."))
    both = version_questions_exports(version=version, fmts=("moodle-xml", "gift"), module=module)
    xml, gift = both["moodle-xml"], both["gift"]
    rows = _rows(xml, gift)
    for row in rows:
        row["checked"] = row["line"].exported and (chosen is None or row["value"] in chosen)
    return render(request, "studio/questions_export.html", {
        "course": course, "version": version, "module": module, "rows": rows, "errors": errors,
        "formats": [(value, FORMAT_LABELS[value], value == fmt) for value in FORMATS],
        "exported": xml.exported, "left_out": len(xml.left_out),
    }, status=400 if errors else 200)
