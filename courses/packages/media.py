"""Media files of a course, from a package, a Moodle file or an upload: type and size
checks, image sizes, and their content-addressed storage.

Uploads are a classic way in, so a file is accepted only when its extension, its first
bytes and its size all agree with an image type trainees' browsers render safely: PNG,
JPEG, WebP, and SVG made only of drawing elements (an SVG is a document that can run
JavaScript when opened directly: ``courses.packages.svg`` parses it and checks every
element and attribute against an allowlist). Media are also served so that no file can
run script on the site's origin (``training.media``, and the web server's headers in the
README). The same checks serve every way in; only the wording differs, a clause
in a package's list of problems (``media_file``, ``read_media``) or a sentence to the
author who uploaded the file (``upload_content_type``). Files are stored under
``courses/<sha256>.<ext>``: the same image in ten versions is stored once, and a failed
import leaves at most an unreferenced copy of a file, never a row pointing at nothing.

Markdown texts (prompts, rationales, options, vignettes…) may show a media file as an
image, ``![alt](media/scan.png)``; ``MEDIA_REFERENCE`` finds those references, so a
package carries the files its texts show and a file renamed on import is renamed in them.
"""
import hashlib
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from .svg import SvgProblem, check_svg

MAX_BYTES = 5 * 1024 * 1024
CONTENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}
# Looks like an SVG at all (the parser of courses.packages.svg then decides what it holds).
_SVG_START = re.compile(rb"^\s*<[?!a-zA-Z]")
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
        if ok:
            try:
                check_svg(content)
            except SvgProblem as problem:
                raise MediaProblem(_(
                    "SVG files may hold only drawing elements (no scripts, event handlers, foreign "
                    "content or external references); this one has %(what)s",
                ) % {"what": problem}) from None
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


def upload_content_type(name: str, content: bytes) -> str:
    """The content type of an image an author uploads as ``name``, once its extension, size
    and first bytes are checked; MediaProblem, addressed to the author, if refused."""
    suffix = PurePosixPath(name or "").suffix.lower()
    content_type = CONTENT_TYPES.get(suffix)
    if content_type is None:
        raise MediaProblem(_("Unsupported file type %(ext)s; upload a PNG, JPEG, SVG or WebP image.") % {
            "ext": suffix or _("(none)"),
        })
    if len(content) > MAX_BYTES:
        raise MediaProblem(_("The file is %(size)s bytes; at most %(max)s bytes (5 MiB) are accepted.") % {
            "size": len(content), "max": MAX_BYTES,
        })
    check_content(content, content_type)
    return content_type


def image_size(content: bytes, content_type: str) -> tuple[int, int] | None:
    """The intrinsic size in pixels of a PNG, JPEG, WebP or SVG, when it can be read."""
    try:
        if content_type == "image/png" and content[12:16] == b"IHDR":
            return struct.unpack(">II", content[16:24])
        if content_type == "image/jpeg":
            return _jpeg_size(content)
        if content_type == "image/webp":
            return _webp_size(content)
        if content_type == "image/svg+xml":
            return _svg_size(content)
    except (struct.error, ValueError, IndexError):
        return None
    return None


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(content):
        if content[i] != 0xFF:
            return None
        marker = content[i + 1]
        length = struct.unpack(">H", content[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            height, width = struct.unpack(">HH", content[i + 5:i + 9])
            return width, height
        i += 2 + length
    return None


def _webp_size(content: bytes) -> tuple[int, int] | None:
    chunk = content[12:16]
    if chunk == b"VP8X":
        return 1 + int.from_bytes(content[24:27], "little"), 1 + int.from_bytes(content[27:30], "little")
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", content[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":
        bits = int.from_bytes(content[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _svg_size(content: bytes) -> tuple[int, int] | None:
    head = content[:4096].decode("utf-8", "ignore")
    tag = re.search(r"<svg\b[^>]*>", head, re.S)
    if not tag:
        return None
    attrs = dict(re.findall(r'([\w:-]+)\s*=\s*"([^"]*)"', tag.group(0)))
    number = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(px)?\s*$")
    width, height = number.match(attrs.get("width", "")), number.match(attrs.get("height", ""))
    if width and height:
        return round(float(width.group(1))), round(float(height.group(1)))
    box = attrs.get("viewBox", "").replace(",", " ").split()
    if len(box) == 4:
        return round(float(box[2])), round(float(box[3]))
    return None


def store(media: MediaFile) -> str:
    """Save the file under its content hash (once) and return its storage name."""
    name = media.storage_name
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(media.content))
        if saved != name:  # a concurrent import stored the same bytes first
            default_storage.delete(saved)
    return name
