"""``ownwork centre`` and ``ownwork referral``: the centre's details and a referral's facts on the
command line, with form M1's answers printed in the form's order."""

from __future__ import annotations

import pytest

from app.cli.main import main
from app.storage import referrals, staff
from app.storage.database import Database
from tests.integrity_support import conclude


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_centre_details_are_shown_set_and_checked(
    store: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "centre")
    assert code == 0 and "A referral still needs: the centre number" in out
    code, out, err = _run(
        capsys,
        "centre",
        "--number", "74123",
        "--name", "Riverside Academy",
        "--address", "1 Harbour Road, Riverside, RV1 2AB",
        "--head-name", "Mrs J. Adeyemi",
        "--head-email", "head@riverside.example",
        "--head-phone", "01632 960 555",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "A referral still needs" not in out
    with store.transaction() as session:
        centre = staff.get_centre(session)
    assert centre.address == "1 Harbour Road\nRiverside\nRV1 2AB"
    code, _, err = _run(capsys, "centre", "--head-email", "not an address")
    assert code == 1 and len(err.splitlines()) == 1 and "email address" in err
    with store.transaction() as session:
        assert staff.get_centre(session).head_email == "head@riverside.example"


def test_referral_facts_are_recorded_and_the_answers_printed_in_order(
    store: Database, conversation_id: int, capsys: pytest.CaptureFixture[str]
) -> None:
    conclude(store, conversation_id)
    code, out, err = _run(
        capsys,
        "referral", str(conversation_id),
        "--concern-arose", "2026-10-02",
        "--noticed-by", "Ms Okafor",
        "--ai-tool", "A chatbot",
        "--ai-output-kept", "no",
        "--info-for-candidates", "yes",
    )  # fmt: skip
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "1. Header: Awarding body" and lines[1] == "   AQA"
    assert "   Friday 2 October 2026" in lines
    assert "   A chatbot Its output was not kept." in lines
    assert "Late notification:" in out
    assert "Not ready to send yet:" in out and "centre's details" in out
    with store.transaction() as session:
        facts = referrals.get_facts(session, conversation_id)
    assert facts.ai_output_kept is False and facts.info_for_candidates_given is True
    code, _, err = _run(capsys, "referral", str(conversation_id), "--concern-arose", "2099-01-01")
    assert code == 1 and "cannot be in the future" in err
    with pytest.raises(SystemExit) as refused:
        main(["referral", str(conversation_id), "--concern-arose", "2 Oct"])
    assert refused.value.code == 2
    assert "not a date like 2026-10-02" in capsys.readouterr().err
