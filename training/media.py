"""Course media served by the app itself (DEBUG and the demo), so that no file can run script.

Media are authors' uploads; an SVG is a document a browser runs when opened directly. The
upload checks (``courses.packages.svg``) refuse scripts, and this view makes sure that even
a file that slipped past them could not act on this origin: ``Content-Security-Policy:
default-src 'none'; style-src 'unsafe-inline'; sandbox`` (no script, no request, a unique
origin), ``X-Content-Type-Options: nosniff`` (the type is the one given, never guessed from
the bytes) and ``Content-Disposition: inline`` for images, ``attachment`` for anything else.
In production the web server serves ``/media/`` and must set the same headers (README,
"Services mode"), unless the media are in an S3 bucket (``VIGIL_S3_BUCKET``): the app then
serves them itself from the bucket, as the pages allow images from the site only.
"""
import mimetypes
from pathlib import PurePosixPath

from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.static import serve

from training.storage import is_folder

MEDIA_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
_IMAGES = {".png", ".jpg", ".jpeg", ".webp", ".svg"}


def media_headers(response, path: str):
    """``response`` with the headers every media file is served with."""
    name = PurePosixPath(path).name.replace('"', "")
    disposition = "inline" if PurePosixPath(name).suffix.lower() in _IMAGES else "attachment"
    response["Content-Security-Policy"] = MEDIA_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def serve_media(request, path: str):
    """A file of the media storage, with ``media_headers``."""
    if is_folder(default_storage):
        return media_headers(serve(request, path, document_root=default_storage.location), path)
    try:
        file = default_storage.open(path, "rb")
    except (FileNotFoundError, SuspiciousOperation) as exc:
        raise Http404("no such media file") from exc
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = FileResponse(file, content_type=content_type)
    response["Cache-Control"] = "max-age=86400"  # course media are named by their content hash
    return media_headers(response, path)
