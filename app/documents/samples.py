"""Invented case files for the document tests, the benchmark and a look at the layout.

``demo_case`` is a typical conversation; ``long_case`` is the benchmark's long one (40 questions,
20,000 characters of notes).  Every name and answer is made up.
"""

from __future__ import annotations

import datetime as dt

from app.domain.interview import (
    Answer,
    CaseFile,
    Excerpt,
    IndicatorSeen,
    InterviewContent,
    Outcome,
    Preparation,
)
from app.domain.records import (
    Centre,
    Conclusion,
    Conversation,
    ConversationStatus,
    Rating,
    Student,
    Submission,
)

_HELD = dt.datetime(2026, 10, 8, 9, 30, tzinfo=dt.UTC)

_DEMO_ANSWERS = (
    (
        "Planning",
        "How did you choose the castles you wrote about?",
        Rating.CLEAR,
        "We went to Ludlow on the trip in Year 10 and I liked how it sat on the border, so I "
        "picked ones near there. Mr Hughes said Chepstow was a good contrast.",
        "Answered at once and with detail; mentioned the class trip unprompted.",
    ),
    (
        "Understanding",
        "In your own words, what does 'Marcher lordship' mean in paragraph three?",
        Rating.PARTLY,
        "It's like the lords on the border had their own rules? They didn't have to do what the "
        "king said all the time.",
        "Gave the gist but could not say where the lords' powers came from, which the essay "
        "explains at length.",
    ),
    (
        "Sources",
        "Where did you find the quotation from Gerald of Wales?",
        Rating.UNABLE,
        "I think it was on a website. I can't remember which one.",
        "Could not name the source; the essay's footnote cites a 1978 translation that the "
        "library does not hold.",
    ),
    (
        "Process",
        "What changed between your first draft and this one?",
        Rating.UNABLE,
        "I just made it better. I added more detail.",
        "No drafts in the shared folder after 14 September; the final version is 2,400 words "
        "longer than the last draft.",
    ),
)


def demo_case(*, conclusion: Conclusion | None = Conclusion.CONCERNS_REMAIN) -> CaseFile:
    student = Student(
        id=1,
        surname="Nguyễn",
        forename="Thị Mai",
        candidate_number="0423",
        upn="A123456789012",
        reg_group="11B",
        year_group=11,
    )
    submission = Submission(
        id=1,
        student_id=1,
        awarding_body="AQA",
        qualification="GCSE History",
        component_code="8145/NEA",
        title="Castles of the Welsh Marches",
        exam_series="June 2027",
        handed_in_on=dt.date(2026, 10, 1),
        declaration_signed=True,
        declaration_signed_on=dt.date(2026, 10, 1),
        student_name=student.display_name,
        candidate_number=student.candidate_number,
    )
    conversation = Conversation(
        id=7,
        submission_id=1,
        held_at=_HELD,
        led_by_id=1,
        second_staff_id=2,
        others_present="Mrs Ødegård (learning support)",
        status=ConversationStatus.CONCLUDED,
        conclusion=conclusion,
        student_id=1,
        student_name=student.display_name,
        candidate_number=student.candidate_number,
        qualification=submission.qualification,
        submission_title=submission.title,
        led_by_name="Ms Okafor",
        second_staff_name="Mr Łukasz Nowak",
        declaration_signed=True,
    )
    excerpts = (
        Excerpt(
            id=11,
            position=0,
            location="page 3, third paragraph",
            text="The Marcher lordships constituted a distinctive jurisdictional landscape, "
            "wherein the lords exercised quasi-regal prerogatives largely unconstrained by the "
            "Crown.",
        ),
        Excerpt(
            id=12,
            position=1,
            location="page 5, footnote 4",
            text="Gerald of Wales, The Journey Through Wales (trans. 1978), p. 112.",
        ),
    )
    answers = tuple(
        Answer(
            id=100 + n,
            position=n,
            question_key=f"s{n}.q{n}",
            section_title=section,
            question_text=question,
            excerpt_id=11 if n == 1 else 12 if n == 2 else None,
            rating=rating,
            student_words=words,
            observations=seen,
        )
        for n, (section, question, rating, words, seen) in enumerate(_DEMO_ANSWERS)
    )
    content = InterviewContent(
        conversation=conversation,
        preparation=Preparation(
            concern_summary="The essay's vocabulary and structure differ sharply from Mai's "
            "supervised work in class, and one source could not be traced.",
            purpose_explained=True,
            rights={
                "purpose_told": True,
                "may_be_accompanied": True,
                "wellbeing_checked": True,
                "adjustments_considered": True,
                "chance_to_explain": True,
                "told_how_record_used": True,
                "told_what_next": True,
                "informed_in_writing": True,
                "told_consequences": True,
                "told_statement_and_appeal": True,
            },
            access_arrangements="25% extra time; a reader was offered and declined.",
            wellbeing_note="Mai seemed anxious at first; she settled after a few minutes.",
            staff_only_note="Check with the head of year before contacting home.",
            indicators=(
                IndicatorSeen(code="vocabulary_mismatch", note="'quasi-regal prerogatives'"),
                IndicatorSeen(code="references_problem", note="Footnote 4 cannot be traced."),
                IndicatorSeen(code="unexpected_format", note="No drafts after 14 September."),
            ),
            excerpts=excerpts,
        ),
        script_name="History essay (standard)",
        started_at=_HELD,
        ended_at=_HELD + dt.timedelta(minutes=17),
        answers=answers,
        outcome=Outcome(
            conclusion=conclusion,
            student_account="Mai said she used a website to 'tidy up' her paragraphs but "
            "wrote the ideas herself; she could not say which website.",
            next_step="Refer to the exams officer for notification to AQA; tell Mai in writing.",
        ),
    )
    return CaseFile(
        centre=Centre(
            name="Ysgol Glan y Môr High School",
            centre_number="68123",
            address="Ffordd yr Harbwr\nAberdaron\nLL99 9ZZ",
            head_name="Dr Eleri Pritchard",
            head_email="head@glanymor.example",
            head_phone="01632 960 123",
        ),
        student=student,
        submission=submission,
        content=content,
    )


_SENTENCES = (
    "I started by reading the chapter in the textbook and then I made a mind map of the causes.",
    "The second draft moved the section on trade before the section on the church.",
    "Hesitated for a long time and then gave an answer that contradicted paragraph four.",
    "She pointed to the notes in her exercise book dated 3 October, which match the plan.",
    "He could not say what the term meant and asked whether he could look it up.",
    "Described the method clearly and drew the graph again from memory on the whiteboard.",
)


def long_case(questions: int = 40, note_chars: int = 20_000) -> CaseFile:
    """The demo case with ``questions`` answers carrying ``note_chars`` characters of notes."""
    base = demo_case()
    per_field = note_chars // (questions * 2)
    ratings = (Rating.CLEAR, Rating.PARTLY, Rating.UNABLE)

    def text(seed: int) -> str:
        words: list[str] = []
        i = seed
        while sum(len(w) + 1 for w in words) < per_field:
            words.append(_SENTENCES[i % len(_SENTENCES)])
            i += 1
        return " ".join(words)[:per_field].rstrip() + "."

    answers = tuple(
        Answer(
            id=1000 + n,
            position=n,
            question_key=f"s{n // 10}.q{n}",
            section_title=f"Section {n // 10 + 1}",
            question_text=f"Question {n + 1}: explain, in your own words, the choice you made "
            f"in part {n + 1} of the work and what you would change now.",
            rating=ratings[n % 3],
            excerpt_id=11 if n % 7 == 0 else None,
            student_words=text(n),
            observations=text(n + 3),
        )
        for n in range(questions)
    )
    content = InterviewContent(
        conversation=base.content.conversation,
        preparation=base.content.preparation,
        script_name=base.content.script_name,
        started_at=base.content.started_at,
        ended_at=base.content.ended_at,
        answers=answers,
        outcome=base.content.outcome,
    )
    return CaseFile(
        centre=base.centre, student=base.student, submission=base.submission, content=content
    )
