"""The Django admin's pages for identity providers (until the school administration pages
call ``sso.services``): register from a metadata file or a URL, refresh fetched metadata."""
from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from training.errors import ApplicationError

from . import metadata, services
from .models import IdentityProvider


class IdentityProviderForm(forms.ModelForm):
    metadata_file = forms.FileField(
        label=_("metadata file"), required=False,
        help_text=_("For the file source: the identity provider's metadata (XML)."))

    class Meta:
        model = IdentityProvider
        fields = ["school", "name", "entity_id", "source", "metadata_url", "metadata_signing_cert", "discovery_url", "enabled",
                  *services.MAPPING_FIELDS]

    def clean(self):
        data = super().clean()
        upload = data.get("metadata_file")
        data["metadata_xml"] = None
        if upload:
            try:
                data["metadata_xml"] = metadata.entity_descriptor(upload.read(), (data.get("entity_id") or "").strip())
            except metadata.MetadataError as error:
                raise forms.ValidationError(error.message)
        elif data.get("source") == IdentityProvider.Source.FILE and not self.instance.metadata_xml:
            self.add_error("metadata_file", _("Upload the identity provider's metadata."))
        return data


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    form = IdentityProviderForm
    list_display = ["name", "school", "entity_id", "source", "enabled", "metadata_fetched_at", "metadata_error"]
    list_filter = ["school", "source", "enabled"]
    readonly_fields = ["metadata_fetched_at", "metadata_error"]
    actions = ["refresh_metadata"]

    def save_model(self, request, obj, form, change):
        xml = form.cleaned_data.get("metadata_xml")
        fields = {k: form.cleaned_data[k] for k in IdentityProviderForm.Meta.fields if k != "school"}
        with transaction.atomic():
            if change:
                fresh = IdentityProvider.objects.get(pk=obj.pk)
                services.idp_update(idp=fresh, actor=request.user, metadata_xml=xml, **fields)
            else:
                obj.pk = services.idp_register(school=form.cleaned_data["school"], actor=request.user,
                                               metadata_xml=xml, **fields).pk

    @admin.action(description=_("Fetch the metadata again (URL and aggregate sources)"))
    def refresh_metadata(self, request, queryset):
        for idp in queryset.exclude(source=IdentityProvider.Source.FILE):
            try:
                with transaction.atomic():
                    services.idp_refresh_metadata(idp=idp, actor=request.user)
                messages.success(request, _("Metadata of %(idp)s refreshed.") % {"idp": idp.name})
            except ApplicationError as error:
                messages.error(request, error.message)
