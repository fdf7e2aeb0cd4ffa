"""Forms of the data-protection pages."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PrivacyPolicy

MAX_NOTICE_LENGTH = 20_000
MAX_RETENTION_DAYS = 3650


class PolicyForm(forms.Form):
    retention_days = forms.IntegerField(
        label=_("Days identifying data is kept after a cohort is archived"), required=False, min_value=30,
        max_value=MAX_RETENTION_DAYS,
        help_text=_("Leave empty to keep it until you erase a member. At least 30 days; admins are warned "
                    "14 days before an automatic erasure."))
    attestations_on_erasure = forms.ChoiceField(label=_("Attestations of an erased member"),
                                                choices=PrivacyPolicy.OnErasure.choices)
    contact = forms.CharField(label=_("Data-protection contact (shown in the notice and the record)"),
                              required=False, max_length=300)
    notice_en = forms.CharField(label=_("Privacy notice in English"), required=False, max_length=MAX_NOTICE_LENGTH,
                                widget=forms.Textarea(attrs={"rows": 8}))
    notice_fr = forms.CharField(label=_("Privacy notice in French"), required=False, max_length=MAX_NOTICE_LENGTH,
                                widget=forms.Textarea(attrs={"rows": 8}))


class MemberSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a member"), required=False, max_length=100,
                        help_text=_("Name, username, e-mail address or student number."))


class ErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that the member's identifying data will be erased for good."), required=True)
    reason = forms.CharField(label=_("Reason (for the audit log; do not write the member's name)"), required=False,
                             max_length=500)
