"""Text clean-up shared by validation, search and import."""

from __future__ import annotations

import unicodedata

# Characters a teacher can never mean to type into a name or note: C0/C1 controls other than
# tab and newline, and the Unicode "noncharacters".  Bidi marks and emoji are legitimate.
_ALLOWED_CONTROLS = {"\t", "\n"}


def clean_line(value: str) -> str:
    """One line of text as stored: NFC-normalised, trimmed, inner runs of spaces kept."""
    return unicodedata.normalize("NFC", value).strip()


def clean_block(value: str) -> str:
    """Multi-line free text as stored: NFC, Windows line ends folded, trailing space trimmed."""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def has_control_characters(value: str) -> bool:
    for char in value:
        if char in _ALLOWED_CONTROLS:
            continue
        category = unicodedata.category(char)
        if category == "Cc" or (category == "Cn" and _is_noncharacter(char)):
            return True
    return False


# Characters that change the direction of the text around them or are invisible: in a name they
# can make "gnp.exe" display as "exe.png" or hide a difference between two names that look
# the same.  Right-to-left letters themselves, and the joiners some scripts need, are fine.
_HIDING = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]  # embeddings and overrides
    + [chr(c) for c in range(0x2066, 0x206A)]  # isolates
    + [chr(c) for c in range(0x2060, 0x2065)]  # word joiner, invisible operators
    + ["\u200b", "\ufeff", "\u180e", "\u00ad"]  # zero-width space, BOM, Mongolian vowel sep.
)


def hidden_character(value: str) -> str | None:
    """The first direction-changing or invisible character in ``value``, as "U+202E
    RIGHT-TO-LEFT OVERRIDE", or None."""
    for char in value:
        if char in _HIDING:
            return f"U+{ord(char):04X} {unicodedata.name(char, 'an unnamed character')}"
    return None


def _is_noncharacter(char: str) -> bool:
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def search_key(*parts: str | None) -> str:
    """A folded form for type-to-filter: case and diacritics ignored, so "lukasz" finds "Łukasz".

    NFKD splits most accented letters into base + combining mark; a few letters (Ł, Ø, Đ, ß)
    have no decomposition and are mapped by hand.
    """
    joined = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", joined.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(_FOLD)


# Letters with no decomposition, and punctuation inside names: "obrien" finds "O'Brien" and
# "smith jones" finds "Smith-Jones".
_FOLD = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        "ß": "ss",
        "'": None,
        "’": None,
        "‘": None,
        "`": None,
        "-": " ",
        "‐": " ",
    }
)
