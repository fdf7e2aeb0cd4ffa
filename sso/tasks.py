"""Celery task of single sign-on: fetch an identity provider's metadata (a URL or a
federation's aggregate) into the database, where sign-ins read it."""
from celery import shared_task
from django.db import transaction

from . import services
from .metadata import MetadataError
from .models import IdentityProvider


@shared_task(name=services.REFRESH_TASK, soft_time_limit=120, time_limit=150)
def refresh_metadata(idp_id: int) -> None:
    """Refresh one identity provider's metadata; a failure is kept on the row to be shown."""
    idp = IdentityProvider.objects.filter(pk=idp_id).select_related("school").first()
    if idp is None or idp.source == IdentityProvider.Source.FILE:
        return
    try:
        with transaction.atomic():
            services.idp_refresh_metadata(idp=idp)
    except MetadataError:
        IdentityProvider.objects.filter(pk=idp_id).update(metadata_error=idp.metadata_error)
