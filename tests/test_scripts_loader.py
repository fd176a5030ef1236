"""Script files: every bundled script is valid, every kind of bad file is refused with its line,
and what ``dump_script`` writes reads back the same."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from app.errors import OwnWorkError
from app.scripts.loader import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    dump_script,
    load_script_file,
    parse_script,
    parse_script_bytes,
)
from app.scripts.model import Question, Script, Section, from_snapshot, to_snapshot
from app.scripts.problems import Problem, ScriptError
from app.scripts.schema import SCRIPT_SCHEMA

GOOD = """\
id: demo
title: Demo script
subject: History
version: 3
description: A short script for tests.
sections:
  - id: opening
    title: Opening
    questions:
      - id: summary
        text: What is your work about?
        guidance: Listen for a summary in their own words.
        follow_ups:
          - What was the question?
      - id: passage
        text: Explain this passage.
        anchor_excerpt: true
  - id: closing
    title: Closing
    questions:
      - id: anything-else
        text: Is there anything else you'd like to add?
"""


def bundled_files() -> list[str]:
    folder = resources.files("resources") / "scripts"
    return sorted(item.name for item in folder.iterdir() if item.name.endswith(".yaml"))


def problems_of(text: str) -> list[Problem]:
    with pytest.raises(ScriptError) as caught:
        parse_script(text, "bad.yaml")
    return list(caught.value.problems)


def the_problem(text: str) -> Problem:
    problems = problems_of(text)
    assert len(problems) == 1, problems
    return problems[0]


def test_good_file_gives_the_script_it_describes() -> None:
    script = parse_script(GOOD, "good.yaml")
    assert script.id == "demo"
    assert script.version == 3
    assert [s.id for s in script.sections] == ["opening", "closing"]
    summary, passage = script.sections[0].questions
    assert summary.follow_ups == ("What was the question?",)
    assert summary.anchor_excerpt is False
    assert passage.anchor_excerpt is True
    assert passage.guidance == ""
    assert script.question("closing.anything-else").text.startswith("Is there anything")
    assert script.question_count == 3


@pytest.mark.parametrize("name", bundled_files())
def test_every_bundled_script_is_valid_and_complete(name: str) -> None:
    text = (resources.files("resources") / "scripts" / name).read_text(encoding="utf-8")
    script = parse_script(text, name)
    assert name == f"{script.id}.yaml"
    assert 12 <= script.question_count <= 25
    assert script.sections[-1].id == "closing"
    for section in script.sections:
        for question in section.questions:
            assert question.guidance, f"{section.id}.{question.id} has no guidance"
            assert 1 <= len(question.follow_ups) <= 3, f"{section.id}.{question.id}"
    assert any(q.anchor_excerpt for s in script.sections for q in s.questions)
    first = script.sections[0].questions[0].text.casefold()
    assert " ai" not in first and "artificial" not in first


def test_there_are_at_least_five_bundled_scripts() -> None:
    assert len(bundled_files()) >= 5


def test_the_schema_is_a_valid_json_schema() -> None:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(SCRIPT_SCHEMA)


def test_yaml_syntax_error_is_reported_at_its_line() -> None:
    problem = the_problem("id: demo\ntitle: Demo\nsections: [a, b\nversion: 1\n")
    assert problem.line == 4
    assert problem.message.startswith("YAML syntax error:")
    assert str(problem).startswith("bad.yaml:4: YAML syntax error:")


def test_missing_required_field_is_named_with_the_line_of_its_mapping() -> None:
    text = GOOD.replace("        text: Explain this passage.\n", "")
    problem = the_problem(text)
    assert problem.field == "sections[0].questions[1].text"
    assert problem.message == "is required but missing"
    assert problem.line == 15


def test_every_missing_top_level_field_is_listed() -> None:
    fields = {p.field for p in problems_of("description: nothing else\n")}
    assert fields == {"id", "title", "version", "sections"}


def test_wrong_type_says_what_was_expected_and_where() -> None:
    problem = the_problem(GOOD.replace("version: 3", "version: three"))
    assert (problem.line, problem.field) == (4, "version")
    assert problem.message == "must be a whole number, not text"
    quoted = the_problem(GOOD.replace("title: Closing", "title: 1984"))
    assert quoted.field == "sections[1].title"
    assert "put it in quotes" in quoted.message
    flag = the_problem(GOOD.replace("anchor_excerpt: true", "anchor_excerpt: sometimes"))
    assert flag.message == "must be true or false, not text"


def test_empty_text_is_refused() -> None:
    problem = the_problem(GOOD.replace("text: Explain this passage.", 'text: "   "'))
    assert (problem.line, problem.field) == (16, "sections[0].questions[1].text")
    assert problem.message == "must not be empty"
    blank = the_problem(GOOD.replace("text: Explain this passage.", "text:"))
    assert blank.message == "must not be empty"


def test_duplicate_section_ids_are_refused() -> None:
    problem = the_problem(GOOD.replace("id: closing", "id: opening"))
    assert (problem.line, problem.field) == (18, "sections[1].id")
    assert problem.message == "'opening' is already the id of sections[0]"


def test_duplicate_question_ids_within_a_section_are_refused() -> None:
    problem = the_problem(GOOD.replace("id: passage", "id: summary"))
    assert (problem.line, problem.field) == (15, "sections[0].questions[1].id")
    assert "already the id of sections[0].questions[0]" in problem.message


def test_the_same_question_id_in_two_sections_is_fine() -> None:
    script = parse_script(GOOD.replace("id: anything-else", "id: summary"), "ok.yaml")
    assert script.question("closing.summary").text.startswith("Is there")


def test_unknown_key_is_refused_with_a_suggestion() -> None:
    problem = the_problem(GOOD.replace("follow_ups:", "followups:"))
    assert (problem.line, problem.field) == (13, "sections[0].questions[0].followups")
    assert problem.message == "is not a field of a question; did you mean 'follow_ups'?"
    top = the_problem(GOOD + "colour: red\n")
    assert top.field == "colour"
    assert top.message.startswith("is not a field of a script")


def test_a_key_written_twice_is_refused() -> None:
    problem = the_problem(GOOD.replace("version: 3\n", "version: 3\nversion: 4\n"))
    assert (problem.line, problem.field) == (5, "version")
    assert problem.message == "appears twice in one mapping"


def test_id_with_a_dot_or_capitals_is_refused() -> None:
    problem = the_problem(GOOD.replace("id: passage", "id: Passage.2"))
    assert problem.field == "sections[0].questions[1].id"
    assert problem.message.startswith("must use only lower-case letters")


def test_title_must_be_one_line() -> None:
    problem = the_problem(GOOD.replace("title: Opening", 'title: "Open\\ning"'))
    assert problem.message == "must be a single line"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- a\n- b\n", "not a list"),
        ("just some words\n", "not text"),
        ("42\n", "not a number"),
    ],
)
def test_top_level_that_is_not_a_mapping_is_refused(text: str, expected: str) -> None:
    problem = the_problem(text)
    assert problem.line == 1
    assert problem.message.startswith("the top level must be a mapping")
    assert problem.message.endswith(expected)


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "~\n"])
def test_empty_file_is_refused(text: str) -> None:
    assert the_problem(text).message == "the file is empty: it holds no script"


def test_control_character_is_refused_at_its_line() -> None:
    problem = the_problem(GOOD.replace("A short script", "A short\x07 script"))
    assert problem.line == 5
    assert (
        problem.message == "this line contains a control character (U+0007) that cannot be stored"
    )


def test_nul_is_refused() -> None:
    assert "(NUL)" in the_problem(GOOD.replace("Demo script", "Demo\x00")).message


def test_escaped_control_character_in_a_quoted_string_is_refused() -> None:
    problem = the_problem(GOOD.replace("title: Opening", 'title: "Open\\x00ing"'))
    assert (problem.line, problem.field) == (8, "sections[0].title")
    assert "control character (NUL)" in problem.message


def test_lone_surrogate_is_refused_whether_raw_or_escaped() -> None:
    raw = the_problem(GOOD.replace("Demo script", "Demo \ud800"))
    assert raw.line == 2
    assert "unpaired surrogate (U+D800)" in raw.message
    # libyaml refuses a surrogate escape as a syntax error; the pure-Python parser lets the
    # check on values catch it.  Either way it is refused at its line.
    escaped = the_problem(GOOD.replace("title: Opening", 'title: "Open \\uDC00"'))
    assert escaped.line == 8
    snapshot = to_snapshot(parse_script(GOOD, "good.yaml"))
    snapshot["sections"][0]["title"] = "Open \udc00"
    with pytest.raises(ScriptError, match=r"sections\[0\]\.title: contains an unpaired surrogate"):
        from_snapshot(snapshot)


def test_invalid_utf8_is_refused_with_its_line() -> None:
    data = GOOD.encode().replace(b"Demo script", b"Demo \xff script")
    with pytest.raises(ScriptError) as caught:
        parse_script_bytes(data, "bytes.yaml")
    (problem,) = caught.value.problems
    assert problem.line == 2
    assert problem.message == "byte 0xFF is not valid UTF-8 text; save the file as UTF-8"


def test_utf8_byte_order_mark_is_fine() -> None:
    script = parse_script_bytes(b"\xef\xbb\xbf" + GOOD.encode(), "bom.yaml")
    assert script.id == "demo"


def test_utf16_file_is_refused_clearly() -> None:
    with pytest.raises(ScriptError, match="save it as UTF-8"):
        parse_script_bytes(GOOD.encode("utf-16"), "wide.yaml")


def test_windows_line_endings_are_fine() -> None:
    assert parse_script(GOOD.replace("\n", "\r\n"), "crlf.yaml") == parse_script(GOOD, "lf")


def test_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(GOOD.encode() + b"#" * MAX_FILE_BYTES)
    with pytest.raises(ScriptError) as caught:
        load_script_file(path)
    assert "at most 1 MB" in str(caught.value)
    with pytest.raises(ScriptError, match="at most 1 MB"):
        parse_script("#" * (MAX_FILE_BYTES + 1), "huge.yaml")


def test_anchors_and_aliases_are_refused() -> None:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
    problem = the_problem(bomb)
    assert problem.line == 1
    assert "anchors and aliases" in problem.message
    alias_only = the_problem(GOOD.replace("title: Opening", "title: *nothing"))
    assert alias_only.line == 8


def test_nesting_past_the_script_limit_is_refused_at_its_line() -> None:
    # Shallow enough for any YAML parser, too deep for a script: our own limit answers.
    problem = the_problem("title: x\nsections: " + "[" * (MAX_DEPTH + 5))
    assert problem.line == 2
    assert problem.message == f"nested more than {MAX_DEPTH} levels deep"


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deep_nesting_is_refused_without_recursion(depth: int) -> None:
    # Whichever refuses first, PyYAML's scanner (newer releases cap nesting themselves) or our
    # limit, the promise is one located message about nesting and no RecursionError.
    problem = the_problem("[" * depth)
    assert problem.line == 1
    assert "nest" in problem.message.lower()


def test_yaml_tags_are_refused_and_never_run() -> None:
    problem = the_problem(GOOD.replace("title: Demo script", "title: !!python/name:os.system Demo"))
    assert problem.field == "title"
    assert "uses the YAML tag '!!python/name:os.system'" in problem.message


def test_two_documents_in_one_file_are_refused() -> None:
    problem = the_problem(GOOD + "---\n" + GOOD)
    assert problem.line == 23
    assert "one YAML document" in problem.message


def test_dates_and_times_are_read_as_text_where_text_is_expected() -> None:
    script = parse_script(GOOD.replace("title: Closing", "title: 2026-06-01"), "d.yaml")
    assert script.sections[1].title == "2026-06-01"


def test_all_problems_are_reported_in_file_order() -> None:
    text = GOOD.replace("version: 3", "version: 0").replace("id: closing", "id: opening")
    lines = [p.line for p in problems_of(text + "extra: 1\n")]
    assert lines == sorted(lines)
    assert len(lines) == 3


def test_error_text_lists_one_problem_per_line() -> None:
    text = GOOD.replace("version: 3", "version: 0").replace("id: passage", "id: summary")
    with pytest.raises(ScriptError) as caught:
        parse_script(text, "two.yaml")
    assert isinstance(caught.value, OwnWorkError)
    assert str(caught.value).splitlines() == [
        "two.yaml:4: version: must be between 1 and 1000000",
        "two.yaml:15: sections[0].questions[1].id: 'summary' is already the id of "
        "sections[0].questions[0]",
    ]


def test_missing_file_and_folder_give_one_clear_problem(tmp_path: Path) -> None:
    with pytest.raises(ScriptError) as missing:
        load_script_file(tmp_path / "nope.yaml")
    assert str(missing.value) == f"{tmp_path / 'nope.yaml'}: the file does not exist"
    with pytest.raises(ScriptError, match="is a folder"):
        load_script_file(tmp_path)


def test_text_is_normalised_when_read() -> None:
    decomposed = "Caf" + "e\u0301"
    script = parse_script(GOOD.replace("title: Opening", f"title: '  {decomposed}  '"), "n.yaml")
    assert script.sections[0].title == "Café"


def test_dump_reads_back_as_the_same_script() -> None:
    script = parse_script(GOOD, "good.yaml")
    assert parse_script(dump_script(script), "dumped.yaml") == script


def test_dump_keeps_awkward_text_intact() -> None:
    awkward = Script(
        id="awkward",
        title="Key: value # not a comment",
        subject="'quoted' \"both\"",
        version=7,
        description="Line one\n  indented line\n\nafter a blank line",
        sections=(
            Section(
                id="s",
                title="- looks like a list",
                questions=(
                    Question(
                        id="q",
                        text="yes",
                        guidance="Łukasz, Nguyễn, مرحبا, 😀\ttab",
                        follow_ups=("123", "null", "*not an alias", "trailing space  \nnext"),
                        anchor_excerpt=True,
                    ),
                ),
            ),
        ),
    )
    assert parse_script(dump_script(awkward), "awkward.yaml") == awkward


def test_snapshot_has_the_shared_shape_and_reads_back() -> None:
    script = parse_script(GOOD, "good.yaml")
    snapshot = to_snapshot(script)
    assert list(snapshot) == ["id", "title", "subject", "version", "description", "sections"]
    question = snapshot["sections"][0]["questions"][0]
    assert question == {
        "id": "summary",
        "text": "What is your work about?",
        "guidance": "Listen for a summary in their own words.",
        "follow_ups": ["What was the question?"],
        "anchor_excerpt": False,
    }
    assert from_snapshot(snapshot) == script


def test_bad_snapshot_is_refused_without_lines() -> None:
    snapshot = to_snapshot(parse_script(GOOD, "good.yaml"))
    snapshot["sections"][0]["questions"][0]["text"] = ""
    with pytest.raises(ScriptError) as caught:
        from_snapshot(snapshot)
    assert str(caught.value) == "snapshot: sections[0].questions[0].text: must not be empty"


def test_the_example_in_the_format_doc_is_valid() -> None:
    doc = Path(__file__).parents[1] / "docs" / "script-format.md"
    text = doc.read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    script = parse_script(example, "docs/script-format.md")
    assert script.id == "history-nea"
    assert script.question("understanding.explain-passage").anchor_excerpt
