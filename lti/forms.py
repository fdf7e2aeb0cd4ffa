"""The registration form of the school's LTI page (new and edit): each field refused with
what is wrong, before anything is written."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy

from . import registration_rules

URL_FIELDS = ("issuer", "auth_login_url", "auth_token_url", "keyset_url")


class PlatformForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    issuer = forms.CharField(label=gettext_lazy("Platform issuer (iss)"), max_length=255)
    client_id = forms.CharField(label=gettext_lazy("Client id"), max_length=255)
    deployment_ids = forms.CharField(label=gettext_lazy("Deployment ids, one a line"),
                                     widget=forms.Textarea(attrs={"rows": 2}))
    auth_login_url = forms.CharField(label=gettext_lazy("Authentication request URL"), max_length=500)
    auth_token_url = forms.CharField(label=gettext_lazy("Access token URL"), max_length=500)
    keyset_url = forms.CharField(label=gettext_lazy("Public keyset URL"), max_length=500)

    def clean(self):
        data = super().clean()
        for name in URL_FIELDS:
            if name in data:
                problem = registration_rules.url_problem(
                    data[name], allow_loopback_http=settings.VIGIL_LTI_ALLOW_HTTP_LOOPBACK)
                if problem:
                    self.add_error(name, problem)
                else:
                    data[name] = data[name].strip()
        return data

    def full_clean(self):
        """A field in error names its message (read with it by screen readers)."""
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{self[name].id_for_label}-error"})

    def clean_deployment_ids(self):
        ids, problems = registration_rules.deployment_ids_parse(self.cleaned_data["deployment_ids"])
        if problems:
            raise forms.ValidationError(problems)
        return ids

    @classmethod
    def of(cls, platform) -> "PlatformForm":
        """The form filled with a registration, to edit it."""
        initial = {f: getattr(platform, f) for f in ("name", "issuer", "client_id", *URL_FIELDS[1:])}
        initial["deployment_ids"] = "\n".join(d.deployment_id for d in platform.deployments.all())
        return cls(initial=initial)
