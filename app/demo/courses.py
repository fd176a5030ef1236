"""Courses with non-examined assessment, and plausible titles for their coursework."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Course:
    awarding_body: str
    qualification: str
    component_code: str
    titles: tuple[str, ...]
    year_group: int


COURSES: tuple[Course, ...] = (
    Course(
        "AQA",
        "A level History",
        "7042/C",
        (
            "How far was the Chartist movement a failure?",
            "The causes of the English Civil War: a historiographical investigation",
            "Why did appeasement fail? Interpretations 1935-1939",
        ),
        13,
    ),
    Course(
        "OCR",
        "A level Computer Science",
        "H446/03",
        (
            "A revision-planning app for Year 11 students",
            "A stock-control system for a local bakery",
            "A 2D platform game with a level editor",
        ),
        13,
    ),
    Course(
        "Pearson Edexcel",
        "A level Geography",
        "9GE0/04",
        (
            "Is the regeneration of the town centre benefiting local residents?",
            "Coastal management at Hornsea: costs and benefits",
            "How does microclimate vary across the school site?",
        ),
        13,
    ),
    Course(
        "AQA",
        "A level English Literature",
        "7712/C",
        (
            "Guilt and responsibility in two twentieth-century plays",
            "Voices of the marginalised in post-colonial fiction",
        ),
        13,
    ),
    Course(
        "AQA",
        "GCSE Art and Design",
        "8201/C",
        (
            "Portfolio: Urban decay",
            "Portfolio: Identity and self",
            "Portfolio: Natural forms",
        ),
        11,
    ),
    Course(
        "OCR",
        "GCSE Design and Technology",
        "J310/03",
        (
            "A storage solution for a small flat",
            "A lamp inspired by Art Deco",
        ),
        11,
    ),
    Course(
        "AQA",
        "Extended Project Qualification",
        "7993",
        (
            "To what extent is lab-grown meat a sustainable alternative?",
            "Does social media affect teenage sleep? A small survey study",
        ),
        12,
    ),
    Course("WJEC Eduqas", "GCSE Drama", "C690U2", ("Devised performance portfolio: Borders",), 11),
)

EXAM_SERIES = ("June 2026", "June 2027")
