"""Media files of a package: type and size checks, and their content-addressed storage.

Uploads are a classic way in, so a file is accepted only when its extension, its first
bytes and its size all agree with an image type trainees' browsers render safely: PNG,
JPEG, WebP, and SVG without scripts (an SVG is a document that can run JavaScript when
opened directly). Files are stored under ``courses/<sha256>.<ext>``: the same image in
ten versions is stored once, and a failed import leaves at most an unreferenced copy of
a file, never a row pointing at nothing.
"""
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
CONTENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}
_SVG_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!DOCTYPE\s+svg[^>]*>\s*)?<svg[\s>]", re.S | re.I)
_SVG_ACTIVE = re.compile(rb"<\s*script|<\s*foreignObject|javascript:|\son[a-z]+\s*=|<!ENTITY", re.I)


class MediaProblem(Exception):
    """A media file that cannot be accepted; the message says why."""


@dataclass(frozen=True)
class MediaFile:
    path: str  # the path in the package, e.g. media/cxr.svg
    content: bytes
    content_type: str
    sha256: str

    @property
    def storage_name(self) -> str:
        return f"courses/{self.sha256}{Path(self.path).suffix.lower()}"


def read_media(root: Path, path: str) -> MediaFile:
    """Read and check the file at ``path`` inside the package folder ``root``."""
    base = root.resolve()
    target = (base / path).resolve()
    if base not in target.parents:
        raise MediaProblem(_("must be a path inside the package"))
    if not target.is_file():
        raise MediaProblem(_("file %(path)s not found in the package") % {"path": path})
    extension = target.suffix.lower()
    content_type = CONTENT_TYPES.get(extension)
    if content_type is None:
        raise MediaProblem(_("unsupported file type %(ext)s (accepted: PNG, JPEG, SVG, WebP)") % {
            "ext": extension or _("(none)"),
        })
    size = target.stat().st_size
    if size > MAX_BYTES:
        raise MediaProblem(_("file is %(size)s bytes; at most %(max)s are accepted (5 MiB)") % {
            "size": size, "max": MAX_BYTES,
        })
    content = target.read_bytes()
    check_content(content, content_type)
    return MediaFile(path, content, content_type, hashlib.sha256(content).hexdigest())


def check_content(content: bytes, content_type: str) -> None:
    """Raise MediaProblem unless the bytes really are of ``content_type``."""
    if content_type == "image/png":
        ok = content.startswith(b"\x89PNG\r\n\x1a\n")
    elif content_type == "image/jpeg":
        ok = content.startswith(b"\xff\xd8\xff")
    elif content_type == "image/webp":
        ok = content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    else:
        ok = _is_svg(content)
        if ok and _SVG_ACTIVE.search(content):
            raise MediaProblem(_("SVG files must not contain scripts, event handlers or entities"))
    if not ok:
        raise MediaProblem(_("the file's content is not %(type)s") % {"type": content_type})


def _is_svg(content: bytes) -> bool:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return bool(_SVG_START.match(content))


def store(media: MediaFile) -> str:
    """Save the file under its content hash (once) and return its storage name."""
    name = media.storage_name
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(media.content))
        if saved != name:  # a concurrent import stored the same bytes first
            default_storage.delete(saved)
    return name
