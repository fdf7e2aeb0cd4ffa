"""The register's forms: a tool (its fields as the service takes them) and a CSV file."""
from django import forms
from django.utils.translation import gettext_lazy as _

from schools.models import Role

from .models import Tool


class ToolForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    vendor = forms.CharField(label=_("Vendor"), max_length=200, required=False)
    version = forms.CharField(label=_("Version"), max_length=64, required=False)
    category = forms.ChoiceField(label=_("Category of use"))
    status = forms.ChoiceField(label=_("Status"), choices=Tool.Status.choices)
    evaluated_on = forms.DateField(label=_("Evaluated on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    pilot_on = forms.DateField(label=_("Pilot from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    deployed_on = forms.DateField(label=_("Deployed on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    retired_on = forms.DateField(label=_("Retired on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    intended_use = forms.CharField(label=_("Intended use"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                   max_length=5000)
    intended_users = forms.CharField(label=_("Intended users"), required=False, max_length=2000,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    high_risk = forms.BooleanField(label=_("High-risk AI system under the AI Act"), required=False)
    device_class = forms.ChoiceField(label=_("Medical-device class"), choices=Tool.DeviceClass.choices, required=False)
    known_limits = forms.CharField(label=_("Known limits"), required=False, max_length=5000,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    model_card_url = forms.URLField(label=_("Model card (link)"), required=False, max_length=500,
                                    assume_scheme="https")
    failure_modes = forms.MultipleChoiceField(label=_("Failure modes known or suspected"), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    user_roles = forms.MultipleChoiceField(label=_("Roles that use it"), required=False, choices=Role.choices,
                                           widget=forms.CheckboxSelectMultiple)
    cohorts = forms.MultipleChoiceField(label=_("Cohorts that use it"), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    departments = forms.CharField(label=_("Departments that use it"), required=False, max_length=2000,
                                  help_text=_("Separated by commas."))
    training = forms.MultipleChoiceField(label=_("Required training"), required=False,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text=_("A whole course, or one module of it."))

    def __init__(self, *args, categories, failure_modes, cohorts, training, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.code, _(c.name)) for c in categories]
        self.fields["failure_modes"].choices = [(fm.code, f"{fm.code} — {fm.label}") for fm in failure_modes]
        self.fields["cohorts"].choices = [(c.slug, c.name) for c in cohorts]
        self.fields["training"].choices = training

    @staticmethod
    def initial_of(tool: Tool) -> dict:
        return {
            **{name: getattr(tool, name) for name in (
                "name", "vendor", "version", "status", "evaluated_on", "pilot_on", "deployed_on", "retired_on",
                "intended_use", "intended_users", "high_risk", "device_class", "known_limits", "model_card_url",
                "user_roles")},
            "category": tool.category.code, "failure_modes": [fm.code for fm in tool.failure_modes.all()],
            "cohorts": [c.slug for c in tool.cohorts.all()], "departments": ", ".join(tool.departments),
            "training": [r.reference for r in tool.training.all()],
        }

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["departments"] = [d.strip() for d in data["departments"].split(",") if d.strip()]
        data["device_class"] = data.get("device_class") or ""
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))


class ModelCardForm(forms.Form):
    file = forms.FileField(label=_("Model card file"),
                           help_text=_("A PDF, or a Markdown or plain text file in UTF-8; at most 5 MB."))
