"""Interview-script snapshots in the shared format, for the walk-through's tests."""

from __future__ import annotations

from typing import Any

LONG_NOTE_LENGTH = 100_000
EMOJI_NOTE = "She said it was “fine” 👍🏽 — then 🤔 paused; 家族 and 🇬🇧"
RTL_NOTE = "قال الطالب: كتبت هذا بنفسي. ‏(then switched to English)"


def snapshot(*, anchored: bool = True) -> dict[str, Any]:
    """A two-section script of five questions; the first of the second section is anchored."""
    return {
        "id": "essay-basic",
        "title": "Essay: process and understanding",
        "subject": "History",
        "version": 3,
        "description": "Questions for an extended essay.",
        "sections": [
            {
                "id": "process",
                "title": "How the work was made",
                "questions": [
                    {
                        "id": "topic",
                        "text": "How did you choose your topic?",
                        "guidance": "Listen for specific moments, lessons, conversations.",
                        "follow_ups": ["Who did you talk to about it?"],
                        "anchor_excerpt": False,
                    },
                    {
                        "id": "drafts",
                        "text": "What changed between your first draft and this one?",
                        "guidance": "Ask to see the drafts.",
                        "follow_ups": ["Which part did you rewrite most?", "Why?"],
                        "anchor_excerpt": False,
                    },
                ],
            },
            {
                "id": "understanding",
                "title": "Understanding",
                "questions": [
                    {
                        "id": "explain",
                        "text": "Explain this passage in your own words.",
                        "guidance": "Read the excerpt aloud together first.",
                        "follow_ups": ["What does the key term here mean?"],
                        "anchor_excerpt": anchored,
                    },
                    {
                        "id": "sources",
                        "text": "Where did your main source come from?",
                        "guidance": "",
                        "follow_ups": ["How did you find it?"],
                        "anchor_excerpt": False,
                    },
                    {
                        "id": "change",
                        "text": "What would you change now?",
                        "guidance": "",
                        "follow_ups": [],
                        "anchor_excerpt": False,
                    },
                ],
            },
        ],
    }


def long_note() -> str:
    """100,000 characters with line breaks, emoji and right-to-left text inside."""
    unit = "Line of notes 🙂 مرحبا שלום — ok.\n"
    text = (unit * (LONG_NOTE_LENGTH // len(unit) + 1))[: LONG_NOTE_LENGTH - 1] + "."
    assert len(text) == LONG_NOTE_LENGTH
    return text
