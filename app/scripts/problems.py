"""What is wrong with a script: one ``Problem`` per fault, gathered into a ``ScriptError``.

A problem names where it is (file, 1-based line, field path such as
``sections[2].questions[0].text``) so that a teacher can find it in a text editor and the script
editor can show the message beside the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.errors import OwnWorkError

# A file of garbage could yield thousands of problems; past this many nobody reads them.
MAX_PROBLEMS = 100


@dataclass(frozen=True)
class Problem:
    """One fault.  ``line`` is None when there is no file (a snapshot or the editor's copy);
    ``field`` is "" when the fault is not in one field (a YAML syntax error, an unreadable file).
    """

    source: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        parts = [where, self.field, self.message] if self.field else [where, self.message]
        return ": ".join(parts)


class ScriptError(OwnWorkError):
    """A script cannot be used; ``problems`` lists every fault found, in file order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        # Stable: problems on one line (or without lines) keep the order they were found in,
        # which is the order of the script.
        ordered = sorted(dict.fromkeys(problems), key=lambda problem: problem.line or 0)
        if len(ordered) > MAX_PROBLEMS:
            first = ordered[0]
            hidden = len(ordered) - MAX_PROBLEMS
            ordered = [
                *ordered[:MAX_PROBLEMS],
                Problem(first.source, None, "", f"{hidden} more problems not shown"),
            ]
        self.problems: tuple[Problem, ...] = tuple(ordered)
        super().__init__("\n".join(str(problem) for problem in self.problems))
