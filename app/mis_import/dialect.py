"""Text to rows: which separator the file uses, and the records it holds.

``csv.Sniffer`` guesses the separator from a sample (comma, semicolon, as continental Excel
writes, or tab); the guess is checked against the header and a more careful count replaces it
when it does not fit.  Reading is strict about quotes so that a value whose closing quote is
missing is reported, rather than silently swallowing the rows after it.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from app.mis_import.decoding import ImportFileError

DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_SAMPLE_LINES = 50
_SAMPLE_CHARS = 32 * 1024
# Excel honours (and some exports write) a first line such as "sep=;" naming the separator.
_SEP_LINE = re.compile(r"\A\ufeff?sep=(.)\r?\n", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Record:
    """One CSV record.  ``row`` is its number as a spreadsheet shows it (the first record is
    row 1, blank lines count); ``line`` is the text line it starts on."""

    row: int
    line: int
    cells: tuple[str, ...]

    @property
    def is_blank(self) -> bool:
        return not any(cell.strip() for cell in self.cells)


@dataclass(frozen=True)
class Table:
    """A file's text and separator.  Its records are read from the text each time they are
    iterated rather than kept, so that a list of a hundred thousand students costs its text
    and not a Python object per cell; ``read_table`` has already read it once to the end, so
    iterating never fails."""

    delimiter: str
    text: str
    # Lines before ``text`` in the file (1 after a "sep=;" line), for the line numbers.
    skipped_lines: int = 0

    def __iter__(self) -> Iterator[Record]:
        reader = csv.reader(io.StringIO(self.text, newline=""), _Dialect, delimiter=self.delimiter)
        previous_line = 0
        for row_index, cells in enumerate(reader, start=1):
            yield Record(
                row=row_index, line=previous_line + 1 + self.skipped_lines, cells=tuple(cells)
            )
            previous_line = reader.line_num

    @property
    def records(self) -> tuple[Record, ...]:
        """Every record at once (small files and tests; imports iterate instead)."""
        return tuple(self)


class _Dialect(csv.Dialect):
    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL
    strict = True


def sniff_delimiter(text: str) -> str:
    """The separator of ``text``: the sniffer's guess if it fits the sample, else the best count."""
    sample = _sample(text)
    try:
        guess = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        guess = ""
    counted = _count_guess(sample)
    if guess in DELIMITERS and _widths(sample, guess)[0] >= _widths(sample, counted)[0]:
        return guess
    return counted


def read_table(text: str) -> Table:
    """``text`` as a table.  Raises ``ImportFileError`` naming the line that cannot be read."""
    skipped_lines = 0
    declared = _SEP_LINE.match(text)
    if declared and declared.group(1) in DELIMITERS:
        delimiter = declared.group(1)
        text = text[declared.end() :]
        skipped_lines = 1
    else:
        delimiter = sniff_delimiter(text)
    table = Table(delimiter=delimiter, text=text, skipped_lines=skipped_lines)
    # Read once to the end, keeping nothing, so that a damaged file is refused here.
    reader = csv.reader(io.StringIO(text, newline=""), _Dialect, delimiter=delimiter)
    previous_line = 0
    try:
        for _ in reader:
            previous_line = reader.line_num
    except csv.Error as error:
        # The record that failed starts after the last one read; a missing closing quote
        # is only noticed at the end of the file, so that start is where to look.
        raise ImportFileError(
            f"Line {previous_line + 1 + skipped_lines} of the file could not be read: "
            f"{_explain(str(error))}. Nothing was imported."
        ) from error
    return table


def _explain(message: str) -> str:
    if "unexpected end of data" in message:
        return 'a value opened with a quote mark (") is never closed'
    if "expected after" in message:
        return 'a closing quote mark (") is followed by more text in the same value'
    if "field larger than field limit" in message:
        return 'one value is far too long, probably because a quote mark (") is not closed'
    return message


def _sample(text: str) -> str:
    lines = text[:_SAMPLE_CHARS].splitlines(keepends=True)
    return "".join(lines[:_SAMPLE_LINES])


def _widths(sample: str, delimiter: str) -> tuple[int, int]:
    """(how many sample rows share the commonest width above one, that width)."""
    try:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, quotechar='"')
        widths = Counter(len(cells) for cells in reader if any(cells))
    except csv.Error:
        return (0, 0)
    widths.pop(1, None)
    widths.pop(0, None)
    if not widths:
        return (0, 0)
    width, rows = widths.most_common(1)[0]
    return (rows, width)


def _count_guess(sample: str) -> str:
    best = max(DELIMITERS, key=lambda d: _widths(sample, d))
    return best if _widths(sample, best)[0] > 0 else ","
