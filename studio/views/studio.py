"""Studio pages for courses as a whole: my courses, a course, its versions and packages."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses import authoring, services
from courses.apis import MAX_UPLOAD_BYTES
from courses.diff import version_diff
from studio.forms import (
    CoauthorForm, CourseCreateForm, CourseSettingsForm, PackageUploadForm, add_service_errors, questions_form_class,
)
from quizzes.item_analysis import version_item_analysis
from courses.models import Course, CourseVersion, ImportJob, Module
from courses.packages.archive import unpack_upload, zip_folder
from courses.packages.errors import PackageError
from courses.packages.loader import peek_slug
from courses.packages.exporter import course_package_export
from courses.packages.gift import GIFT_MAX_BYTES
from courses.services import course_package_import
from courses.packages.moodle_xml import MAX_BYTES as MOODLE_MAX_BYTES
from courses import import_jobs, question_import
from courses.packages.validation import version_problems
from courses.rendering import markdown_length_problem, render_markdown
from courses.selectors import course_draft, version_media_urls, version_tree
from schools.rules import authored_courses
from training.errors import ApplicationError

from .access import author_required, course_for



def _versions(course: Course) -> list[CourseVersion]:
    return list(course.versions.select_related("created_by").order_by("-number"))


def _pick_version(versions: list[CourseVersion], number: str | int | None) -> CourseVersion | None:
    if number not in (None, ""):
        for v in versions:
            if str(v.number) == str(number):
                return v
        return None
    draft = next((v for v in versions if v.status == CourseVersion.Status.DRAFT), None)
    return draft or (versions[0] if versions else None)


# ---------------------------------------------------------------- my courses


@author_required
def home(request):
    """The courses I own or co-author, with their versions; create or import one."""
    courses = (
        authored_courses(request.user).select_related("owner")
        .prefetch_related("versions").annotate(coauthor_count=Count("coauthors", distinct=True))
        .order_by("slug")
    )
    rows = []
    for course in courses:
        versions = sorted(course.versions.all(), key=lambda v: -v.number)
        rows.append({
            "course": course,
            "title": versions[0].title if versions else course.slug,
            "draft": next((v for v in versions if v.status == CourseVersion.Status.DRAFT), None),
            "published": next((v for v in versions if v.status == CourseVersion.Status.PUBLISHED), None),
            "versions": versions,
            "role": _("owner") if course.owner_id == request.user.pk else _("co-author"),
        })
    return render(request, "studio/home.html", {
        "rows": rows, "create_form": CourseCreateForm(), "import_form": PackageUploadForm(),
    })


@author_required
def course_create(request):
    form = CourseCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(
                slug=form.cleaned_data["slug"], title=form.cleaned_data["title"],
                language=form.cleaned_data["language"], user=request.user,
            )
        except ApplicationError as exc:
            add_service_errors(form, exc.errors, exc.message)
        else:
            messages.success(request, _("The course was created with an empty draft (version 1)."))
            return redirect("studio:course", slug=course.slug)
    return render(request, "studio/course_create.html", {"form": form}, status=400 if form.errors else 200)


# ---------------------------------------------------------------- a course


@author_required
def course_detail(request, slug: str):
    """A course: its versions, the tree of the chosen version (the draft by default), co-authors."""
    course = course_for(request, slug)
    versions = _versions(course)
    version = _pick_version(versions, request.GET.get("version"))
    modules = version_tree(version=version) if version else []
    draft = next((v for v in versions if v.status == CourseVersion.Status.DRAFT), None)
    latest_published = next((v for v in versions if v.status == CourseVersion.Status.PUBLISHED), None)
    return render(request, "studio/course.html", {
        "course": course, "versions": versions, "version": version, "modules": modules, "draft": draft,
        "latest_published": latest_published,
        "editable": version is not None and version.status == CourseVersion.Status.DRAFT,
        "coauthors": list(course.coauthors.order_by("username")),
        "coauthor_form": CoauthorForm(),
        "previous": _previous_number(versions, version),
    })


def _previous_number(versions: list[CourseVersion], version: CourseVersion | None) -> int | None:
    if version is None:
        return None
    older = [v.number for v in versions if v.number < version.number]
    return max(older) if older else None


@author_required
def course_settings(request, slug: str):
    course = course_for(request, slug)
    draft = course_draft(course=course)
    if draft is None:
        messages.error(request, _("Published versions are immutable; create a draft to change the course."))
        return redirect("studio:course", slug=slug)
    form = CourseSettingsForm(request.POST or None, initial={"title": draft.title, "summary": draft.summary,
                                                              "hours": draft.hours})
    if request.method == "POST" and form.is_valid():
        try:
            services.course_version_update(version=draft, **form.cleaned_data)
        except ApplicationError as exc:
            add_service_errors(form, exc.errors, exc.message)
        else:
            messages.success(request, _("The course details were saved."))
            return redirect("studio:course", slug=slug)
    return render(request, "studio/course_settings.html", {"course": course, "draft": draft, "form": form},
                  status=400 if form.errors else 200)


@author_required
@require_POST
def draft_create(request, slug: str):
    course = course_for(request, slug)
    try:
        draft = services.course_version_create_draft(course=course, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Draft version %(number)s was created from the latest version.") % {"number": draft.number})
    return redirect("studio:course", slug=slug)


@author_required
def coauthors(request, slug: str):
    course = course_for(request, slug)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        if request.POST.get("remove"):
            user = course.coauthors.filter(pk=request.POST.get("remove")).first()
            if user is not None:
                with transaction.atomic():
                    authoring.course_coauthor_remove(course=course, user=user, by=request.user)
                messages.success(request, _("%(name)s no longer shares this course.") % {"name": user.username})
        else:
            form = CoauthorForm(request.POST)
            if form.is_valid():
                with transaction.atomic():
                    user = authoring.course_coauthor_add(course=course, username=form.cleaned_data["username"],
                                                         by=request.user)
                messages.success(request, _("%(name)s can now edit this course.") % {"name": user.username})
            else:
                messages.error(request, _("Give the username of a faculty member."))
    except ApplicationError as exc:
        detail = " ".join(m for ms in exc.errors.values() for m in ms)
        messages.error(request, f"{exc.message} {detail}".strip())
        if exc.status_code == 403:
            return render(request, "studio/forbidden.html", {"message": exc.message}, status=403)
    return redirect(reverse("studio:course", args=[slug]) + "#coauthors")


# ---------------------------------------------------------------- publishing


_PATH_TOKEN = re.compile(r"^(modules|lessons|cases|artifacts|items)\[(\d+)\]$")


def problem_location(modules: list[Module], path: str) -> dict:
    """Where a publish problem is: a readable place and the page to fix it."""
    parts = re.findall(r"[a-z_]+\[\d+\]|[^.\[\]]+", path)
    place, url = [], None
    current = None
    rest_index = 0
    for i, part in enumerate(parts):
        match = _PATH_TOKEN.match(part)
        if not match:
            rest_index = i
            break
        name, index = match.group(1), int(match.group(2))
        try:
            if name == "modules":
                current = modules[index]
                place.append(_("Module “%(title)s”") % {"title": current.title})
                url = reverse("studio:module", args=[current.pk])
            elif name == "lessons":
                current = list(current.lessons.all())[index]
                place.append(_("lesson “%(title)s”") % {"title": current.title})
                url = reverse("studio:lesson", args=[current.pk])
            elif name == "cases":
                current = list(current.cases.all())[index]
                place.append(_("case “%(title)s”") % {"title": current.title})
                url = reverse("studio:case", args=[current.pk])
            elif name == "artifacts":
                current = list(current.artifacts.all())[index]
                place.append(_("AI output “%(title)s”") % {"title": current.title})
                url = reverse("studio:artifact", args=[current.pk])
            else:
                current = list(current.items.all())[index]
                place.append(_("item “%(slug)s”") % {"slug": current.slug})
                url = reverse("studio:item", args=[current.pk])
        except (IndexError, AttributeError):
            break
        rest_index = i + 1
    field = ".".join(parts[rest_index:]).replace(".[", "[")
    return {"place": " › ".join(place) or _("the course"), "field": field, "url": url, "path": path}


@author_required
def publish_check(request, slug: str):
    """Check before publishing: exactly what is missing in the draft, each with a link."""
    course = course_for(request, slug)
    draft = course_draft(course=course)
    if draft is None:
        messages.info(request, _("There is no draft to check."))
        return redirect("studio:course", slug=slug)
    modules = version_tree(version=draft)
    problems = [
        {**problem_location(modules, path), "message": message}
        for path, message in version_problems(version=draft)
    ]
    return render(request, "studio/check.html", {"course": course, "draft": draft, "problems": problems})


@author_required
@require_POST
def publish(request, slug: str):
    course = course_for(request, slug)
    draft = course_draft(course=course)
    if draft is None:
        messages.error(request, _("There is no draft to publish."))
        return redirect("studio:course", slug=slug)
    try:
        version = services.course_version_publish(version=draft, user=request.user)
    except ApplicationError as exc:
        messages.error(request, _("%(message)s The problems are listed below.") % {"message": exc.message})
        return redirect("studio:check", slug=slug)
    messages.success(request, _("Version %(number)s is published. Trainees starting a module now take it; "
                                "attempts already started keep their version.") % {"number": version.number})
    return redirect(reverse("studio:course", args=[slug]) + f"?version={version.number}")


@author_required
@require_POST
def withdraw(request, slug: str, number: int):
    course = course_for(request, slug)
    version = course.versions.filter(number=number).first()
    if version is None:
        raise Http404
    try:
        services.course_version_withdraw(version=version, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Version %(number)s is withdrawn: no new attempt starts on it; attempts taken on it "
                                    "keep it.") % {"number": number})
    return redirect("studio:course", slug=slug)


@author_required
def diff(request, slug: str):
    """What changed between two versions (by default: the previous one and the latest)."""
    course = course_for(request, slug)
    versions = _versions(course)
    new = _pick_version(versions, request.GET.get("to")) or (versions[0] if versions else None)
    old = _pick_version(versions, request.GET.get("from")) if request.GET.get("from") else None
    if old is None and new is not None:
        number = _previous_number(versions, new)
        old = _pick_version(versions, number) if number else None
    changes = version_diff(old=old, new=new) if old and new else []
    levels = {"course": _("Course"), "module": _("Module"), "lesson": _("Lesson"), "case": _("Case"),
              "artifact": _("AI output"), "item": _("Item")}
    statuses = {"added": _("added"), "removed": _("removed"), "changed": _("changed"), "moved": _("moved")}
    for change in changes:
        change.level_label = levels.get(change.level, change.level)
        change.status_label = statuses.get(change.status, change.status)
    return render(request, "studio/diff.html", {
        "course": course, "versions": versions, "old": old, "new": new, "changes": changes,
    })


# ---------------------------------------------------------------- packages


@author_required
def export(request, slug: str):
    """Download a version as a package: a zip of course.yaml and its media."""
    course = course_for(request, slug)
    version = _pick_version(_versions(course), request.GET.get("version"))
    if version is None:
        messages.error(request, _("This course has no version to export."))
        return redirect("studio:course", slug=slug)
    if version.status == CourseVersion.Status.DRAFT and request.GET.get("anyway") != "1":
        problems = version_problems(version=version)
        if problems:  # say what is missing before handing out a package that will not re-import
            modules = version_tree(version=version)
            return render(request, "studio/export_check.html", {
                "course": course, "version": version,
                "problems": [{**problem_location(modules, path), "message": message} for path, message in problems],
            })
    with tempfile.TemporaryDirectory() as folder:
        course_package_export(course=course, path=Path(folder), version=version)
        body = zip_folder(Path(folder))
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{course.slug}-v{version.number}.zip"'
    return response


@author_required
def package_import(request):
    """Upload a course package; every problem is listed with its place in course.yaml."""
    form = PackageUploadForm(request.POST or None, request.FILES or None)
    problems: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD_BYTES:
                form.add_error("file", _("The package is larger than 20 MiB."))
            elif import_jobs.import_in_background(upload.size):  # checked and imported by a worker
                job = import_jobs.import_job_request(
                    user=request.user, kind=ImportJob.Kind.PACKAGE, name=upload.name, content=upload.read(),
                    options={"publish": form.cleaned_data["publish"]},
                )
                return redirect("studio:import-job", pk=job.pk)
            else:
                with tempfile.TemporaryDirectory() as folder:
                    try:
                        path = unpack_upload(data=upload.read(), folder=Path(folder))
                        existing = Course.objects.filter(slug=peek_slug(path / "course.yaml")).first()
                        if existing and not request.user.has_perm("courses.edit_course", existing):
                            form.add_error("file", _("A course with this slug belongs to other authors; change the "
                                                     "slug in course.yaml to import it as a new course."))
                            status = 403
                        else:
                            version = course_package_import(path=path, user=request.user,
                                                            publish=form.cleaned_data["publish"])
                            messages.success(request, _("The package was imported as version %(number)s (%(status)s).") % {
                                "number": version.number, "status": version.get_status_display(),
                            })
                            return redirect(reverse("studio:course", args=[version.course.slug]) + f"?version={version.number}")
                    except PackageError as exc:
                        problems = exc.errors
                        form.add_error(None, _("The package is not valid; nothing was imported."))
                    except ApplicationError as exc:
                        form.add_error(None, exc.message)
    return render(request, "studio/import.html", {"form": form, "problems": problems}, status=status)


@author_required
def questions_import(request, slug: str):
    """Import Moodle XML or GIFT questions into the draft, with a report of what was left out."""
    course = course_for(request, slug)
    draft = course_draft(course=course)
    if draft is None:
        messages.error(request, _("Create a draft first: questions are imported into the draft."))
        return redirect("studio:course", slug=slug)
    modules = list(Module.objects.filter(version=draft).order_by("position"))
    Form = questions_form_class(modules)
    form = Form(request.POST or None, request.FILES or None, initial={"competency": "FND"})
    report = None
    problems: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(max(MOODLE_MAX_BYTES, GIFT_MAX_BYTES) + 1)
            name = Path(upload.name or "questions").name
            module = next((m for m in modules if str(m.pk) == form.cleaned_data["module"]), None)
            if import_jobs.import_in_background(len(data)):  # parsed, checked and imported by a worker
                job = import_jobs.import_job_request(
                    user=request.user, kind=ImportJob.Kind.QUESTIONS, name=name, content=data, version=draft,
                    options={"competency": form.cleaned_data["competency"], "module": module.pk if module else None,
                             "module_title": form.cleaned_data["module_title"]},
                )
                return redirect("studio:import-job", pk=job.pk)
            try:
                parsed = question_import.question_file_parse(
                    data=data, name=name, competency=form.cleaned_data["competency"])
                report = question_import.questions_import(
                    version=draft, parsed=parsed, module=module, module_title=form.cleaned_data["module_title"],
                )
                status = 200
            except PackageError as exc:
                problems = exc.errors
                form.add_error("file", _("The file could not be read; nothing was imported."))
            except ApplicationError as exc:
                form.add_error("file", exc.message)
                problems = [("", m) for ms in exc.errors.values() for m in ms]
    return render(request, "studio/questions_import.html", {
        "course": course, "draft": draft, "form": form, "report": report, "problems": problems,
    }, status=status)


@author_required
def analysis(request, slug: str, number: int):
    """Item analysis of a version: facility, discrimination, distractors, span detection."""
    course = course_for(request, slug)
    versions = _versions(course)
    version = _pick_version(versions, number)
    if version is None:
        return redirect("studio:course", slug=slug)
    stats = version_item_analysis(version=version)
    return render(request, "studio/analysis.html", {
        "course": course, "version": version, "versions": versions, "stats": stats,
        "weak": sum(1 for s in stats if s.weak), "answered": sum(1 for s in stats if s.responses),
    })


# ---------------------------------------------------------------- Markdown preview


@author_required
@require_POST
def markdown_preview(request):
    """The sanitised HTML of posted Markdown (what trainees will see), for the live preview;
    with ``version`` (one of the author's), its images show as they will."""
    text = request.POST.get("text", "")
    if problem := markdown_length_problem(text):
        message = _("The text was not previewed: it %(problem)s.") % {"problem": problem}
        return HttpResponse(format_html('<p class="error" role="alert">{}</p>', message),
                            content_type="text/html; charset=utf-8", status=400)
    version = request.POST.get("version", "")
    media = {}
    if version.isdigit() and authored_courses(request.user).filter(versions=int(version)).exists():
        media = version_media_urls(version_id=int(version))
    return HttpResponse(render_markdown(text, media), content_type="text/html; charset=utf-8")
