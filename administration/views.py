"""The school admin's pages: cohorts, assignments, members and their roles and accounts.

Thin views: the form checks the input, a service of ``schools.services`` makes the change and
writes its audit record, in the transaction the view opens. Only the school's admins (and
platform superusers) reach them; anyone else gets 404 (``administration.access``).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courses.selectors import assignable_course, assignable_courses
from schools import services
from schools.selectors import cohort_assignments, school_cohort_list, school_members
from training.errors import ApplicationError

from .access import assignment_of, cohort_for_admin, member_of, school_for_admin
from .forms import ROLE_LABELS, AssignmentChangeForm, AssignmentForm, CohortForm, MemberForm, RoleForm


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
        "school": school, "members": members, "tab": "members",
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


@login_required
@require_POST
def member_account(request, school_slug: str):
    """Switch a member's account off (``action=deactivate``) or back on (``action=reactivate``)."""
    school = school_for_admin(request, school_slug)
    form = MemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a member."))
        return _members_page(request, school, status=400)
    user = member_of(school, form.cleaned_data["username"])
    try:
        with transaction.atomic():
            if request.POST.get("action") == "reactivate":
                services.member_reactivate(school=school, user=user, actor=request.user)
                messages.success(request, _("%(name)s may sign in again.") % {"name": user.display_name})
            else:
                services.member_deactivate(school=school, user=user, actor=request.user)
                messages.success(request, _("%(name)s can no longer sign in; their records stay.")
                                 % {"name": user.display_name})
    except ApplicationError as exc:
        _refused(request, exc)
        return _members_page(request, school, status=exc.status_code)
    return redirect("administration:members", school_slug=school.slug)
