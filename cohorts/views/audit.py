"""The school's audit log for its admins: who read or changed which trainee's data, and when.

Only the school's admins (and platform superusers) may read it; anyone else gets 404, as
if the page did not exist. Reading the log, on the page or as CSV, is itself recorded.
The filters are checked by ``resolve_filters``, which the API (``cohorts.audit_apis``) shares.
"""
import csv
from collections.abc import Iterable, Iterator
from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from .. import services
from ..attestations import safe_cell
from ..audit_labels import ACTION_LABELS, action_choices, detail_json
from schools.models import AuditEvent, Cohort, School
from training.permissions import object_or_404
from training.validators import day_in_range
from schools.selectors import school_cohort_list, school_staff
from ..selectors.audit_log import audit_event_rows, school_audit_events, school_audit_person
from .common import PAGE_SIZE
from schools import services as school_services

CSV_HEADER = ("at", "actor_username", "actor_name", "actor_role", "action", "action_label", "trainee_username",
              "trainee_name", "cohort", "summary", "detail")
CSV_CHUNK = 1000


def school_for_admin(request: HttpRequest, slug: str) -> School:
    """The school if the user administers it; 404 otherwise (reviewers, faculty, trainees,
    other schools' admins), so the page's existence is not given away."""
    return object_or_404(request.user, "schools.view_audit_log", School.objects.all(), slug=slug)


def resolve_filters(
    *, school: School, cohorts: list[Cohort], trainee: str | None = None, actor: str | None = None,
    action: str | None = None, cohort_id: int | None = None, date_from: date | None = None,
    date_to: date | None = None,
) -> tuple[dict, dict[str, list[str]]]:
    """The keyword arguments of ``selectors.school_audit_events`` for filter values already of
    the right type, and the errors by field name (empty when all is well)."""
    found: dict = {"date_from": date_from, "date_to": date_to}
    errors: dict[str, list[str]] = {}
    for field, key, username in (("trainee", "subject", trainee), ("actor", "actor", actor)):
        if username:
            found[key] = school_audit_person(school=school, username=username)
            if found[key] is None:
                errors[field] = [_("No one of this school has this username.")]
    if action:
        found["action"] = action
        if action not in ACTION_LABELS:
            errors["action"] = [_("Choose one of the actions listed.")]
    if cohort_id is not None:
        found["cohort"] = next((c for c in cohorts if c.pk == cohort_id), None)
        if found["cohort"] is None:
            errors["cohort"] = [_("Choose a cohort of this school.")]
    if date_from and date_to and date_from > date_to:
        errors["date_to"] = [_("The end of the date range must not be before its start.")]
    return found, errors


def filters_detail(found: dict) -> dict:
    """The filters in use, as the audit event of the read keeps them (usernames, ids, ISO dates)."""
    detail = {
        "trainee": found["subject"].username if found.get("subject") else None,
        "actor": found["actor"].username if found.get("actor") else None,
        "action": found.get("action"),
        "cohort": found["cohort"].pk if found.get("cohort") else None,
        "date_from": found["date_from"].isoformat() if found.get("date_from") else None,
        "date_to": found["date_to"].isoformat() if found.get("date_to") else None,
    }
    return {key: value for key, value in detail.items() if value is not None}


def _date_input():
    return forms.DateInput(attrs={"type": "date"})


class AuditFilter(forms.Form):
    trainee = forms.CharField(label=gettext_lazy("Trainee (username)"), required=False, max_length=150)
    actor = forms.CharField(label=gettext_lazy("Staff member"), required=False, max_length=150, widget=forms.Select)
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    cohort = forms.TypedChoiceField(label=gettext_lazy("Cohort"), required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(label=gettext_lazy("First day"), required=False, validators=[day_in_range],
                                widget=_date_input())
    date_to = forms.DateField(label=gettext_lazy("Last day"), required=False, validators=[day_in_range],
                              widget=_date_input())
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.cohorts = school_cohort_list(school=school)
        self.found: dict = {}
        self.fields["actor"].widget.choices = [("", _("Anyone"))] + [
            (u.username, f"{u.display_name} ({u.username})" if u.get_full_name() else u.username)
            for u in school_staff(school=school)
        ]
        self.fields["action"].choices = [("", _("Any action"))] + action_choices()
        self.fields["cohort"].choices = [("", _("Any cohort"))] + [
            (str(c.pk), f"{c.name} ({c.year})" if c.year else c.name) for c in self.cohorts
        ]

    def clean(self):
        data = super().clean()
        self.found, errors = resolve_filters(
            school=self.school, cohorts=self.cohorts, trainee=data.get("trainee"), actor=data.get("actor"),
            action=data.get("action"), cohort_id=data.get("cohort"), date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field, message)
        actor = self.found.get("actor")
        choices = self.fields["actor"].widget.choices
        if actor is not None and all(value != actor.username for value, _label in choices):
            choices.append((actor.username, actor.display_name))  # a former staff member, named in the log
        return data


@login_required
@require_GET
def audit_log(request, school_slug: str):
    school = school_for_admin(request, school_slug)
    form = AuditFilter(request.GET, school=school)
    context = {"school": school, "form": form}
    if not form.is_valid():
        return render(request, "cohorts/audit.html", context, status=400)
    page = Paginator(school_audit_events(school=school, **form.found), PAGE_SIZE).get_page(
        form.cleaned_data.get("page") or 1)
    rows = audit_event_rows(school=school, events=list(page.object_list))
    school_services.audit_record_school(actor=request.user, action="school.audit.read", school=school,
                                 subject=form.found.get("subject"),
                                 detail={"filters": filters_detail(form.found), "page": page.number})
    query = request.GET.copy()
    query.pop("page", None)
    context.update(page=page, rows=rows, query=query.urlencode(), filtered=bool(filters_detail(form.found)))
    return render(request, "cohorts/audit.html", context)


class _Echo:
    """A file for csv.writer that hands each line back instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def _csv_line(writer, row: dict) -> str:
    actor, subject = row["actor"] or {}, row["subject"] or {}
    return writer.writerow([safe_cell(v) for v in (
        timezone.localtime(row["at"]).isoformat(timespec="seconds"), actor.get("username", ""),
        actor.get("name", ""), actor.get("role", ""), row["action"], row["action_label"],
        subject.get("username", ""), subject.get("name", ""), row["cohort"]["name"] if row["cohort"] else "",
        row["summary"], detail_json(row["detail"]),
    )])


def _chunks(events: Iterable[AuditEvent], size: int) -> Iterator[list[AuditEvent]]:
    chunk = []
    for event in events:
        chunk.append(event)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def audit_csv_lines(*, school: School, events, language: str) -> Iterator[str]:
    """The events as CSV lines (UTF-8 with a byte-order mark, for spreadsheets), read from the
    database a chunk at a time so a long log never sits in memory; text that a spreadsheet
    would run as a formula is neutralised (``safe_cell``)."""
    writer = csv.writer(_Echo())
    with translation.override(language):  # streamed after the view returned: keep its language
        yield "\ufeff" + writer.writerow(CSV_HEADER)
        for chunk in _chunks(events.iterator(chunk_size=CSV_CHUNK), CSV_CHUNK):
            for row in audit_event_rows(school=school, events=chunk):
                yield _csv_line(writer, row)


@login_required
@require_GET
def audit_log_csv(request, school_slug: str):
    school = school_for_admin(request, school_slug)
    form = AuditFilter(request.GET, school=school)
    if not form.is_valid():
        return render(request, "cohorts/audit.html", {"school": school, "form": form}, status=400)
    download = school_services.audit_record_school(
        actor=request.user, action="school.audit.download", school=school, subject=form.found.get("subject"),
        detail={"filters": filters_detail(form.found), "format": "csv"})
    events = school_audit_events(school=school, **form.found).exclude(pk=download.pk)  # as it was when asked
    response = StreamingHttpResponse(
        audit_csv_lines(school=school, events=events, language=translation.get_language()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="audit-{school.slug}-{timezone.localdate().isoformat()}.csv"')
    return response
