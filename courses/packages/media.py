"""Media files of a package: type and size checks, and their content-addressed storage.

Uploads are a classic way in, so a file is accepted only when its extension, its first
bytes and its size all agree with an image type trainees' browsers render safely: PNG,
JPEG, WebP, and SVG without scripts (an SVG is a document that can run JavaScript when
opened directly). Files are stored under ``courses/<sha256>.<ext>``: the same image in
ten versions is stored once, and a failed import leaves at most an unreferenced copy of
a file, never a row pointing at nothing.

Markdown texts (prompts, rationales, options, vignettes…) may show a media file as an
image, ``![alt](media/scan.png)``; ``MEDIA_REFERENCE`` finds those references, so a
package carries the files its texts show and a file renamed on import is renamed in them.
"""
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

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
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")
# The target of a Markdown image or link that names a media path: ](media/x.png) or ](<media/x.png>).
MEDIA_REFERENCE = re.compile(r"(\]\(\s*<?)(media/[^\s()<>]+)")


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
    content_type = media_type(target.name)
    check_size(target.stat().st_size)
    content = target.read_bytes()
    check_content(content, content_type)
    return MediaFile(path, content, content_type, hashlib.sha256(content).hexdigest())


def media_file(path: str, content: bytes) -> MediaFile:
    """Check bytes to be stored at the package path ``path`` (type, size, first bytes)."""
    content_type = media_type(path)
    check_size(len(content))
    check_content(content, content_type)
    return MediaFile(path, content, content_type, hashlib.sha256(content).hexdigest())


def media_type(name: str) -> str:
    """The content type of a media file named ``name``, by its extension; MediaProblem if refused."""
    extension = PurePosixPath(name).suffix.lower()
    content_type = CONTENT_TYPES.get(extension)
    if content_type is None:
        raise MediaProblem(_("unsupported file type %(ext)s (accepted: PNG, JPEG, SVG, WebP)") % {
            "ext": extension or _("(none)"),
        })
    return content_type


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise MediaProblem(_("file is %(size)s bytes; at most %(max)s are accepted (5 MiB)") % {
            "size": size, "max": MAX_BYTES,
        })


def free_media_path(name: str, taken: set[str]) -> str:
    """A package path media/<safe name> for a file called ``name`` that is not in ``taken``."""
    suffix = PurePosixPath(name or "").suffix.lower()
    stem = _SAFE_NAME.sub("-", PurePosixPath(name or "").stem).strip("-.") or "image"
    stem = re.sub(r"^[^A-Za-z0-9_]+", "", stem)[:80] or "image"
    path, n = f"media/{stem}{suffix}", 2
    while path in taken:
        path, n = f"media/{stem}-{n}{suffix}", n + 1
    return path


def media_references(text: str) -> list[str]:
    """The media paths a Markdown text shows or links to, in order."""
    return [match.group(2) for match in MEDIA_REFERENCE.finditer(text or "")]


def rename_references(value, renamed: Mapping[str, str]):
    """``value`` (a text, or lists and dicts of texts) with its media references renamed."""
    if isinstance(value, str):
        return MEDIA_REFERENCE.sub(lambda m: m.group(1) + renamed.get(m.group(2), m.group(2)), value)
    if isinstance(value, list):
        return [rename_references(v, renamed) for v in value]
    if isinstance(value, dict):
        return {k: rename_references(v, renamed) for k, v in value.items()}
    return value


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
