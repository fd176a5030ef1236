"""The zip container of a case bundle, written exactly one way and read back strictly.

Every member is stored uncompressed, with fixed metadata (date 1980-01-01, Unix, mode 0600, no
extra fields or comments), in the order case.json, attachments, manifest.json, with nothing
before, between or after them.  ``check_layout`` compares every header byte with that, so any
change to the file is caught: to content by the CRC-32 and the SHA-256 manifest, to metadata
because it differs from what OwnWork writes.  Being uncompressed also rules out zip bombs.
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
import struct
import zipfile
from pathlib import Path
from typing import IO, Any, Final

from app.errors import OwnWorkError

CASE: Final = "case.json"
MANIFEST: Final = "manifest.json"
MAX_CASE_BYTES: Final = 64 * 1024 * 1024
MAX_MANIFEST_BYTES: Final = 1024 * 1024
MAX_ATTACHMENTS: Final = 500
MAX_BUNDLE_BYTES: Final = 4 * 1024 * 1024 * 1024

MEMBER_NAME = re.compile(r"case\.json|manifest\.json|attachments/[0-9a-f]{64}")
_DATE_TIME: Final = (1980, 1, 1, 0, 0, 0)
_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1
_EXTERNAL_ATTR: Final = (stat.S_IFREG | 0o600) << 16
_CREATE_SYSTEM: Final = 3  # Unix
_ZIP_VERSION: Final = 20
_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_CENTRAL_FIXED = _CENTRAL.size
_END = struct.Struct("<4sHHHHIIH")
CHUNK: Final = 1 << 20


class BundleError(OwnWorkError):
    """A bundle was refused; the message says why, and that nothing was changed."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"The case bundle was not imported: {reason} Nothing was changed.")


def member_info(name: str, size: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_DATE_TIME)
    info.compress_type = zipfile.ZIP_STORED
    info.create_system = _CREATE_SYSTEM
    info.external_attr = _EXTERNAL_ATTR
    info.file_size = size
    return info


def copy_checked(source: IO[bytes], sha256: str, target: IO[bytes]) -> None:
    """Copy a stored file (read from the evidence store) into ``target``, refusing it if its
    content is no longer what was recorded."""
    digest = hashlib.sha256()
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        target.write(chunk)
    if digest.hexdigest() != sha256:
        raise OwnWorkError(
            f"The stored file {sha256} no longer matches its SHA-256, so the case was not "
            "exported. Run Verify records."
        )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check_layout(handle: IO[bytes], size: int, infos: list[zipfile.ZipInfo]) -> None:
    """Every byte of the file must be where, and what, OwnWork's writer puts it."""
    altered = "the file has been altered (its zip structure is not the one OwnWork writes)."
    if size < _END.size:
        raise BundleError("the file is truncated.")
    handle.seek(size - _END.size)
    end = _END.unpack(handle.read(_END.size))
    central_size = sum(_CENTRAL_FIXED + len(i.filename) for i in infos)
    offset = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        name = info.filename.encode("ascii")
        canonical_member = (
            info.date_time == _DATE_TIME
            and info.compress_type == zipfile.ZIP_STORED
            and info.flag_bits == 0
            and info.create_system == _CREATE_SYSTEM
            and info.create_version == _ZIP_VERSION
            and info.extract_version == _ZIP_VERSION
            and info.reserved == 0
            and info.volume == 0
            and info.internal_attr == 0
            and info.external_attr == _EXTERNAL_ATTR
            and info.extra == b""
            and info.comment == b""
            and info.compress_size == info.file_size
            and info.header_offset == offset
        )
        if not canonical_member:
            raise BundleError(altered)
        handle.seek(offset)
        header = handle.read(_LOCAL.size)
        if len(header) != _LOCAL.size:
            raise BundleError("the file is truncated.")
        expected = (
            b"PK\x03\x04",
            _ZIP_VERSION,
            0,
            zipfile.ZIP_STORED,
            _DOS_TIME,
            _DOS_DATE,
            info.CRC,
            info.file_size,
            info.file_size,
            len(name),
            0,
        )
        if _LOCAL.unpack(header) != expected or handle.read(len(name)) != name:
            raise BundleError(altered)
        offset += _LOCAL.size + len(name) + info.file_size
    # The central directory too, byte for byte: zipfile reads it from a buffer cut to its
    # declared size, so a flipped name, extra or comment length would otherwise pass unseen.
    handle.seek(offset)
    for info in sorted(infos, key=lambda i: i.header_offset):
        name = info.filename.encode("ascii")
        expected_central = (
            b"PK\x01\x02",
            _ZIP_VERSION,
            _CREATE_SYSTEM,
            _ZIP_VERSION,
            0,
            0,
            zipfile.ZIP_STORED,
            _DOS_TIME,
            _DOS_DATE,
            info.CRC,
            info.file_size,
            info.file_size,
            len(name),
            0,
            0,
            0,
            0,
            _EXTERNAL_ATTR,
            info.header_offset,
        )
        raw = handle.read(_CENTRAL.size)
        if (
            len(raw) != _CENTRAL.size
            or _CENTRAL.unpack(raw) != expected_central
            or handle.read(len(name)) != name
        ):
            raise BundleError(altered)
    expected_end = (b"PK\x05\x06", 0, 0, len(infos), len(infos), central_size, offset, 0)
    if end != expected_end or size != offset + central_size + _END.size:
        raise BundleError(altered)


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, what: str) -> bytes:
    if info.file_size > limit:
        raise BundleError(f"its {what} is larger than OwnWork accepts.")
    with archive.open(info) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise BundleError(f"its {what} is larger than OwnWork accepts.")
    return data


def json_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, what: str
) -> tuple[bytes, Any]:
    data = read_member(archive, info, limit, what)
    try:
        return data, json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BundleError(f"its {what} is not valid JSON ({error}).") from error


def hash_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    digest = hashlib.sha256()
    with archive.open(info) as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
