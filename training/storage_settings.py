"""``settings.STORAGES`` from the environment: this machine's folders, or an S3-compatible
bucket that every web and worker machine reaches.

A cohort export or a member's archive is written by a Celery worker and downloaded through a
web process; an upload waiting for its import job goes the other way. On one machine (or with
a volume every machine mounts) folders do; across machines, set ``VIGIL_S3_BUCKET`` and both
kinds of files go to the bucket: course media under ``media/``, private files under
``private/``. The bucket stays private: private files are read only by the download views,
which check who asks and audit it; media are served by the app's ``/media/`` view with the
headers of ``training.media`` (the pages allow images from the site only, so a browser never
fetches from the bucket itself). Pure: settings call it, tests too.
"""
STATICFILES = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
FOLDER = "django.core.files.storage.FileSystemStorage"


def file_storages(*, private_root, s3: dict | None) -> dict:
    """Folders by default; with ``s3`` (``s3_options``), media and private files in the bucket."""
    if not s3:
        return {
            "default": {"BACKEND": FOLDER},  # MEDIA_ROOT, read when used (tests move it)
            "staticfiles": STATICFILES,
            "private": {"BACKEND": FOLDER,
                        "OPTIONS": {"location": private_root, "base_url": "/private-files-have-no-address/"}},
        }
    return {
        "default": {"BACKEND": "training.s3.MediaS3Storage", "OPTIONS": {**s3, "location": "media"}},
        "staticfiles": STATICFILES,
        "private": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**s3, "location": "private"}},
    }


def s3_options(*, bucket: str, endpoint_url: str = "", region: str = "", access_key: str = "",
               secret_key: str = "", addressing_style: str = "") -> dict:
    """django-storages' options for a private bucket. Empty keys leave boto3 its own chain
    (AWS_* variables, an instance role); an empty endpoint means AWS itself."""
    options = {
        "bucket_name": bucket,
        "default_acl": None,  # the bucket's policy (private): never a public-read object
        "querystring_auth": True,  # an address the storage would give out is signed, short-lived
        "querystring_expire": 300,
        "file_overwrite": False,  # as in a folder: a name taken gets a suffix, never replaced
    }
    optional = {"endpoint_url": endpoint_url, "region_name": region, "access_key": access_key,
                "secret_key": secret_key, "addressing_style": addressing_style}
    return {**options, **{key: value for key, value in optional.items() if value}}
