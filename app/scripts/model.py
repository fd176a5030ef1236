"""An interview script as frozen data, and its snapshot: the JSON-able copy a conversation keeps.

A conversation stores the script it used (``to_snapshot``) so that later edits to the script
never change what the record says was asked.  The snapshot's shape is a contract shared with the
storage and the walk-through; see docs/script-format.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.scripts.problems import ScriptError


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    guidance: str = ""
    follow_ups: tuple[str, ...] = ()
    # True when the question is about one passage of the work, which the teacher picks as an
    # excerpt before asking.
    anchor_excerpt: bool = False


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True)
class Script:
    id: str
    title: str
    subject: str = ""
    version: int = 1
    description: str = ""
    sections: tuple[Section, ...] = ()

    @property
    def question_count(self) -> int:
        return sum(len(section.questions) for section in self.sections)

    def question(self, key: str) -> Question:
        """The question stored on answers as ``"<section id>.<question id>"``."""
        section_id, _, question_id = key.partition(".")
        for section in self.sections:
            if section.id == section_id:
                for question in section.questions:
                    if question.id == question_id:
                        return question
        raise KeyError(key)


def question_key(section: Section, question: Question) -> str:
    return f"{section.id}.{question.id}"


def to_snapshot(script: Script) -> dict[str, Any]:
    return {
        "id": script.id,
        "title": script.title,
        "subject": script.subject,
        "version": script.version,
        "description": script.description,
        "sections": [
            {
                "id": section.id,
                "title": section.title,
                "questions": [
                    {
                        "id": question.id,
                        "text": question.text,
                        "guidance": question.guidance,
                        "follow_ups": list(question.follow_ups),
                        "anchor_excerpt": question.anchor_excerpt,
                    }
                    for question in section.questions
                ],
            }
            for section in script.sections
        ],
    }


def from_snapshot(data: object, *, source: str = "snapshot") -> Script:
    """Checks and normalises a snapshot (or any script-shaped data); raises ``ScriptError``."""
    from app.scripts.schema import find_problems, normalise

    cleaned = normalise(data)
    problems = find_problems(cleaned, source)
    if problems:
        raise ScriptError(problems)
    assert isinstance(cleaned, dict)  # find_problems reports anything else
    return script_from_data(cleaned)


def script_from_data(data: dict[str, Any]) -> Script:
    """Builds a Script from data that ``find_problems`` has passed."""
    return Script(
        id=data["id"],
        title=data["title"],
        subject=data.get("subject", ""),
        version=data["version"],
        description=data.get("description", ""),
        sections=tuple(
            Section(
                id=section["id"],
                title=section["title"],
                questions=tuple(
                    Question(
                        id=question["id"],
                        text=question["text"],
                        guidance=question.get("guidance", ""),
                        follow_ups=tuple(question.get("follow_ups", ())),
                        anchor_excerpt=question.get("anchor_excerpt", False),
                    )
                    for question in section["questions"]
                ),
            )
            for section in data["sections"]
        ),
    )
