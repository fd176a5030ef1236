"""The walk-through's state on screen, kept in step with the store through the autosaver.

The pages read and change the conversation only through this object.  It holds the record as
the teacher sees it (the source of truth while the window is open) and hands every change to the
``Autosaver``, which writes it to the database in the background and in order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.domain.interview import Answer, Excerpt, IndicatorSeen, Route, route_for
from app.domain.records import (
    Conclusion,
    ConversationStatus,
    Rating,
    Staff,
    StaffRole,
    Submission,
)
from app.errors import StoreUnreachableError
from app.services import Database, interviews
from app.services.interviews import Change, Opening, Walkthrough
from app.services.journal import Journal
from ui.interview.autosave import Autosaver

ANSWER_TEXT_FIELDS = ("student_words", "observations")


class InterviewController(QObject):
    excerpts_changed = Signal()
    answers_changed = Signal()  # the list of questions changed (begun, question added)
    status_changed = Signal()  # begun or concluded
    staff_changed = Signal()
    operation_failed = Signal()  # a change needing a result was refused; pages reset

    def __init__(
        self,
        store: Database,
        conversation_id: int,
        parent: QObject | None = None,
        *,
        opened: Opening | None = None,
        journal: Journal | None = None,
    ) -> None:
        """``opened`` is what the window read off the GUI thread (ui/interview/window.py);
        without it (a script driving the walk-through) it is read here.  ``journal`` keeps the
        edits on this computer while the server cannot be reached."""
        super().__init__(parent)
        self.conversation_id = conversation_id
        if opened is None:
            opened = interviews.opening(store.principal, store, conversation_id)
        content = opened.content
        self.submission: Submission = opened.submission
        self.staff: list[Staff] = list(opened.staff)
        self.conversation = content.conversation
        self.preparation = content.preparation
        self.status = content.conversation.status
        self.snapshot: dict[str, Any] = dict(content.script_snapshot)
        self.script_name = content.script_name
        self.started_at = content.started_at
        self.answers: list[Answer] = list(content.answers)
        self.excerpts: list[Excerpt] = list(content.preparation.excerpts)
        self.indicators: dict[str, str] = {i.code: i.note for i in content.preparation.indicators}
        self.rights = dict(content.preparation.rights)
        self.position = min(content.current_position, len(self.answers))
        self.outcome = content.outcome
        self.autosaver = Autosaver(store, journal=journal, parent=self)

    # --- reading ---

    @property
    def locked(self) -> bool:
        return self.status is ConversationStatus.CONCLUDED

    @property
    def declaration_signed(self) -> bool:
        return self.submission.declaration_signed

    def route(self, conclusion: Conclusion | None) -> Route:
        return route_for(conclusion, self.declaration_signed)

    def excerpt(self, excerpt_id: int | None) -> Excerpt | None:
        return next((e for e in self.excerpts if e.id == excerpt_id), None)

    def question_details(self, answer: Answer) -> tuple[str, tuple[str, ...]]:
        """Guidance and follow-up prompts for an answer, from the stored copy of the script."""
        section_id, _, question_id = answer.question_key.partition(".")
        for section in self.snapshot.get("sections", ()):
            if not isinstance(section, Mapping) or section.get("id") != section_id:
                continue
            for question in section.get("questions", ()):
                if isinstance(question, Mapping) and question.get("id") == question_id:
                    follow_ups = question.get("follow_ups") or ()
                    return str(question.get("guidance", "")), tuple(str(f) for f in follow_ups)
        return "", ()

    def elapsed(self, now: dt.datetime | None = None) -> dt.timedelta:
        if self.started_at is None:
            return dt.timedelta(0)
        now = now or dt.datetime.now(dt.UTC)
        return max(dt.timedelta(0), now - self.started_at)

    # --- prepare ---

    def set_preparation_text(self, field: str, text: str) -> None:
        values: dict[str, Any] = {field: text}
        self.preparation = dataclasses.replace(self.preparation, **values)
        cid = self.conversation_id
        self._edit(("prep", field), Change("save_preparation", (cid,), values))

    def set_purpose_explained(self, value: bool) -> None:
        self.preparation = dataclasses.replace(self.preparation, purpose_explained=value)
        cid = self.conversation_id
        self._edit(
            ("prep", "purpose_explained"),
            Change("save_preparation", (cid,), {"purpose_explained": value}),
        )

    def set_right(self, key: str, value: bool) -> None:
        self.rights[key] = value
        cid, rights = self.conversation_id, dict(self.rights)
        self._edit(("prep", "rights"), Change("save_preparation", (cid,), {"rights": rights}))

    def set_indicator(self, code: str, seen: bool, note: str) -> None:
        if seen:
            self.indicators[code] = note
        else:
            self.indicators.pop(code, None)
        chosen = tuple(IndicatorSeen(code=c, note=n) for c, n in self.indicators.items())
        cid = self.conversation_id
        self._edit(("indicators",), Change("set_indicators", (cid, chosen)))

    def set_people(self, led_by_id: int | None, second_staff_id: int | None, others: str) -> None:
        self.conversation = dataclasses.replace(
            self.conversation,
            led_by_id=led_by_id,
            second_staff_id=second_staff_id,
            others_present=others,
        )
        cid = self.conversation_id
        self._edit(
            ("people",),
            Change(
                "set_people",
                (cid,),
                {
                    "led_by_id": led_by_id,
                    "second_staff_id": second_staff_id,
                    "others_present": others,
                },
            ),
        )

    def add_staff(self, name: str, role: StaffRole, on_done: Callable[[Staff], None]) -> None:
        def work(walkthrough: Walkthrough) -> Staff:
            return walkthrough.add_staff(name, role)

        def done(member: Staff) -> None:
            self.staff = sorted([*self.staff, member], key=lambda s: s.name)
            self.staff_changed.emit()
            on_done(member)

        self._run(
            work,
            done,
            self.tr(
                "{0} was not added to the staff: that needs the school's server, which cannot "
                "be reached. Add them again when it is back."
            ).format(name),
        )

    def add_excerpt(
        self, location: str, text: str, not_added: Callable[[], None] | None = None
    ) -> None:
        """Add an excerpt; ``not_added`` is called if the store could not take it (the
        server away), so the page can give back what was typed."""
        cid = self.conversation_id

        def done(excerpt: Excerpt) -> None:
            self.excerpts.append(excerpt)
            self.excerpts_changed.emit()

        self._run(
            lambda w: w.add_excerpt(cid, location=location, text=text),
            done,
            self.tr(
                "The excerpt was not added: a new excerpt needs the school's server, which "
                "cannot be reached. Its window is open again with what you typed; save it "
                "again when the server is back."
            ),
            not_added,
        )

    def update_excerpt(self, excerpt_id: int, location: str, text: str) -> None:
        # A change that sets values (kept in the journal while the server is away): shown at
        # once, as typing is.
        self.excerpts = [
            dataclasses.replace(e, location=location, text=text) if e.id == excerpt_id else e
            for e in self.excerpts
        ]
        self.excerpts_changed.emit()
        self._edit(
            ("excerpt", excerpt_id),
            Change("update_excerpt", (excerpt_id,), {"location": location, "text": text}),
        )

    def remove_excerpt(self, excerpt_id: int) -> None:
        def done(remaining: Sequence[Excerpt]) -> None:
            self.excerpts = list(remaining)
            self.answers = [
                dataclasses.replace(a, excerpt_id=None) if a.excerpt_id == excerpt_id else a
                for a in self.answers
            ]
            self.excerpts_changed.emit()

        self._run(
            lambda w: w.remove_excerpt(excerpt_id),
            done,
            self.tr(
                "The excerpt was not removed: that needs the school's server, which cannot be "
                "reached. Remove it again when the server is back."
            ),
        )

    def move_excerpt(self, excerpt_id: int, position: int) -> None:
        def done(ordered: Sequence[Excerpt]) -> None:
            self.excerpts = list(ordered)
            self.excerpts_changed.emit()

        self._run(
            lambda w: w.move_excerpt(excerpt_id, position),
            done,
            self.tr(
                "The excerpt was not moved: that needs the school's server, which cannot be "
                "reached. Move it again when the server is back."
            ),
        )

    def begin(self, snapshot: Mapping[str, Any], script_name: str) -> None:
        cid = self.conversation_id
        frozen = dict(snapshot)

        def done(answers: Sequence[Answer]) -> None:
            self.snapshot = frozen
            self.script_name = script_name
            self.answers = list(answers)
            self.position = 0
            self.started_at = dt.datetime.now(dt.UTC)
            self.status = ConversationStatus.IN_PROGRESS
            self.answers_changed.emit()
            self.status_changed.emit()

        self._run(
            lambda w: w.begin(cid, frozen, script_name),
            done,
            self.tr(
                "The conversation has not begun: beginning it needs the school's server, which "
                "cannot be reached. Everything prepared is kept; begin again when the server "
                "is back."
            ),
        )

    # --- converse ---

    def set_answer_text(self, index: int, field: str, text: str) -> None:
        assert field in ANSWER_TEXT_FIELDS
        values: dict[str, Any] = {field: text}
        answer = dataclasses.replace(self.answers[index], **values)
        self.answers[index] = answer
        aid = answer.id or 0
        self._edit(("answer", aid, field), Change("update_answer", (aid,), values))

    def set_rating(self, index: int, rating: Rating | None) -> None:
        answer = self.answers[index]
        # Rating an answer means it was asked after all.
        answer = dataclasses.replace(answer, rating=rating, skipped=False)
        self.answers[index] = answer
        aid = answer.id or 0
        self._edit(
            ("answer", aid, "rating"),
            Change("update_answer", (aid,), {"rating": rating, "skipped": False}),
        )

    def set_skipped(self, index: int, skipped: bool) -> None:
        answer = dataclasses.replace(self.answers[index], skipped=skipped)
        self.answers[index] = answer
        aid = answer.id or 0
        self._edit(
            ("answer", aid, "skipped"), Change("update_answer", (aid,), {"skipped": skipped})
        )

    def set_answer_excerpt(self, index: int, excerpt_id: int | None) -> None:
        answer = dataclasses.replace(self.answers[index], excerpt_id=excerpt_id)
        self.answers[index] = answer
        aid = answer.id or 0
        self._edit(
            ("answer", aid, "excerpt"),
            Change("update_answer", (aid,), {"excerpt_id": excerpt_id}),
        )

    def set_position(self, position: int) -> None:
        self.position = max(0, min(position, len(self.answers)))
        cid, position = self.conversation_id, self.position
        self._edit(("position",), Change("set_position", (cid, position)))

    def add_question(
        self,
        text: str,
        on_done: Callable[[int], None],
        not_added: Callable[[], None] | None = None,
    ) -> None:
        """Insert an unscripted question after the current one; ``on_done`` gets its index,
        ``not_added`` is called if the store could not take it (the server away)."""
        cid = self.conversation_id
        current = self.answers[self.position] if self.position < len(self.answers) else None
        after = current.id if current else (self.answers[-1].id if self.answers else None)

        def done(answers: Sequence[Answer]) -> None:
            # Keep what was typed meanwhile: the local answers are newer than the store's.
            local = {a.id: a for a in self.answers}
            merged = [local.get(a.id, a) for a in answers]
            self.answers = [dataclasses.replace(a, position=i) for i, a in enumerate(merged)]
            added = next(i for i, a in enumerate(self.answers) if a.id not in local)
            self.answers_changed.emit()
            on_done(added)

        self._run(
            lambda w: w.add_question(cid, after_answer_id=after, text=text),
            done,
            self.tr(
                "The question was not added: a new question needs the school's server, which "
                "cannot be reached. Its text is back in the new question's box; add it again "
                "when the server is back."
            ),
            not_added,
        )

    # --- conclude ---

    def set_conclusion(self, conclusion: Conclusion | None) -> None:
        self.outcome = dataclasses.replace(self.outcome, conclusion=conclusion)
        cid = self.conversation_id
        self._edit(
            ("outcome", "conclusion"),
            Change("save_outcome", (cid,), {"conclusion": conclusion}),
        )

    def set_outcome_text(self, field: str, text: str) -> None:
        values: dict[str, Any] = {field: text}
        self.outcome = dataclasses.replace(self.outcome, **values)
        cid = self.conversation_id
        self._edit(("outcome", field), Change("save_outcome", (cid,), values))

    def finish(self, on_done: Callable[[Route], None]) -> None:
        cid = self.conversation_id
        outcome = self.outcome
        assert outcome.conclusion is not None
        conclusion = outcome.conclusion

        def done(route: Route) -> None:
            self.status = ConversationStatus.CONCLUDED
            self.position = len(self.answers)
            self.status_changed.emit()
            on_done(route)

        def conclude_and_finalise(walkthrough: Walkthrough) -> tuple[Route, dt.datetime]:
            # One step, "Finalise the record", as in Case › Finalise: concluding alone used to
            # lock the walk-through while the record was not yet final, two locks a teacher
            # could not tell apart.  Both happen in one transaction, or neither.
            return walkthrough.conclude_and_finalise(
                cid,
                conclusion=conclusion,
                student_account=outcome.student_account,
                next_step=outcome.next_step,
            )

        def concluded(result: tuple[Route, dt.datetime]) -> None:
            route, finalised_at = result
            self.conversation = dataclasses.replace(self.conversation, finalised_at=finalised_at)
            done(route)

        self._run(
            conclude_and_finalise,
            concluded,
            self.tr(
                "The record was not finalised: that needs the school's server, which cannot be "
                "reached. Everything typed is kept; finalise it again when the server is back."
            ),
        )

    # --- plumbing ---

    def _edit(self, key: tuple[Any, ...], write: Change) -> None:
        self.autosaver.edit(key, write)

    def _run(
        self,
        work: Callable[[Walkthrough], Any],
        on_done: Callable[[Any], None],
        while_away: str,
        not_done: Callable[[], None] | None = None,
    ) -> None:
        """Run ``work``; ``while_away`` is the sentence the banner shows if the server cannot
        be reached for it, and ``not_done`` is then called to give back what was typed."""

        def failed(error: BaseException) -> None:
            # The message itself reaches the window's banner through the autosaver.
            self.operation_failed.emit()
            if not_done is not None and isinstance(error, StoreUnreachableError):
                not_done()

        self.autosaver.run(work, on_done, failed, while_away=while_away)
