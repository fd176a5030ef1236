"""Text clean-up shared by validation, search and import."""

from __future__ import annotations

import re
import unicodedata

# Characters a teacher can never mean to type into a name or note: C0/C1 controls (category
# Cc) other than tab and newline, and the Unicode "noncharacters" (U+FDD0 to U+FDEF and the last
# two code points of every plane).  Bidi marks and emoji are legitimate.  One regex, because
# an import checks every cell of a hundred thousand rows.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(17))
    + "]"
)


def clean_line(value: str) -> str:
    """One line of text as stored: NFC-normalised, trimmed, inner runs of spaces kept."""
    return unicodedata.normalize("NFC", value).strip()


def clean_block(value: str) -> str:
    """Multi-line free text as stored: NFC, Windows line ends folded, trailing space trimmed."""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def has_control_characters(value: str) -> bool:
    return _CONTROL.search(value) is not None


# Characters that change the direction of the text around them or are invisible: in a name they
# can make "gnp.exe" display as "exe.png" or hide a difference between two names that look
# the same.  Right-to-left letters themselves, and the joiners some scripts need, are fine.
_HIDING = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]  # embeddings and overrides
    + [chr(c) for c in range(0x2066, 0x206A)]  # isolates
    + [chr(c) for c in range(0x2060, 0x2065)]  # word joiner, invisible operators
    + ["\u200b", "\ufeff", "\u180e", "\u00ad"]  # zero-width space, BOM, Mongolian vowel sep.
)
_HIDING_RE = re.compile("[" + "".join(sorted(_HIDING)) + "]")


def hidden_character(value: str) -> str | None:
    """The first direction-changing or invisible character in ``value``, as "U+202E
    RIGHT-TO-LEFT OVERRIDE", or None."""
    found = _HIDING_RE.search(value)
    return None if found is None else describe_character(found.group())


def hidden_characters(value: str) -> list[str]:
    """Every direction-changing or invisible character in ``value`` (each once, in order),
    described as ``hidden_character`` describes them."""
    return [describe_character(c) for c in dict.fromkeys(_HIDING_RE.findall(value))]


def remove_hidden_characters(value: str) -> str:
    """``value`` without its direction-changing and invisible characters: what a teacher who
    agrees to have them removed gets (the letters around them are kept as they are)."""
    return _HIDING_RE.sub("", value)


def describe_character(char: str) -> str:
    """ "U+202E RIGHT-TO-LEFT OVERRIDE": the code point and its Unicode name, as refusals and
    the import dialog name a character the teacher cannot see."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'an unnamed character')}"


def _fold(text: str) -> str:
    folded = text.casefold()
    if folded.isascii():
        # Most names: nothing to decompose (an import folds a hundred thousand of them).
        return folded.translate(_FOLD)
    return unicodedata.normalize("NFKD", folded).translate(_FOLD_TABLE)


# Between surname and forename in a sort key: below every character a folded name holds, so
# "Smith, Ann" sorts before "Smithson, Al" (a space would not: "smith ann" > "smith" + "son").
_NAME_PARTS = "\x1f"
_NOT_ALNUM = re.compile(r"[\W_]+")


def name_sort_key(surname: str, forename: str) -> str:
    """How a student's name sorts: surname, then forename, folded as the search folds them.

    Case and accents are ignored as people expect of a list of names ("São João" among the
    S-a names, before "Smith"; "Łukasz" with the L's), the same folding that makes "lukasz"
    find "Łukasz", so that sorting and searching agree; punctuation separates words.  Stored
    in the database beside the name, so that the lists sort by an index rather than in Python.
    """
    return _sort_words(surname) + _NAME_PARTS + _sort_words(forename)


def _sort_words(name: str) -> str:
    # Punctuation inside a name separates words, as a hyphen or a space would: "Smith, Jr."
    # sorts as "smith jr", beside "Smith-Jones" ("smith jones") rather than by the comma's code.
    # (``[\W_]`` is exactly what ``str.isalnum`` is not; one regex runs far faster than a
    # test per character.)
    return _NOT_ALNUM.sub(" ", _fold(name)).strip()


def search_key(*parts: str | None) -> str:
    """A folded form for type-to-filter: case and diacritics ignored, so "lukasz" finds "Łukasz".

    NFKD splits most accented letters into base + combining mark; a few letters (Ł, Ø, Đ, ß)
    have no decomposition and are mapped by hand.
    """
    return _fold(" ".join(p for p in parts if p))


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


class _FoldTable(dict[int, "int | str | None"]):
    """``_FOLD`` plus every combining mark mapped to nothing, for ``str.translate``: each
    character is looked up once and remembered, so folding runs at C speed after the first
    few names rather than testing every character in Python."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_FOLD_TABLE = _FoldTable(_FOLD)
