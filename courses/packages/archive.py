"""Course packages as zip archives (course.yaml + media/), for upload and download.

An uploaded archive is untrusted: names are checked before anything is written (no
absolute paths, no "..", no links), and the total size and number of files are bounded
so a zip bomb stops early. A damaged archive (a size header that lies, a wrong checksum,
corrupt compressed data, an unsupported method or encryption) is a ``PackageError`` naming
the file inside the archive, never a server error; no message names a path of the server.
"""
import io
import lzma
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

from .errors import PackageError

MAX_FILES = 500
MAX_TOTAL_BYTES = 50 * 1024 * 1024

# What zipfile raises on an archive that is damaged or that it cannot read: bad headers or
# checksums (BadZipFile), corrupt deflate/LZMA/bzip2 data (zlib.error, LZMAError, OSError),
# data ending early (EOFError), unsupported methods (NotImplementedError), encryption
# (RuntimeError), impossible offsets and sizes (ValueError).
DAMAGED = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, NotImplementedError, RuntimeError,
           ValueError)


def unpack_upload(*, data: bytes, folder: Path) -> Path:
    """The folder holding course.yaml of an uploaded package: a zip is extracted, plain YAML
    written as it is."""
    if data[:4] == b"PK\x03\x04":
        return extract_package(data=data, folder=folder)
    (folder / "course.yaml").write_bytes(data)
    return folder


def extract_package(*, data: bytes, folder: Path) -> Path:
    """Unpack a zip into ``folder`` and return the folder holding course.yaml."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except DAMAGED as exc:
        raise PackageError([("", _("The file is not a zip archive, or the archive is damaged."))]) from exc
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > MAX_FILES:
        raise PackageError([("", _("The archive holds more than %(max)d files.") % {"max": MAX_FILES})])
    if sum(m.file_size for m in members) > MAX_TOTAL_BYTES:
        raise PackageError([("", _("The archive is larger than 50 MiB once unpacked."))])
    problems = []
    for m in members:
        name = PurePosixPath(m.filename)
        if name.is_absolute() or ".." in name.parts or (m.external_attr >> 16) & 0o170000 == 0o120000:
            problems.append((m.filename, _("Unsafe file name in the archive.")))
    if problems:
        raise PackageError(problems)
    roots = {PurePosixPath(m.filename).parent for m in members if PurePosixPath(m.filename).name == "course.yaml"}
    if len(roots) != 1:
        raise PackageError([("", _("The archive must hold exactly one course.yaml."))])
    for m in members:
        target = folder / m.filename
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with archive.open(m) as source:
                content = source.read(MAX_TOTAL_BYTES + 1)
        except DAMAGED as exc:
            raise PackageError([(m.filename, _(
                "This file of the archive cannot be read: the archive is damaged (its recorded size or "
                "checksum does not match the data) or uses a compression or encryption Vigil does not read."
            ))]) from exc
        target.write_bytes(content)
    return folder / roots.pop()


def zip_folder(folder: Path) -> bytes:
    """The package folder as a zip, files in a stable order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()
