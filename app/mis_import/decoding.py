"""Bytes to text: the encodings MIS exports and spreadsheet programs actually write.

UTF-8 with or without a byte-order mark, UTF-16 with a mark (Excel's "Unicode text"), and
otherwise Windows-1252, which older SIMS reports and Excel's plain "CSV" save use on British
Windows.  Files that are plainly not text (spreadsheets, PDFs, anything with NUL bytes) are
refused with a sentence saying what to do instead of being read as gibberish.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from app.errors import OwnWorkError

MAX_BYTES = 20 * 1024 * 1024

# (mark, codec, label); UTF-32 before UTF-16 because its little-endian mark starts with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 (with BOM)"),
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)

# Signatures of files teachers pick by mistake instead of the CSV they exported.
_NOT_CSV = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zipped file"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel workbook (.xls)"),
    (b"%PDF", "a PDF document"),
    (b"SQLite format 3", "a database file"),
)

_SAVE_AS_CSV = 'Open it in your spreadsheet program and save it as "CSV UTF-8", then import that.'

# UTF-7 (its byte-order marks, or a run of base64 for Latin letters such as "Zo+AOs-"): read as
# UTF-8 it would import "+AOs-" into a name, so it is refused instead.
_UTF7_MARKS = (b"+/v8", b"+/v9", b"+/v+", b"+/v/")
_UTF7_RUN = re.compile(rb"\+A[A-Za-z0-9+/]{2,}-")
# A well-formed UTF-8 sequence for a letter beyond ASCII: its presence in a file that is not
# valid UTF-8 throughout means two encodings were mixed (rows pasted from another export).
_UTF8_LETTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


class ImportFileError(OwnWorkError):
    """The file cannot be read as a CSV at all; nothing was imported."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    sha256: str


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing over-large files before reading them."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ImportFileError(f"{path} is not a file. Choose the CSV file to import.")
        if size > MAX_BYTES:
            raise ImportFileError(
                f"{path.name} is {size / 1024 / 1024:.1f} MB; a student list is never that "
                f"large (the limit is {MAX_BYTES // 1024 // 1024} MB). Check that you chose the "
                "right file."
            )
        return path.read_bytes()
    except OSError as error:
        raise ImportFileError(
            f"{path} could not be read ({error.strerror or error}). Check that the file exists "
            "and that you may open it."
        ) from error


def decode(data: bytes) -> DecodedText:
    """The text of a CSV file and the name of the encoding it was read as."""
    digest = hashlib.sha256(data).hexdigest()
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"The file is larger than {MAX_BYTES // 1024 // 1024} MB; a student list is never "
            "that large. Check that you chose the right file."
        )
    for signature, what in _NOT_CSV:
        if data.startswith(signature):
            raise ImportFileError(f"This file is {what}, not a CSV file. {_SAVE_AS_CSV}")
    for mark, codec, label in _BOMS:
        if data.startswith(mark):
            text = _strict(data, codec, label)
            break
    else:
        if b"\x00" in data:
            raise ImportFileError(
                f"This file contains binary data, so it is not a CSV file. {_SAVE_AS_CSV}"
            )
        if data.startswith(_UTF7_MARKS) or (data.isascii() and _UTF7_RUN.search(data)):
            raise ImportFileError(f"This file is in the UTF-7 encoding. {_SAVE_AS_CSV}")
        try:
            text, label = data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError as error:
            if _UTF8_LETTER.search(data):
                line = data[: error.start].count(b"\n") + 1
                raise ImportFileError(
                    "This file mixes two text encodings: most of it is UTF-8, but line "
                    f"{line} (byte {error.start + 1}) is not, so some names would be garbled. "
                    f"{_SAVE_AS_CSV}"
                ) from error
            label = "Windows-1252"
            text = _strict(data, "cp1252", label)
    if not text.strip():
        raise ImportFileError("The file is empty. Export the student list again and retry.")
    if "\x00" in text:
        raise ImportFileError(
            f"This file contains binary data, so it is not a CSV file. {_SAVE_AS_CSV}"
        )
    return DecodedText(text=text, encoding=label, sha256=digest)


def _strict(data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"This file could not be read as {label} text (byte {error.start + 1} is not valid). "
            f"{_SAVE_AS_CSV}"
        ) from error
