"""Screenshots of the window as each of the school's roles sees it (issue 20), for looking at
layouts and for docs/images/roles-*.png.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python tools/screenshots_roles.py OUT_DIR

runs itself twice: at scale 1 (the window 1366 wide, PNGs ``roles-*.png``) and with
``QT_SCALE_FACTOR=1.5`` (the window sized as Windows would size it on a 1366×768 screen at
150 %, PNGs ``roles-*-scale150.png``).  Each run starts a throwaway PostgreSQL server of its
own (tests/pg_server.py, on a port of its own), sets it up as IT would (``server init``,
``add-staff``) and fills it with a small school through the services: students with their
candidate numbers, submissions with titles, conversations led by named teachers, one case
passed on to the exams officer.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QElapsedTimer, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.domain.principal import Principal, Role  # noqa: E402
from app.paths import AppPaths, resolve_paths  # noqa: E402
from app.services import Database  # noqa: E402

# Apart from the tests' (54329) and the benchmarks' (54341) ports.
PORT = 54363
SCALED = "1.5"
# The window on a 1366×768 screen, less the taskbar and the title bar, in device pixels.
SCREEN_WIDTH, WINDOW_HEIGHT = 1366, 700


def _principal(login: str, *roles: Role) -> Principal:
    return Principal(login, frozenset(roles))


IT = _principal("t.lee", Role.IT_ADMIN)
OKAFOR = _principal("s.okafor", Role.TEACHER)
PATEL = _principal("r.patel", Role.TEACHER)
HEAD_OF_HISTORY = _principal("h.jones", Role.HEAD_OF_DEPARTMENT)
EXAMS_OFFICER = _principal("e.walsh", Role.EXAMS_OFFICER)
SENIOR_LEADER = _principal("k.brown", Role.SENIOR_LEADER)
DPO = _principal("d.ahmed", Role.DPO)

# login, name, departments
STAFF: tuple[tuple[Principal, str, tuple[str, ...]], ...] = (
    (OKAFOR, "Ms Sade Okafor", ("History",)),
    (PATEL, "Mr Raj Patel", ("Physics",)),
    (HEAD_OF_HISTORY, "Mrs Helen Jones", ("History",)),
    (EXAMS_OFFICER, "Mrs Emma Walsh", ()),
    (SENIOR_LEADER, "Mr Kevin Brown", ()),
    (DPO, "Mr Daniel Ahmed", ()),
)

# surname, forename, candidate number, UPN, registration group
STUDENTS = (
    ("Nguyen", "Mai", "4127", "H801200012345", "11N"),
    ("Reid", "Tom", "4188", "H801200012346", "13R"),
    ("Khan", "Aisha", "4131", "H801200012347", "11K"),
    ("Brooks", "Oliver", "4102", "H801200012348", "11B"),
    ("Lewis", "Freya", "4166", "H801200012349", "13L"),
)

# student's surname, awarding body, qualification, component, title, lead's login, state
CASES = (
    (
        "Nguyen", "AQA", "GCSE History", "8145/HA",
        "How far was the Treaty of Versailles to blame for the Second World War?",
        OKAFOR, "concerns_remain",
    ),
    (
        "Khan", "AQA", "GCSE History", "8145/HA",
        "Why did the Norman Conquest succeed? Castles and control, 1066–1087",
        OKAFOR, "preparing",
    ),
    (
        "Brooks", "AQA", "GCSE History", "8145/HA",
        "Elizabeth I and the Catholic threat: how serious was it?",
        OKAFOR, "in_progress",
    ),
    (
        "Reid", "OCR", "A level Physics", "H556/04",
        "Measuring the Young modulus of copper wire: a practical endorsement write-up",
        PATEL, "satisfied",
    ),
    (
        "Lewis", "OCR", "A level Physics", "H556/04",
        "Investigating the damping of a pendulum by air resistance",
        PATEL, "preparing",
    ),
)  # fmt: skip


@dataclass
class School:
    store: Database
    paths: AppPaths
    students: dict[str, int]
    cases: dict[str, int]  # by the student's surname


@contextmanager
def school_server() -> Iterator[str]:
    """A PostgreSQL cluster in a temporary folder, set up as IT sets a school's up; its URL."""
    from app.services import server as setup
    from app.services import staff_accounts
    from tests.pg_server import PgServer, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise SystemExit("needs PostgreSQL's server programs (Debian: postgresql)")
    root = Path(tempfile.mkdtemp(prefix="ownwork-shots-pg-"))
    root.chmod(0o755)
    server = PgServer(bin_dir, root, port=PORT)
    server.start()
    try:
        url = server.url("ownwork_school")
        setup.init(IT, url)
        for principal, name, departments in STAFF:
            staff_accounts.add_staff(
                IT,
                url,
                principal.name,
                f"{principal.name}-screenshots-only",
                principal.roles,
                name=name,
                departments=departments,
            )
        yield url
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def fill(store: Database, paths: AppPaths) -> School:
    """The school's records, kept through the services as each teacher would keep them."""
    from app.domain.records import StudentDraft, SubmissionDraft
    from app.services import records, sharing

    everyone = store.principal  # the cluster's superuser: every role
    students = {
        surname: records.add_student(
            everyone,
            store,
            StudentDraft(
                surname=surname,
                forename=forename,
                candidate_number=candidate,
                upn=upn,
                reg_group=group,
                year_group=11 if group.startswith("11") else 13,
            ),
        ).value.id
        for surname, forename, candidate, upn, group in STUDENTS
    }
    staff_ids = {s.name: s.id for s in records.list_staff(everyone, store)}
    names = {principal.name: name for principal, name, _ in STAFF}
    cases: dict[str, int] = {}
    held = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
    for number, (surname, body, qualification, component, title, lead, state) in enumerate(CASES):
        submission = records.add_submission(
            lead,
            store,
            SubmissionDraft(
                student_id=students[surname],
                awarding_body=body,
                qualification=qualification,
                component_code=component,
                title=title,
                exam_series="June 2027",
                handed_in_on=dt.date(2026, 10, 20),
                declaration_signed=True,
                declaration_signed_on=dt.date(2026, 10, 20),
            ),
        ).value
        conversation = records.plan_conversation(
            lead,
            store,
            submission_id=submission.id,
            held_at=held + dt.timedelta(days=number, hours=number % 3),
            led_by=staff_ids[names[lead.name]],
        ).value
        cases[surname] = conversation.id
        _bring_to(store, conversation.id, state)
    sharing.pass_on(
        PATEL,
        store,
        cases["Reid"],
        note="Concluded and satisfied; for the centre's file before the May deadline.",
    )
    return School(store, paths, students, cases)


def _bring_to(store: Database, conversation_id: int, state: str) -> None:
    """Where a conversation has got to: begun with the bundled essay script, or concluded."""
    from app.scripts.loader import load_script_file
    from app.scripts.model import to_snapshot
    from app.storage import interviews
    from app.storage.models import ConversationRow

    if state == "preparing":
        return
    script = load_script_file(ROOT / "resources" / "scripts" / "essay-humanities.yaml")
    with store.transaction() as session:
        interviews.save_preparation(
            session,
            conversation_id,
            purpose_explained=True,
            concern_summary="The essay's style differs from the student's work in class.",
        )
        interviews.add_excerpt(
            session,
            conversation_id,
            location="page 3, paragraph 2",
            text="The punitive reparations created fertile ground for extremism.",
        )
        interviews.begin(session, conversation_id, to_snapshot(script), script.title)
        if state != "in_progress":
            row = session.get(ConversationRow, conversation_id)
            assert row is not None
            row.status, row.conclusion = "concluded", state


# --- looking --------------------------------------------------------------------------------


def _wait(done: Callable[[], bool], timeout_ms: int = 15_000) -> None:
    timer = QElapsedTimer()
    timer.start()
    while not done():
        if timer.elapsed() > timeout_ms:
            raise SystemExit("the window did not get there in time")
        QCoreApplication.processEvents()
        QTest.qWait(20)


def _settle(ms: int = 300) -> None:
    QTest.qWait(ms)


def _logical(size: int, scale: float) -> int:
    return round(size / scale)


class Camera:
    def __init__(self, out: Path, scale: float) -> None:
        self.out = out
        self.scale = scale
        self.suffix = "" if scale == 1 else "-scale150"
        self.taken: list[Path] = []

    def shoot(self, widget: QWidget, name: str) -> None:
        path = self.out / f"roles-{name}{self.suffix}.png"
        widget.grab().save(str(path))
        self.taken.append(path)

    def size(self, widget: QWidget, width: int = SCREEN_WIDTH, height: int = WINDOW_HEIGHT) -> None:
        widget.resize(_logical(width, self.scale), _logical(height, self.scale))

    def shoot_dialog(self, open_it: Callable[[], None], name: str) -> None:
        """Open a modal dialog with ``open_it``, photograph it, and close it."""

        def take() -> None:
            dialog = QApplication.activeModalWidget()
            if dialog is None:
                QTimer.singleShot(100, take)
                return
            _settle(200)
            self.shoot(dialog, name)
            dialog.close()

        QTimer.singleShot(300, take)
        open_it()


def _done_with(window: QWidget) -> None:
    """Close and delete a window: a window left alive would go on following the store's
    changes as the next role (the store's principal is changed for each role)."""
    from ui.operation import Runner

    window.close()
    window.deleteLater()
    Runner.instance().wait(10)
    _settle(100)


def open_window(school: School, camera: Camera, principal: Principal) -> QWidget:
    from ui.main_window import MainWindow

    school.store.principal = principal
    window = MainWindow(school.store, school.paths)
    camera.size(window)
    window.show()
    _wait(lambda: not any(pane.model.loading for pane in window.panes()))
    return window


def _select(window: QWidget, key: str, row: int = 0) -> None:
    window.show_kind(key)  # type: ignore[attr-defined]
    pane = window.pane_of(key)  # type: ignore[attr-defined]
    _wait(lambda: not pane.model.loading and pane.model.rowCount() > row)
    pane.table.selectRow(row)
    pane.table.setFocus()
    # The details pane reads on its own lane.
    _wait(lambda: pane.detail.toPlainText() not in ("", "Loading…"))
    _settle()


def shoot_roles(school: School, camera: Camera, superuser: Principal) -> None:
    window = open_window(school, camera, OKAFOR)
    _select(window, "conversations")
    camera.shoot(window, "teacher")
    camera.shoot_dialog(window.pass_on, "pass-on")  # type: ignore[attr-defined]
    camera.shoot_dialog(window.share, "share")  # type: ignore[attr-defined]
    _done_with(window)

    window = open_window(school, camera, EXAMS_OFFICER)
    _select(window, "waiting")
    camera.shoot(window, "exams-officer")
    _done_with(window)

    window = open_window(school, camera, HEAD_OF_HISTORY)
    _select(window, "conversations")
    camera.shoot(window, "head-of-department")
    camera.shoot_dialog(window.write_review_note, "review-note")  # type: ignore[attr-defined]
    _done_with(window)

    window = open_window(school, camera, SENIOR_LEADER)
    statistics = window.page_of("statistics")  # type: ignore[attr-defined]
    _wait(lambda: statistics.table.rowCount() > 0)
    _settle()
    camera.shoot(window, "senior-leader")
    _done_with(window)

    window = open_window(school, camera, DPO)
    page = window.page_of("subject_access")  # type: ignore[attr-defined]
    page.student.setValue(school.students["Nguyen"])
    page.reason.setText("SAR 2026-14, letter of 3 November")
    page.open_records()
    _wait(lambda: "Nguyen" in page.result.toPlainText())
    _settle()
    camera.shoot(window, "dpo")
    _done_with(window)

    window = open_window(school, camera, IT)
    _settle()
    camera.shoot(window, "it")
    _done_with(window)

    school.store.principal = superuser
    shoot_server_away(school, camera)
    shoot_walkthrough_away(school, camera)


def shoot_server_away(school: School, camera: Camera) -> None:
    """The main window's banner: the server stops answering while a teacher works."""
    from app.errors import StoreUnreachableError
    from app.services import journal
    from ui.server_away import ServerWatch

    school.store.principal = OKAFOR
    window = open_window(school, camera, OKAFOR)
    _select(window, "conversations")
    answers = journal.server_answers

    def away(*_args: object, **_kwargs: object) -> None:
        raise StoreUnreachableError("The school's database server cannot be reached.")

    journal.server_answers = away  # type: ignore[assignment]
    try:
        watch = ServerWatch(window, school.store, school.paths.data_dir / "journal")  # type: ignore[arg-type]
        watch.check()
        _wait(lambda: watch.away)
        _settle()
        camera.shoot(window, "server-away")
        watch.stop()
    finally:
        journal.server_answers = answers  # type: ignore[assignment]
    _done_with(window)


def shoot_walkthrough_away(school: School, camera: Camera) -> None:
    """The walk-through's banner: a question typed while the server is away is given back."""
    from app.errors import StoreUnreachableError
    from app.services import interviews as interview_services
    from app.services import journal
    from ui.interview import InterviewWindow

    school.store.principal = OKAFOR
    window = InterviewWindow(
        school.store, school.cases["Brooks"], None, data_dir=school.paths.data_dir
    )
    camera.size(window)
    window.show()
    window.activateWindow()
    _wait(window.is_open)
    _settle()

    @contextmanager
    def unreachable(*_args: object, **_kwargs: object) -> Iterator[object]:
        raise StoreUnreachableError(
            "The school's database server cannot be reached. Check the network connection."
        )
        yield

    saved = interview_services.transaction, journal.transaction
    interview_services.transaction = unreachable  # type: ignore[assignment]
    journal.transaction = unreachable  # type: ignore[assignment]
    try:
        QTest.keyClick(
            QApplication.focusWidget() or window,
            Qt.Key.Key_N,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        _settle()
        focus = QApplication.focusWidget()
        assert focus is not None
        QTest.keyClicks(focus, "Can you show me the notes you made while reading?")
        QTest.keyClick(focus, Qt.Key.Key_Return)
        banner = next(
            w for w in window.findChildren(QWidget) if w.accessibleName() == "Saving problem"
        )
        _wait(banner.isVisible)
        _settle()
        camera.shoot(window, "walkthrough-away")
    finally:
        interview_services.transaction, journal.transaction = saved  # type: ignore[assignment]
    window.controller.autosaver.close()
    _done_with(window)


def _close_unexpected_messages() -> QTimer:
    """A message box nobody asked for (a failure reported) is printed and closed, so that a
    run that went wrong ends instead of waiting for a key."""
    from PySide6.QtWidgets import QMessageBox

    def look() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            print(f"unexpected message: {box.text()} {box.informativeText()}", file=sys.stderr)
            box.close()

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(500)
    return timer


def run(out: Path) -> int:
    from app.storage.database import open_url
    from ui.application import make_application

    scale = float(os.environ.get("QT_SCALE_FACTOR", "1"))
    app = make_application()
    camera = Camera(out, scale)
    watchdog = _close_unexpected_messages()
    folder = Path(tempfile.mkdtemp(prefix="ownwork-shots-"))
    try:
        with school_server() as url:
            store = open_url(url, actor="screenshots")
            superuser = store.principal
            paths = resolve_paths(folder / "data")
            school = fill(store, paths)
            shoot_roles(school, camera, superuser)
            from ui.operation import Runner

            Runner.instance().wait(10)
            store.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    watchdog.stop()
    app.quit()
    for path in camera.taken:
        print(path)
    return 0


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "images")
    out.mkdir(parents=True, exist_ok=True)
    if "QT_SCALE_FACTOR" in os.environ:
        return run(out)
    for scale in ("1", SCALED):
        env = {**os.environ, "QT_SCALE_FACTOR": scale}
        done = subprocess.run([sys.executable, __file__, str(out)], env=env, check=False)
        if done.returncode != 0:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
