"""Forms of the practice-report pages (the rules are the services')."""
from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import FailureMode

from .models import PracticeReport, ToolCategory
from .services import MAX_TEXT


class ReportForm(forms.Form):
    tool_name = forms.CharField(label=_("Which AI tool"), max_length=200,
                                help_text=_("Its name as you know it at work (for example the scribe of the ward)."))
    tool_category = forms.ChoiceField(label=_("Its category of use"), choices=ToolCategory.choices)
    failure_mode = forms.ChoiceField(label=_("How the AI failed"), required=False,
                                     help_text=_("Vigil's taxonomy of failure modes; leave empty if unsure."))
    severity = forms.ChoiceField(label=_("Severity"), choices=PracticeReport.Severity.choices)
    ai_output = forms.CharField(label=_("What the AI produced"), max_length=MAX_TEXT,
                                widget=forms.Textarea(attrs={"rows": 4}))
    what_was_wrong = forms.CharField(label=_("What was wrong with it"), max_length=MAX_TEXT,
                                     widget=forms.Textarea(attrs={"rows": 4}))
    clinician_action = forms.CharField(label=_("What the clinician did"), required=False, max_length=MAX_TEXT,
                                       widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["failure_mode"].choices = [("", _("Not sure"))] + [
            (code, f"{code} — {name}") for code, name in FailureMode.objects.values_list("code", "name")]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Triage"), choices=[
        (s, label) for s, label in PracticeReport.Status.choices if s != PracticeReport.Status.CASE])


class ToCaseForm(forms.Form):
    module = forms.TypedChoiceField(label=_("Module of a draft of yours"), coerce=int)

    def __init__(self, *args, modules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [
            (m.pk, f"{m.version.title} (v{m.version.number}) — {m.title}") for m in modules]


class SharingForm(forms.Form):
    share = forms.BooleanField(label=_("Count our reports in the cross-school observatory"), required=False)
