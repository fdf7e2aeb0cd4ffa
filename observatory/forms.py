"""Forms of the practice-report pages (the rules are the services')."""
from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import FailureMode

from .models import PracticeReport, ToolCategory
from .services import MAX_TEXT


OTHER = "other"


class ReportForm(forms.Form):
    """A report; "which tool" is one of the school's register, by category of use, or "other",
    named in ``tool_name`` with its category. A tool of another school is refused by name."""

    tool = forms.CharField(label=_("Which AI tool"), widget=forms.Select,
                           help_text=_("The tools of your school's register, by category of use."))
    tool_name = forms.CharField(label=_("Another tool: its name"), max_length=200, required=False,
                                help_text=_("Only for a tool that is not in the list: its name as you know it at "
                                            "work (for example the scribe of the ward)."))
    tool_category = forms.ChoiceField(label=_("Another tool: its category of use"), required=False,
                                      choices=[("", "—"), *ToolCategory.choices])
    failure_mode = forms.ChoiceField(label=_("How the AI failed"), required=False,
                                     help_text=_("Vigil's taxonomy of failure modes; leave empty if unsure."))
    severity = forms.ChoiceField(label=_("Severity"), choices=PracticeReport.Severity.choices)
    ai_output = forms.CharField(label=_("What the AI produced"), max_length=MAX_TEXT,
                                widget=forms.Textarea(attrs={"rows": 4}))
    what_was_wrong = forms.CharField(label=_("What was wrong with it"), max_length=MAX_TEXT,
                                     widget=forms.Textarea(attrs={"rows": 4}))
    clinician_action = forms.CharField(label=_("What the clinician did"), required=False, max_length=MAX_TEXT,
                                       widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, tools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.tool_ids = {tool_id for _group, members in tools for tool_id, _name in members}
        self.fields["tool"].widget.choices = [("", _("Choose the tool")), *tools,
                                              (_("Not in the register"), [(OTHER, _("Another tool (name it below)"))])]
        self.fields["failure_mode"].choices = [("", _("Not sure"))] + [
            (fm.code, f"{fm.code} — {fm.label}") for fm in FailureMode.objects.all()]

    def clean_tool(self):
        value = self.cleaned_data["tool"]
        if value == OTHER:
            return None
        if not value.isdigit() or int(value) not in self.tool_ids:
            raise forms.ValidationError(_("This tool is not in your school's register: choose one of the list, "
                                          "or “another tool” and name it."))
        return int(value)

    def clean(self):
        data = super().clean()
        if "tool" in data and data["tool"] is None:
            if not (data.get("tool_name") or "").strip():
                self.add_error("tool_name", _("Name the tool, or choose it from the register."))
            if not data.get("tool_category"):
                self.add_error("tool_category", _("Choose its category of use."))
        return data

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["tool_id"] = data.pop("tool")
        if data["tool_id"] is not None:
            data["tool_name"], data["tool_category"] = "", ""
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Triage"), choices=[
        (s, label) for s, label in PracticeReport.Status.choices if s != PracticeReport.Status.CASE])
    reply = forms.CharField(label=_("Reply to the reporter"), required=False, max_length=MAX_TEXT,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("They read it on their page of reports; no patient data."))

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        if report is not None and report.status == PracticeReport.Status.CASE:
            self.fields["status"].choices = PracticeReport.Status.choices


class ToCaseForm(forms.Form):
    module = forms.TypedChoiceField(label=_("Module of a draft of yours"), coerce=int)

    def __init__(self, *args, modules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [
            (m.pk, f"{m.version.title} (v{m.version.number}) — {m.title}") for m in modules]


class SharingForm(forms.Form):
    share = forms.BooleanField(label=_("Count our reports in the cross-school observatory"), required=False)
