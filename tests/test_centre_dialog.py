"""Centre details and staff roles, edited in one dialog and saved all or nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.domain.records import StaffDraft, StaffRole
from app.storage import staff
from app.storage.database import Database
from ui.dialogs.centre_dialog import CentreDialog


def test_centre_number_is_checked_beside_the_field(qtbot: QtBot, store: Database) -> None:
    dialog = CentreDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.loading)  # filled from the store, then enabled
    qtbot.keyClicks(dialog.name, "Riverside Academy")
    qtbot.keyClicks(dialog.number, "1234")
    QTest.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error_text("centre_number") != "")  # refused by the writer
    assert dialog.isVisible()
    assert "five digits" in dialog.error_text("centre_number")
    with store.transaction() as session:
        assert staff.get_centre(session).name == ""  # nothing saved
    qtbot.keyClicks(dialog.number, "5")
    QTest.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    with store.transaction() as session:
        centre = staff.get_centre(session)
    assert (centre.name, centre.centre_number) == ("Riverside Academy", "12345")


def test_staff_are_added_and_given_roles(qtbot: QtBot, store: Database) -> None:
    with store.transaction() as session:
        staff.create(session, StaffDraft(name="Ms Okafor"))
    dialog = CentreDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.loading)
    qtbot.keyClicks(dialog.new_name, "Mrs Adeyemi")
    QTest.keyClick(dialog.new_name, Qt.Key.Key_Return)
    assert dialog.isVisible()  # Return in the name box adds, it does not save
    assert dialog.model.rowCount() == 2
    role = dialog.model.index(1, 1)
    dialog.model.setData(role, list(StaffRole).index(StaffRole.EXAMS_OFFICER))
    QTest.keyClick(dialog.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    with store.transaction() as session:
        people = {p.name: p.role for p in staff.all_staff(session)}
    assert people == {"Ms Okafor": StaffRole.TEACHER, "Mrs Adeyemi": StaffRole.EXAMS_OFFICER}
