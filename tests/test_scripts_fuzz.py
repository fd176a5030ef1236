"""Property tests: any input gives a Script or a ScriptError, and valid scripts round-trip."""

from __future__ import annotations

import unicodedata

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.scripts import loader
from app.scripts.loader import dump_script, parse_script, parse_script_bytes
from app.scripts.model import Question, Script, Section, from_snapshot, to_snapshot
from app.scripts.problems import ScriptError

# Pieces of script-like YAML, so that random text often gets past the parser into the checks.
FRAGMENTS = [
    "id: x\n",
    "title: T\n",
    "version: 1\n",
    "sections:\n",
    "  - id: s\n",
    "    title: S\n",
    "    questions:\n",
    "      - id: q\n",
    "        text: Q\n",
    "        follow_ups: [a, b]\n",
    "        anchor_excerpt: yes\n",
    "        guidance: |\n          g\n",
    "&a ",
    "*a",
    "!!binary ",
    "!!int ",
    "!!float ",
    "!!bool ",
    "!tag ",
    "? ",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "---\n",
    "...\n",
    '"\\x00"',
    '"\\ud800"',
    "'",
    "#",
    "\t",
    "\n",
    "  ",
    "<<: ",
    "2026-02-30",
    "0x",
    "1e999",
    "9" * 5000,
    "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n",
    "\ufeff",
    "\r",
    "\x85",
    "\u2028",
]

script_like_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=40
).map("".join)


@pytest.fixture(params=["libyaml", "pure-python"])
def yaml_loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs a test with each parser PyYAML may use, since their errors differ."""
    if request.param == "pure-python":
        monkeypatch.setattr(loader, "_Loader", yaml.SafeLoader)


def outcome(run: object) -> None:
    assert callable(run)
    try:
        result = run()
    except ScriptError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.message
            assert "\n" not in str(problem)
            assert problem.line is None or problem.line >= 1
        return
    assert isinstance(result, Script)


FUZZ = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(data=st.binary(max_size=400))
def test_any_bytes_give_a_script_or_a_script_error(yaml_loader: None, data: bytes) -> None:
    outcome(lambda: parse_script_bytes(data, "fuzz.yaml"))


@FUZZ
@given(text=st.text(max_size=400))
def test_any_text_gives_a_script_or_a_script_error(yaml_loader: None, text: str) -> None:
    outcome(lambda: parse_script(text, "fuzz.yaml"))


@FUZZ
@given(text=script_like_text)
def test_script_like_text_gives_a_script_or_a_script_error(yaml_loader: None, text: str) -> None:
    outcome(lambda: parse_script(text, "fuzz.yaml"))


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["id", "title", "version", "sections", "questions", "text", "x"]),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@FUZZ
@given(data=json_like)
def test_any_data_as_a_snapshot_gives_a_script_or_a_script_error(data: object) -> None:
    outcome(lambda: from_snapshot(data))


def clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").strip()


# Letters, marks, numbers, punctuation, symbols and spaces from any script: what a teacher types.
typed = st.text(
    alphabet=st.characters(categories=["L", "M", "N", "P", "S", "Zs"]),
    min_size=1,
    max_size=40,
)
one_line = typed.map(clean).filter(bool)
block = st.lists(typed, min_size=1, max_size=3).map("\n".join).map(clean).filter(bool)
ident = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,11}", fullmatch=True)


@st.composite
def scripts(draw: st.DrawFn) -> Script:
    sections = []
    section_ids = draw(st.lists(ident, min_size=1, max_size=3, unique=True))
    for section_id in section_ids:
        question_ids = draw(st.lists(ident, min_size=1, max_size=3, unique=True))
        questions = tuple(
            Question(
                id=question_id,
                text=draw(block),
                guidance=draw(st.just("") | block),
                follow_ups=tuple(draw(st.lists(block, max_size=3))),
                anchor_excerpt=draw(st.booleans()),
            )
            for question_id in question_ids
        )
        sections.append(Section(id=section_id, title=draw(one_line), questions=questions))
    return Script(
        id=draw(ident),
        title=draw(one_line),
        subject=draw(st.just("") | one_line),
        version=draw(st.integers(1, 1_000_000)),
        description=draw(st.just("") | block),
        sections=tuple(sections),
    )


@settings(max_examples=75, deadline=None)
@given(script=scripts())
def test_dumped_scripts_read_back_unchanged(script: Script) -> None:
    assert parse_script(dump_script(script), "round-trip.yaml") == script


@settings(max_examples=75, deadline=None)
@given(script=scripts())
def test_snapshots_read_back_unchanged(script: Script) -> None:
    assert from_snapshot(to_snapshot(script)) == script
