"""Course media in an S3-compatible bucket (``training.storage_settings``), imported only when
one is configured."""
from urllib.parse import quote

from django.conf import settings
from storages.backends.s3 import S3Storage


class MediaS3Storage(S3Storage):
    """Media addressed through the app's ``/media/`` view, never the bucket: the pages allow
    images from the site only, and the bucket stays private."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return f"/{settings.MEDIA_URL.strip('/')}/{quote(name)}"
