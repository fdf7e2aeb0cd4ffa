from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .hosts import endpoint_problem
from .models import LrsSettings


class LrsSettingsForm(forms.ModelForm):
    """The school's LRS settings. The secret is never shown back: blank keeps the stored one."""

    secret = forms.CharField(
        label=gettext_lazy("Secret (password)"), required=False, max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = LrsSettings
        fields = ["enabled", "endpoint", "key", "actor_mode", "home_page"]
        widgets = {"actor_mode": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_secret = bool(self.instance.secret)
        if self.has_secret:
            self.fields["secret"].help_text = _("A secret is stored; leave this empty to keep it.")

    def clean_endpoint(self):
        endpoint = self.cleaned_data.get("endpoint", "")
        problem = endpoint and endpoint_problem(endpoint)
        if problem:
            raise forms.ValidationError(problem)
        return endpoint

    def clean(self):
        data = super().clean()
        if data.get("enabled"):
            for field in ("endpoint", "key"):
                if not data.get(field):
                    self.add_error(field, _("Needed to send statements."))
            if not data.get("secret") and not self.has_secret:
                self.add_error("secret", _("Needed to send statements."))
        return data
