"""Documents follow the record's state: frozen content once finalised, amendments beside the
original, the state and the audit anchor on every page, and a referral that claims nothing the
record does not show."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from app.cli.main import main
from app.documents.kinds import DocumentKind, render
from app.documents.samples import long_case
from app.documents.state import STUDENT_HIDDEN_PATHS, PrintedCase
from app.documents.wording import long_date
from app.domain import canonical, rights
from app.domain.records import ConversationStatus, StudentDraft
from app.integrity import amendments, finalise
from app.integrity.printed import load_printed
from app.storage import audit, interviews, referrals, students
from app.storage.database import Database
from tests.document_support import flat, pdf_text, reader
from tests.integrity_support import centre_for_referrals, conclude, finalised

READY_RIGHTS = {item.key: True for item in rights.RIGHTS}
STAFF_ONLY = "Parent has raised concerns about workload at home."


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _pages(data: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in reader(data).pages]


def _prepare(store: Database, conversation_id: int, **rights_done: bool) -> None:
    centre_for_referrals(store)
    with store.transaction() as session:
        interviews.save_preparation(
            session,
            conversation_id,
            rights={**READY_RIGHTS, **rights_done},
            staff_only_note=STAFF_ONLY,
        )


def _export(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, *argv: str
) -> tuple[int, str, bytes]:
    target = tmp_path / "out.pdf"
    target.unlink(missing_ok=True)
    code, _out, err = _run(capsys, "export", *argv, "-o", str(target))
    return code, err, target.read_bytes() if target.exists() else b""


def _amend(store: Database, conversation_id: int, path: str, value: str, reason: str) -> str:
    with store.transaction() as session:
        session.info["actor"] = "j.okafor"
        return amendments.add(
            session, conversation_id, path=path, new_value=value, reason=reason
        ).code


def test_finalised_document_is_made_from_the_frozen_content_and_code(
    store: Database, conversation_id: int
) -> None:
    code = finalised(store, conversation_id)
    with store.transaction() as session:
        printed = load_printed(session, conversation_id)
    assert printed.state.code == code
    assert canonical.integrity_code(printed.case) == code


def test_renaming_the_student_after_finalising_never_changes_the_record(
    store: Database,
    conversation_id: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _prepare(store, conversation_id)
    code = finalised(store, conversation_id)
    _, _, before = _export(capsys, tmp_path, "record", str(conversation_id))
    with store.transaction() as session:
        student = load_printed(session, conversation_id).case.student
        students.update(
            session,
            student.id,
            StudentDraft(surname="Trần", forename="Thị Mai", candidate_number="0423"),
        )
    with store.transaction() as session:
        frozen = load_printed(session, conversation_id).case
    copy_code = canonical.visible_code(frozen, STUDENT_HIDDEN_PATHS)
    documents = (
        (["record"], code),
        (["record", "--student-copy"], copy_code),
        (["referral"], code),
        (["notice"], code),
    )
    for kind, printed_code in documents:
        status, err, after = _export(capsys, tmp_path, *kind, str(conversation_id))
        assert status == 0, err
        text = pdf_text(after)
        assert "Thị Mai Nguyễn" in text
        assert "Thị Mai Trần" not in text
        assert canonical.grouped(printed_code) in text
        if kind != ["notice"]:  # a letter to the candidate does not discuss the database
            assert "Changed in OwnWork since this record was finalised" in text
            assert "Student: surname" in text
    assert canonical.grouped(code) in pdf_text(before)


def test_every_page_states_the_record_state_and_the_audit_anchor(
    store: Database,
    conversation_id: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def pages_say(state: str) -> None:
        with store.transaction() as session:
            anchor = audit.anchor(session).short
        status, err, data = _export(capsys, tmp_path, "record", str(conversation_id))
        assert (status, err) == (0, "")
        for page in _pages(data):
            assert state in page
            assert anchor in page

    pages_say("DRAFT — not concluded")
    conclude(store, conversation_id)
    pages_say("Concluded, not finalised")
    with store.transaction() as session:
        session.info["actor"] = "j.okafor"
        done = finalise.finalise(session, conversation_id)
    pages_say(f"Finalised on {long_date(done.finalised_at)} by j.okafor")
    _amend(store, conversation_id, "outcome.next_step", "Refer to the head of centre.", "Typo")
    pages_say("amended once")


def test_a_long_draft_says_so_on_every_one_of_its_pages() -> None:
    case = long_case(questions=30, note_chars=2_000)
    header = replace(case.content.conversation, status=ConversationStatus.IN_PROGRESS)
    draft = replace(case, content=replace(case.content, conversation=header))
    pages = _pages(render(PrintedCase.of(draft), DocumentKind.RECORD))
    assert len(pages) > 3
    assert all("DRAFT — not concluded" in page for page in pages)


def test_amendments_print_beside_the_original_with_their_own_codes(
    store: Database,
    conversation_id: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _prepare(store, conversation_id)
    finalised(store, conversation_id)
    next_code = _amend(
        store,
        conversation_id,
        "outcome.next_step",
        "Refer to the head of centre.",
        "The exams officer is away this term.",
    )
    wellbeing_code = _amend(
        store, conversation_id, "preparation.wellbeing_note", "Anxious, then calm.", "Clearer"
    )
    _, _, record = _export(capsys, tmp_path, "record", str(conversation_id))
    text = pdf_text(record)
    assert "amended twice" in text
    for expected in (
        "Amendment 1: Outcome: next step",
        "Original Refer to the exams officer.",
        "Corrected to Refer to the head of centre.",
        "Reason The exams officer is away this term.",
        "By j.okafor on",
        canonical.grouped(next_code),
        canonical.grouped(wellbeing_code),
        "Anxious, then calm.",
    ):
        assert expected in text, expected
    _, _, copy = _export(capsys, tmp_path, "record", "--student-copy", str(conversation_id))
    copy_text = pdf_text(copy)
    assert canonical.grouped(next_code) in copy_text
    assert "Refer to the head of centre." in copy_text
    assert canonical.grouped(wellbeing_code) not in copy_text
    assert "Anxious, then calm." not in copy_text
    status, err, referral = _export(capsys, tmp_path, "referral", str(conversation_id))
    assert (status, err) == (0, "")
    referral_text = pdf_text(referral)
    assert canonical.grouped(next_code) in referral_text
    assert "Next step agreed Refer to the head of centre." in referral_text
    assert "Anxious, then calm." not in referral_text
    assert "Calm; asked for water." not in referral_text


def test_an_amended_conclusion_is_what_the_referral_goes_by(
    store: Database,
    conversation_id: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _prepare(store, conversation_id)
    finalised(store, conversation_id)
    _amend(store, conversation_id, "outcome.conclusion", "satisfied", "Drafts found later")
    status, err, data = _export(capsys, tmp_path, "referral", str(conversation_id))
    assert status == 1 and data == b""
    assert "nothing to refer" in err


def test_staff_only_and_wellbeing_notes_never_go_to_the_awarding_body(
    store: Database,
    conversation_id: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _prepare(store, conversation_id)
    conclude(store, conversation_id)
    _, _, record = _export(capsys, tmp_path, "record", str(conversation_id))
    assert STAFF_ONLY in pdf_text(record)
    assert "Calm; asked for water." in pdf_text(record)
    status, err, referral = _export(capsys, tmp_path, "referral", str(conversation_id))
    assert (status, err) == (0, "")
    text = pdf_text(referral)
    assert "Appendix A. Record of an authenticity conversation" in text
    assert STAFF_ONLY not in text and "Staff-only note" not in text
    assert "Calm; asked for water." not in text and "Wellbeing" not in text


def test_a_referral_without_the_rights_recorded_is_refused_with_the_list(
    store: Database,
    conversation_id: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _prepare(
        store,
        conversation_id,
        informed_in_writing=False,
        told_consequences=False,
        told_statement_and_appeal=False,
    )
    conclude(store, conversation_id)
    status, err, data = _export(capsys, tmp_path, "referral", str(conversation_id))
    assert status == 1 and data == b""
    assert len(err.splitlines()) == 1
    for key in ("informed_in_writing", "told_consequences", "told_statement_and_appeal"):
        label = rights.BY_KEY[key].label
        assert f"{label[0].lower()}{label[1:]}" in err
    assert "--draft" in err


def test_a_draft_referral_says_so_on_every_page_and_claims_nothing_unrecorded(
    store: Database,
    conversation_id: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _prepare(store, conversation_id, told_consequences=False)
    conclude(store, conversation_id)
    status, err, data = _export(capsys, tmp_path, "referral", "--draft", str(conversation_id))
    assert (status, err) == (0, "")
    pages = _pages(data)
    assert len(pages) > 1
    assert all("DRAFT — not ready to send" in page for page in pages)
    text = " ".join(pages)
    assert "has been told of the concern, of the evidence and of their rights" not in text
    assert (
        "The centre's record does not show that the candidate was told the possible consequences"
        in text
    )
    assert (
        "The centre's record shows that the candidate was told in writing of the concern and "
        "the evidence" in text
    )


def test_a_ready_referral_declares_each_right_as_recorded(
    store: Database,
    conversation_id: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _prepare(store, conversation_id)
    conclude(store, conversation_id)
    status, _, data = _export(capsys, tmp_path, "referral", str(conversation_id))
    assert status == 0
    text = pdf_text(data)
    assert "does not show" not in text
    assert "DRAFT" not in text
    assert "the candidate was told the possible consequences" in text


def test_the_student_copy_code_covers_only_what_the_copy_shows() -> None:
    case = long_case(questions=2, note_chars=200)
    other_note = replace(
        case,
        content=replace(
            case.content,
            preparation=replace(case.content.preparation, staff_only_note="A different note."),
        ),
    )
    copies = [
        pdf_text(render(PrintedCase.of(c), DocumentKind.STUDENT_COPY)) for c in (case, other_note)
    ]
    records = [pdf_text(render(PrintedCase.of(c), DocumentKind.RECORD)) for c in (case, other_note)]
    code = canonical.grouped(canonical.visible_code(case, STUDENT_HIDDEN_PATHS))
    assert code in copies[0] and code in copies[1]
    assert "code of this copy (SHA-256 of what the student's copy shows)" in copies[0]
    assert canonical.grouped(canonical.integrity_code(case)) not in copies[0]
    assert canonical.grouped(canonical.integrity_code(case)) in records[0]
    assert canonical.grouped(canonical.integrity_code(other_note)) in records[1]
    renamed = replace(case, student=replace(case.student, surname="Trần"))
    assert canonical.visible_code(renamed, STUDENT_HIDDEN_PATHS) != canonical.visible_code(
        case, STUDENT_HIDDEN_PATHS
    )


def test_saving_the_notice_records_the_candidate_told_in_writing(
    store: Database,
    conversation_id: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _prepare(
        store,
        conversation_id,
        informed_in_writing=False,
        told_consequences=False,
        told_statement_and_appeal=False,
    )
    finalised(store, conversation_id)
    status, err, _ = _export(capsys, tmp_path, "referral", str(conversation_id))
    assert status == 1 and "told in writing" in err
    target = tmp_path / "notice.pdf"
    code, out, err = _run(capsys, "export", "notice", str(conversation_id), "-o", str(target))
    assert (code, err) == (0, "")
    today = dt.date.today()
    assert f"recorded as given to the candidate on {long_date(today)}" in out
    pages = _pages(target.read_bytes())
    text = " ".join(pages)
    for expected in (
        "Notice of a concern about the authenticity of coursework",
        "For the candidate.",
        "Copy for the candidate's parent or carer.",
        "What could happen",
        "You may respond to the concern",
        "You may ask for advice",
        "You may give a written statement",
        "supplementary statement",
        "other awarding bodies and with the regulators",
        "How to appeal",
        "The essay's vocabulary differs sharply from class work.",
    ):
        assert expected in text, expected
    assert STAFF_ONLY not in text and "Calm; asked for water." not in text
    with store.transaction() as session:
        assert referrals.get_facts(session, conversation_id).notice_given_on == today
    status, err, referral = _export(capsys, tmp_path, "referral", str(conversation_id))
    assert status == 0, err
    assert f"The written notice was given to the candidate on {long_date(today)}" in pdf_text(
        referral
    )
    code, out, err = _run(
        capsys, "export", "statement-form", str(conversation_id), "-o", str(tmp_path / "s.pdf")
    )
    assert code == 0 and "The candidate's written statement" in pdf_text(
        (tmp_path / "s.pdf").read_bytes()
    )


def test_statements_are_recorded_as_text_and_date_and_go_into_the_pack(
    store: Database,
    conversation_id: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _prepare(store, conversation_id)
    conclude(store, conversation_id)
    words = tmp_path / "words.txt"
    words.write_text("I wrote the essay myself but used a translator for two paragraphs.\n")
    code, out, err = _run(
        capsys,
        "statement",
        str(conversation_id),
        "--candidate",
        "--given",
        "2026-10-12",
        "--text-file",
        str(words),
    )
    assert (code, err) == (0, ""), err
    assert "by Thị Mai Nguyễn of 2026-10-12" in out
    words.write_text("I sat in on the conversation; the account is accurate.")
    code, _, err = _run(
        capsys,
        "statement",
        str(conversation_id),
        "--staff",
        "Mr Ian Lloyd",
        "--role",
        "Head of Year 11",
        "--given",
        "2026-10-13",
        "--text-file",
        str(words),
    )
    assert code == 0, err
    status, _, referral = _export(capsys, tmp_path, "referral", str(conversation_id))
    assert status == 0
    text = pdf_text(referral)
    assert (
        "Thị Mai Nguyễn: statement given on Monday 12 October 2026 I wrote the essay myself" in text
    )
    assert "Mr Ian Lloyd, Head of Year 11: statement given on Tuesday 13 October 2026" in text
    assert "The candidate's written statement (printed in this pack) Included" in text
    assert "Mr Ian Lloyd (Head of Year 11), written statement of Tuesday 13 October 2026" in text
    words.write_bytes(b"\xff\xfe bad")
    code, _, err = _run(
        capsys,
        "statement",
        str(conversation_id),
        "--candidate",
        "--given",
        "2026-10-12",
        "--text-file",
        str(words),
    )
    assert code == 1 and "not UTF-8 text; nothing was recorded" in err
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    code, _, err = _run(
        capsys,
        "statement",
        str(conversation_id),
        "--candidate",
        "--given",
        future,
        "--text-file",
        str(tmp_path / "words.txt"),
    )
    assert code == 1
    with store.transaction() as session:
        assert len(referrals.statements_for(session, conversation_id)) == 2
