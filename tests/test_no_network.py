"""OwnWork never opens a network socket: a whole flow runs with networking made impossible."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.paths import AppPaths

FLOW = """
from pathlib import Path
from app.demo.evidence import add_demo_evidence
from app.demo.seed import seed_demo
from app.documents.record_pdf import render_record
from app.documents.referral_pdf import render_referral
from app.integrity import case_bundle, evidence, signing
from app.integrity.verify import verify
from app.paths import resolve_paths
from app.storage import backups, case_files
from app.storage.database import open_store


def flow(folder):
    paths = resolve_paths(folder / "data")
    store = open_store(paths, actor="teacher")
    seed_demo(store, students=12, conversations=10, seed=3)
    add_demo_evidence(store, paths, seed=3)
    with store.transaction() as session:
        case = case_files.load_case(session, 1)
        attached = evidence.list_for_conversation(session, 1)
    (folder / "record.pdf").write_bytes(render_record(case))
    # A draft: the demo records do not show the candidate told in writing.
    (folder / "referral.pdf").write_bytes(render_referral(case, draft=True))
    evidence.viewing_copy(paths, store, attached[0])
    case_bundle.export_case(store, paths, 1, folder / "case.zip")
    backups.rotate_daily(paths)
    assert verify(paths, store).ok
    other = resolve_paths(folder / "other")
    officer = open_store(other, actor="exams officer")
    signing.trust(other, signing.own_fingerprint(paths))
    case_bundle.import_case(officer, other, folder / "case.zip")
    assert verify(other, officer).ok
    store.dispose()
    officer.dispose()
    return "flow complete"
"""


def _run_flow(folder: Path) -> str:
    namespace: dict[str, object] = {}
    exec(compile(FLOW, "flow", "exec"), namespace)  # the same flow in-process and in a child
    return str(namespace["flow"](folder))  # type: ignore[operator]


class _NoSocket(socket.socket):
    def __init__(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("OwnWork tried to open a socket")


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("OwnWork tried to reach the network")


def test_the_whole_flow_runs_with_sockets_refused(
    tmp_path: Path, paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(socket, "socket", _NoSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "socketpair"):
        monkeypatch.setattr(socket, name, _refuse)
    assert _run_flow(tmp_path) == "flow complete"


def test_no_socket_is_even_created_at_the_c_level(tmp_path: Path) -> None:
    # An audit hook sees every socket the interpreter makes, however it is reached.
    child = (
        textwrap.dedent(
            """
        import sys
        from pathlib import Path

        def hook(event, args):
            if event.startswith("socket."):
                raise RuntimeError(f"network use: {event} {args!r}")

        sys.addaudithook(hook)
        """
        )
        + FLOW
        + f"\nprint(flow(Path({str(tmp_path)!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", child],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("flow complete")
