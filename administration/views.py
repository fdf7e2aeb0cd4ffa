"""The school admin's pages: cohorts, assignments, members and their roles and accounts.

Thin views: the form checks the input, a service of ``schools.services`` makes the change and
writes its audit record, in the transaction the view opens. Only the school's admins (and
platform superusers) reach them; anyone else gets 404 (``administration.access``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courses.selectors import assignable_course, assignable_courses
from schools import services
from schools.selectors import cohort_assignments, roster_plan, school_cohort_list, school_members
from training import csvtext
from training.errors import ApplicationError

from .access import assignment_of, cohort_for_admin, member_of, school_for_admin
from .forms import ROLE_LABELS, AssignmentChangeForm, AssignmentForm, CohortForm, MemberForm, RoleForm, RosterUploadForm
from .roster import COLUMN_LABELS, MAX_BYTES, RosterRefused, decode, parse_text


def _refused(request, exc: ApplicationError) -> None:
    messages.error(request, exc.message)


@login_required
@require_http_methods(["GET"])
def school_home(request, school_slug: str):
    school = school_for_admin(request, school_slug)
    cohorts = school_cohort_list(school=school)
    return render(request, "administration/school.html", {
        "school": school, "tab": "cohorts", "active": [c for c in cohorts if c.archived_at is None],
        "archived": [c for c in cohorts if c.archived_at is not None],
    })


@login_required
@require_http_methods(["GET", "POST"])
def cohort_new(request, school_slug: str):
    school = school_for_admin(request, school_slug)
    form = CohortForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    cohort = services.cohort_create(school=school, name=form.cleaned_data["name"],
                                                    year=form.cleaned_data["year"], actor=request.user)
                messages.success(request, _("The cohort %(name)s is created.") % {"name": cohort.name})
                return redirect("administration:cohort", cohort_id=cohort.pk)
            except ApplicationError as exc:
                form.add_error("name", exc.message)
        status = 400
    return render(request, "administration/cohort_new.html", {"school": school, "form": form, "tab": "cohorts"},
                  status=status)


def _cohort_page(request, cohort, *, form=None, assign_form=None, status=200):
    courses = assignable_courses(school_id=cohort.school_id)
    assignments = cohort_assignments(cohort=cohort)
    taken = {a.course.slug for a in assignments}
    free = [c for c in courses if c["slug"] not in taken]
    return render(request, "administration/cohort.html", {
        "school": cohort.school, "cohort": cohort, "tab": "cohorts",
        "form": form or CohortForm(initial={"name": cohort.name, "year": cohort.year}),
        "assign_form": assign_form or AssignmentForm(courses=free, prefix="assign"),
        "can_assign": bool(free) and cohort.archived_at is None,
        "assignments": [(a, AssignmentChangeForm(courses=[], prefix=f"a-{a.course.slug}", initial={
            "due_at": a.due_at, "retake_new_versions": a.retake_new_versions})) for a in assignments],
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def cohort_edit(request, cohort_id: int):
    cohort = cohort_for_admin(request, cohort_id)
    if request.method == "GET":
        return _cohort_page(request, cohort)
    form = CohortForm(request.POST)
    if not form.is_valid():
        return _cohort_page(request, cohort, form=form, status=400)
    with transaction.atomic():
        services.cohort_update(cohort=cohort, name=form.cleaned_data["name"], year=form.cleaned_data["year"],
                               actor=request.user)
    messages.success(request, _("The cohort is saved."))
    return redirect("administration:cohort", cohort_id=cohort.pk)


@login_required
@require_POST
def cohort_archive(request, cohort_id: int):
    cohort = cohort_for_admin(request, cohort_id)
    with transaction.atomic():
        if request.POST.get("action") == "restore":
            services.cohort_restore(cohort=cohort, actor=request.user)
            messages.success(request, _("The cohort is out of the archive: its trainees may answer again."))
        else:
            services.cohort_archive(cohort=cohort, actor=request.user)
            messages.success(request, _("The cohort is archived: it stays readable and takes no new answers."))
    return redirect("administration:cohort", cohort_id=cohort.pk)


@login_required
@require_POST
def assignment_add(request, cohort_id: int):
    cohort = cohort_for_admin(request, cohort_id)
    courses = assignable_courses(school_id=cohort.school_id)
    form = AssignmentForm(request.POST, courses=courses, prefix="assign")
    if not form.is_valid():
        return _cohort_page(request, cohort, assign_form=form, status=400)
    course = next(c for c in courses if c["slug"] == form.cleaned_data["course"])
    try:
        with transaction.atomic():
            services.cohort_assign_course(
                cohort=cohort, course=assignable_course(school_id=cohort.school_id, slug=course["slug"]), due_at=form.cleaned_data["due_at"],
                retake_new_versions=form.cleaned_data["retake_new_versions"], actor=request.user)
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return _cohort_page(request, cohort, assign_form=form, status=exc.status_code)
    messages.success(request, _("The course %(course)s is assigned.") % {"course": course["title"]})
    return redirect("administration:cohort", cohort_id=cohort.pk)


@login_required
@require_POST
def assignment_change(request, cohort_id: int, slug: str):
    cohort = cohort_for_admin(request, cohort_id)
    assignment = assignment_of(cohort, slug)
    if request.POST.get("action") == "withdraw":
        with transaction.atomic():
            services.cohort_unassign_course(assignment=assignment, actor=request.user)
        messages.success(request, _("The course %(course)s is withdrawn; what trainees did stays on their record.")
                         % {"course": slug})
        return redirect("administration:cohort", cohort_id=cohort.pk)
    form = AssignmentChangeForm(request.POST, courses=[], prefix=f"a-{slug}")
    if not form.is_valid():
        messages.error(request, _("The due date is not valid."))
        return _cohort_page(request, cohort, status=400)
    with transaction.atomic():
        services.cohort_assign_course(cohort=cohort, course=assignment.course, due_at=form.cleaned_data["due_at"],
                                      retake_new_versions=form.cleaned_data["retake_new_versions"], actor=request.user)
    messages.success(request, _("The assignment of %(course)s is saved.") % {"course": slug})
    return redirect("administration:cohort", cohort_id=cohort.pk)


def _members_page(request, school, *, role_form=None, status=200):
    members = school_members(school=school)
    for member in members:
        member["role_names"] = [ROLE_LABELS[r] for r in member["roles"]]
    return render(request, "administration/members.html", {
        "school": school, "members": members, "tab": "members", "now": timezone.now(),
        "role_form": role_form or RoleForm(), "staff_roles": [r.value for r in services.STAFF_ROLES],
    }, status=status)


@login_required
@require_http_methods(["GET"])
def members(request, school_slug: str):
    return _members_page(request, school_for_admin(request, school_slug))


@login_required
@require_POST
def member_role(request, school_slug: str):
    """Grant (``action=grant``) or revoke (``action=revoke``) a staff role."""
    school = school_for_admin(request, school_slug)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _members_page(request, school, role_form=form, status=400)
    user = member_of(school, form.cleaned_data["username"])
    role = form.cleaned_data["role"]
    try:
        with transaction.atomic():
            if request.POST.get("action") == "revoke":
                services.member_role_revoke(school=school, user=user, role=role, actor=request.user)
                messages.success(request, _("%(name)s is no longer %(role)s.") % {
                    "name": user.display_name, "role": ROLE_LABELS[role]})
            else:
                services.member_role_grant(school=school, user=user, role=role, actor=request.user)
                messages.success(request, _("%(name)s is now %(role)s.") % {
                    "name": user.display_name, "role": ROLE_LABELS[role]})
    except ApplicationError as exc:
        _refused(request, exc)
        return _members_page(request, school, role_form=form, status=exc.status_code)
    return redirect("administration:members", school_slug=school.slug)


def _on_member(request, school_slug: str, act) -> HttpResponse:
    """One change to one member of the members page: the member chosen by username (of this
    school only), ``act(school, user)`` in its own transaction returning what to tell the admin,
    a refusal shown on the page with nothing written."""
    school = school_for_admin(request, school_slug)
    form = MemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a member."))
        return _members_page(request, school, status=400)
    user = member_of(school, form.cleaned_data["username"])
    try:
        with transaction.atomic():
            message = act(school, user)
    except ApplicationError as exc:
        _refused(request, exc)
        return _members_page(request, school, status=exc.status_code)
    messages.success(request, message)
    return redirect("administration:members", school_slug=school.slug)


@login_required
@require_POST
def member_account(request, school_slug: str):
    """Switch a member's account off (``action=deactivate``) or back on (``action=reactivate``)."""
    def act(school, user):
        if request.POST.get("action") == "reactivate":
            services.member_reactivate(school=school, user=user, actor=request.user)
            return _("%(name)s may sign in again.") % {"name": user.display_name}
        services.member_deactivate(school=school, user=user, actor=request.user)
        return _("%(name)s can no longer sign in; their records stay.") % {"name": user.display_name}
    return _on_member(request, school_slug, act)


# ---------------------------------------------------------------- roster upload

ROSTER_SESSION_KEY = "administration.roster"


def _roster_preview(parsed, plan) -> tuple[list[dict], list[dict]]:
    """The rows as the preview shows them, and every problem by line and column."""
    problems = [{"line": e.line, "column": e.column, "name": e.name, "message": e.message} for e in parsed.errors]
    rows = []
    for p in plan:
        entry = p["entry"]
        for key, message in p["errors"]:
            index = parsed.columns.index(key) + 1 if key in parsed.columns else None
            problems.append({"line": entry["line"], "column": index, "name": str(COLUMN_LABELS.get(key, key)),
                             "message": message})
        rows.append({"line": entry["line"], "status": p["status"], "entry": entry,
                     "name": " ".join(n for n in (entry["first_name"], entry["last_name"]) if n)
                     or (p["user"].display_name if p["user"] else ""),
                     "changes": [str(COLUMN_LABELS.get(c, c)) for c in p["changes"]]})
    problems.sort(key=lambda e: (e["line"], e["column"] or 0))
    return rows, problems


def _roster_page(request, school, *, form=None, status=200, **context):
    return render(request, "administration/roster.html", {
        "school": school, "tab": "roster", "form": form or RosterUploadForm(), **context}, status=status)


def _roster_read(request, school, text: str, encoding: str):
    parsed = parse_text(text, encoding=encoding)
    plan = roster_plan(school=school, entries=[r.as_entry() for r in parsed.rows])
    return parsed, plan


@login_required
@require_http_methods(["GET", "POST"])
def roster(request, school_slug: str):
    """Upload a roster (``action=preview``): each row is shown as new, updated, unchanged or in
    error, and nothing is written; confirm it (``action=confirm``) to apply it at once."""
    school = school_for_admin(request, school_slug)
    if request.method == "GET":
        return _roster_page(request, school)
    if request.POST.get("action") == "confirm":
        return _roster_confirm(request, school)
    form = RosterUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _roster_page(request, school, form=form, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_BYTES:
        form.add_error("file", _("The file is larger than 2 MB: split the roster into several files."))
        return _roster_page(request, school, form=form, status=400)
    try:
        text, encoding = decode(upload.read())
        parsed, plan = _roster_read(request, school, text, encoding)
    except RosterRefused as exc:
        form.add_error("file", exc.message)
        return _roster_page(request, school, form=form, status=400)
    rows, problems = _roster_preview(parsed, plan)
    digest = csvtext.keep_for_confirmation(request.session, ROSTER_SESSION_KEY, school_id=school.pk, text=text,
                                           encoding=encoding)
    counts = {s: sum(r["status"] == s for r in rows) for s in ("new", "updated", "unchanged", "error")}
    return _roster_page(request, school, form=form, rows=rows, problems=problems, counts=counts, digest=digest,
                        parsed=parsed, filename=upload.name, status=400 if problems else 200,
                        to_apply=counts["new"] + counts["updated"])


def _roster_confirm(request, school):
    kept = csvtext.kept_for_confirmation(request.session, ROSTER_SESSION_KEY, school_id=school.pk,
                                         sha=request.POST.get("digest"))
    if kept is None:
        messages.error(request, _("This preview is no longer the latest upload: upload the file again."))
        return _roster_page(request, school, status=409)
    try:
        with transaction.atomic():
            parsed, _plan = _roster_read(request, school, kept["text"], kept["encoding"])
            if parsed.errors:
                raise ApplicationError(_("Some rows are not valid; nothing was written."))
            counts = services.roster_apply(school=school, entries=[r.as_entry() for r in parsed.rows],
                                           actor=request.user)
    except (ApplicationError, RosterRefused) as exc:
        messages.error(request, exc.message)
        return _roster_page(request, school, status=getattr(exc, "status_code", 400))
    except IntegrityError:
        messages.error(request, _("The school changed while the roster was applied; nothing was written. "
                                  "Upload the file again."))
        return _roster_page(request, school, status=409)
    del request.session[ROSTER_SESSION_KEY]
    messages.success(request, _("Roster applied: %(new)s new, %(updated)s updated, %(unchanged)s unchanged.") % counts)
    return redirect("administration:members", school_slug=school.slug)


# ---------------------------------------------------------------- invitations

@login_required
@require_POST
def member_invite(request, school_slug: str):
    """E-mail a member a link to set their password (again: a resend ends the earlier link)."""
    def act(school, user):
        invitation = services.invitation_send(
            school=school, user=user, actor=request.user,
            link_for=lambda token: request.build_absolute_uri(reverse("invitation", args=[token])))
        return _("An invitation was sent to %(email)s, valid until %(until)s.") % {
            "email": user.email,
            "until": date_format(timezone.localtime(invitation.expires_at), "SHORT_DATETIME_FORMAT")}
    return _on_member(request, school_slug, act)


@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    """The link of an invitation: choose a password (Django's password validators), once,
    before it expires; an unknown, used or expired link gets a page saying so, and is logged."""
    try:
        with transaction.atomic():
            found = services.invitation_check(token=token)
    except services.InvitationRefused as refused:
        with transaction.atomic():
            services.invitation_refusal_record(refused=refused)
        return render(request, "administration/invitation_refused.html", {"message": refused.message},
                      status=refused.status_code)
    form = SetPasswordForm(found.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except services.InvitationRefused as refused:
            return render(request, "administration/invitation_refused.html", {"message": refused.message},
                          status=refused.status_code)
        except ApplicationError as exc:
            return render(request, "administration/invitation_refused.html", {"message": exc.message},
                          status=exc.status_code)
        messages.success(request, _("Your password is set: sign in with your username, %(username)s.")
                         % {"username": found.user.username})
        return redirect("login")
    return render(request, "administration/invitation.html", {"form": form, "invitation": found},
                  status=400 if request.method == "POST" else 200)
