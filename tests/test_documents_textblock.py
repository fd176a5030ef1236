"""The plain-text flowable: line breaking, and where it may split at the foot of a page."""

from __future__ import annotations

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.documents.style import FRAME_WIDTH, styles
from app.documents.textblock import Segment, TextBlock, wrap_lines

WORDS = "The second draft moved the section on trade before the section on the church. " * 12


def _text_lines(part: TextBlock) -> list[str]:
    part.wrap(FRAME_WIDTH, 10_000)
    return [row.text for row in part._layout(FRAME_WIDTH) if not (row.is_label or row.is_space)]


def test_lines_fit_the_width_and_keep_every_word() -> None:
    font = styles().fonts.regular
    lines = wrap_lines(WORDS, 200, font, 9.5)
    assert all(stringWidth(text, font, 9.5) <= 200 for _indent, text in lines)
    assert " ".join(text for _indent, text in lines).split() == WORDS.split()


def test_typed_line_breaks_and_indents_are_kept() -> None:
    font = styles().fonts.regular
    lines = wrap_lines("for x in xs:\n    total += x\n\nprint(total)", 400, font, 9.5)
    assert [text for _i, text in lines] == ["for x in xs:", "total += x", "", "print(total)"]
    assert lines[1][0] > 0 == lines[0][0]


def _answer_block() -> TextBlock:
    s = styles()
    return TextBlock(
        [
            Segment("Where did you start?", s.question, "Question 1"),
            Segment("Rating: Partly explained", s.rating),
            Segment(WORDS, s.student_words, "The student's words"),
            Segment(WORDS, s.observations, "The teacher's observations"),
        ]
    )


@pytest.mark.parametrize("height", range(40, 400, 7))
def test_a_split_never_strands_a_label_or_a_single_line(height: int) -> None:
    block = _answer_block()
    block.wrap(FRAME_WIDTH, height)
    parts = block.split(FRAME_WIDTH, height)
    if not parts:
        return  # the whole block moves to the next page
    first, rest = parts
    first_rows = first._layout(FRAME_WIDTH)
    rest_rows = rest._layout(FRAME_WIDTH)
    assert sum(r.height for r in first_rows) <= height
    assert first_rows[-1].text and not first_rows[-1].is_label
    # The question, its rating and two lines of the answer stay together.
    assert len(_text_lines(first)) >= 4
    for rows in (first_rows, rest_rows):
        by_segment: dict[int, int] = {}
        for row in rows:
            if not (row.is_label or row.is_space):
                by_segment[row.segment] = by_segment.get(row.segment, 0) + 1
        split_segments = {r.segment for r in first_rows} & {r.segment for r in rest_rows}
        assert all(by_segment[n] >= 2 for n in split_segments if n in by_segment)
    everything = _text_lines(first) + _text_lines(rest)
    assert everything == _text_lines(_answer_block())
