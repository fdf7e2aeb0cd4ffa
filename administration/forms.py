"""Forms of the school admin's pages: what each field accepts, in the admin's words."""
from django import forms
from django.utils.translation import gettext_lazy as _

from schools.models import Role
from schools.services import STAFF_ROLES


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    year = forms.IntegerField(label=_("Academic year"), required=False, min_value=2000, max_value=2100,
                              help_text=_("The year the cohort starts, for example 2026."))


class AssignmentForm(forms.Form):
    course = forms.ChoiceField(label=_("Course"))
    due_at = forms.DateTimeField(label=_("Due"), required=False, help_text=_("Leave empty for no due date."),
                                 widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    retake_new_versions = forms.BooleanField(
        label=_("New versions must be retaken"), required=False,
        help_text=_("When a new version is published, trainees who completed an older one are due for it."))

    def __init__(self, *args, courses: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [(c["slug"], f'{c["title"]} ({c["slug"]})') for c in courses]


class AssignmentChangeForm(AssignmentForm):
    """The same, for an assignment that exists: its course stays."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["course"]


class RoleForm(forms.Form):
    username = forms.CharField(label=_("Member (username)"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, r.label) for r in STAFF_ROLES])


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.HiddenInput)


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("Roster file (CSV)"),
                           help_text=_("A CSV file saved from a spreadsheet, with a header line; at most 2 MB."))


ROLE_LABELS = dict(Role.choices)
