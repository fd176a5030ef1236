"""What happened in each demo conversation: indicators, excerpts, answers and outcome."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass, field
from typing import Any

from app.domain.interview import Route, route_for
from app.domain.records import Conclusion
from app.domain.rights import RIGHTS

DEMO_SCRIPT: dict[str, Any] = {
    "id": "demo-general",
    "title": "General coursework conversation (demo)",
    "subject": "General",
    "version": 1,
    "description": "A short script used by the demo data.",
    "sections": [
        {
            "id": "process",
            "title": "How the work was produced",
            "questions": [
                {
                    "id": "start",
                    "text": "Tell me how you got started on this piece of work.",
                    "guidance": "Listen for concrete first steps: notes, a plan, a lesson.",
                    "follow_ups": ["What did you do in the very first lesson on it?"],
                    "anchor_excerpt": False,
                },
                {
                    "id": "changes",
                    "text": "What changed between your first draft and this one?",
                    "guidance": "Students who drafted can usually name a change and why.",
                    "follow_ups": ["Can you show me an earlier version?"],
                    "anchor_excerpt": False,
                },
            ],
        },
        {
            "id": "understanding",
            "title": "Understanding of the content",
            "questions": [
                {
                    "id": "explain",
                    "text": "Can you explain this passage to me in your own words?",
                    "guidance": "Read the excerpt together first.",
                    "follow_ups": [
                        "What does the key term here mean?",
                        "How does this connect to your main argument?",
                    ],
                    "anchor_excerpt": True,
                },
                {
                    "id": "choice",
                    "text": "Why did you choose this approach rather than another?",
                    "guidance": "Look for reasons tied to the task, not generic ones.",
                    "follow_ups": ["What else did you consider?"],
                    "anchor_excerpt": False,
                },
            ],
        },
        {
            "id": "sources",
            "title": "Sources and research",
            "questions": [
                {
                    "id": "find",
                    "text": "How did you find your main sources?",
                    "guidance": "Ask where and when; a search history or notes help.",
                    "follow_ups": ["What did that source actually say?"],
                    "anchor_excerpt": False,
                },
            ],
        },
        {
            "id": "tools",
            "title": "Tools you used",
            "questions": [
                {
                    "id": "tools",
                    "text": "Which tools did you use while writing, and for what?",
                    "guidance": "Spellcheck, grammar tools, translation and AI all count; "
                    "some uses are allowed if acknowledged.",
                    "follow_ups": ["Did anything suggest wording that you kept?"],
                    "anchor_excerpt": False,
                },
            ],
        },
        {
            "id": "closing",
            "title": "Closing",
            "questions": [
                {
                    "id": "anything",
                    "text": "Is there anything else you would like to tell me "
                    "about how you did this work?",
                    "guidance": "Then explain what happens next.",
                    "follow_ups": [],
                    "anchor_excerpt": False,
                },
            ],
        },
    ],
}

_WORDS = {
    "clear": (
        "I started with the mind map we did in class, then I picked the angle I liked.",
        "My first draft was too descriptive, so I cut the middle and added more analysis.",
        "It means the council's plan helped businesses more than residents, that's my point.",
        "I went for a survey because I could get my own data from Year 9.",
    ),
    "partly": (
        "I think I looked at some websites first, I'm not sure which.",
        "I changed some of it, mostly the wording I think.",
        "It's sort of about how, erm, the structure shows the theme? I'd need to re-read.",
        "I just thought it would be better that way.",
    ),
    "unable": (
        "I don't really remember.",
        "I'm not sure what that word means.",
        "I can't explain that bit, I'd have to look it up.",
        "I don't know where that reference came from.",
    ),
}
_OBSERVED = {
    "clear": (
        "Answered at once and pointed to her notes.",
        "Fluent; used the lesson's terms.",
        "Showed an earlier draft on the laptop.",
    ),
    "partly": (
        "Hesitated; vague about dates.",
        "Could describe the topic but not the argument.",
        "Needed the prompt before answering.",
    ),
    "unable": (
        "Could not explain the passage; long pause.",
        "Did not recognise the term used in the work.",
        "Unable to name any source used.",
    ),
}
_INDICATORS = (
    ("vocabulary_mismatch", "Vocabulary well beyond the student's classwork."),
    ("references_problem", "Two references could not be found."),
    ("us_spelling", "'analyze', 'color' throughout."),
    ("differs_from_class_work", "Very different from the supervised draft in October."),
    ("chatbot_leftovers", "Ends with 'I hope this helps!'"),
    ("generic_content", "Does not use the class data set at all."),
    ("detector_flag", "A detector reported a high score; not relied on by itself."),
)
_EXCERPT = (
    "page 2, paragraph 3",
    "The multifaceted interplay between socio-economic factors and urban policy "
    "underscores the nuanced trajectory of regeneration initiatives.",
)


@dataclass
class DemoContent:
    status: str
    conclusion: str | None = None
    others_present: str = ""
    concern_summary: str = ""
    rights: dict[str, bool] = field(default_factory=dict)
    access_arrangements: str = ""
    wellbeing_note: str = ""
    staff_only_note: str = ""
    current_position: int = 0
    ended_at: dt.datetime | None = None
    student_account: str = ""
    next_step: str = ""
    indicators: list[tuple[str, str]] = field(default_factory=list)
    excerpt: tuple[str, str] | None = None
    answers: list[dict[str, Any]] = field(default_factory=list)


# The first conversations cover every state and conclusion; later ones are drawn at random.
_CYCLE = (
    ("concluded", "concerns_remain"),
    ("concluded", "satisfied"),
    ("concluded", "acknowledged"),
    ("in_progress", None),
    ("preparing", None),
    ("concluded", "concerns_remain"),
)


def _state(rng: random.Random, index: int) -> tuple[str, str | None]:
    if index <= len(_CYCLE):
        return _CYCLE[index - 1]
    roll = rng.random()
    if roll < 0.1:
        return "preparing", None
    if roll < 0.2:
        return "in_progress", None
    return "concluded", rng.choice(("satisfied", "satisfied", "concerns_remain", "acknowledged"))


_RATINGS = ("clear", "partly", "unable")
# Cumulative weights of the three ratings for each conclusion (and for unfinished ones).
_RATING_WEIGHTS = {
    conclusion: tuple(itertools.accumulate(weights))
    for conclusion, weights in {
        "satisfied": (8, 2, 0),
        "concerns_remain": (1, 4, 5),
        "acknowledged": (3, 4, 3),
        "": (4, 3, 2),
    }.items()
}
# Every question of the demo script with its section, in order (built once: seed-demo asks for
# it a hundred thousand times).
_QUESTIONS = tuple(
    (section["id"], section["title"], question)
    for section in DEMO_SCRIPT["sections"]
    for question in section["questions"]
)


def _rating(rng: random.Random, conclusion: str | None) -> str:
    return rng.choices(_RATINGS, cum_weights=_RATING_WEIGHTS[conclusion or ""])[0]


def conversation_content(
    rng: random.Random, index: int, lead_name: str, held_at: dt.datetime, now: dt.datetime
) -> DemoContent:
    status, conclusion = _state(rng, index)
    content = DemoContent(status=status, conclusion=conclusion)
    content.indicators = rng.sample(_INDICATORS, rng.randrange(1, 4))
    content.concern_summary = (
        f"{lead_name} noticed the final piece reads very differently from the student's classwork."
    )
    content.excerpt = _EXCERPT if rng.random() < 0.7 else None
    content.others_present = "Learning support assistant" if rng.random() < 0.2 else ""
    content.access_arrangements = "25% extra time; reader" if rng.random() < 0.15 else ""
    content.wellbeing_note = "Student was calm and engaged." if status != "preparing" else ""
    content.staff_only_note = (
        "Parent has raised concerns about workload at home." if rng.random() < 0.2 else ""
    )
    content.rights = {
        item.key: status != "preparing" for item in RIGHTS if not item.before_referral
    }
    if status == "preparing":
        return content
    questions = _QUESTIONS
    answered = len(questions) if status == "concluded" else rng.randrange(1, len(questions))
    for position, (section_id, section_title, question) in enumerate(questions):
        done = position < answered
        rating = _rating(rng, conclusion) if done else None
        content.answers.append(
            {
                "position": position,
                "question_key": f"{section_id}.{question['id']}",
                "section_title": section_title,
                "question_text": question["text"],
                "unscripted": False,
                "rating": rating,
                "skipped": False,
                "student_words": rng.choice(_WORDS[rating]) if rating else "",
                "observations": rng.choice(_OBSERVED[rating]) if rating else "",
                "anchored": question["anchor_excerpt"] and content.excerpt is not None,
            }
        )
    content.current_position = min(answered, len(questions) - 1)
    if status != "concluded":
        return content
    content.ended_at = min(held_at + dt.timedelta(minutes=rng.randrange(10, 25)), now)
    content.student_account = {
        "satisfied": "I did all of it myself; my drafts are in my Google Drive and the "
        "class folder.",
        "concerns_remain": "I wrote it myself but I did look at some websites for ideas.",
        "acknowledged": "I used a chatbot to rewrite my conclusion and two paragraphs because "
        "I ran out of time. I know I should have said.",
    }[conclusion or "satisfied"]
    return content


def next_step_text(conclusion: str | None, declaration_signed: bool) -> str:
    route = route_for(Conclusion(conclusion) if conclusion else None, declaration_signed)
    return {
        Route.NONE: "No further action. Work accepted as the student's own.",
        Route.INTERNAL: "Student to redo sections 2 and 3 under supervision before signing "
        "the declaration; head of department informed.",
        Route.REFERRAL: "Declaration already signed: referral to the awarding body prepared "
        "for the exams officer.",
    }[route]
