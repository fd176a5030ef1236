"""The centre's details that form M1 asks for, asked once before the first referral.

A referral never prints a dash for the centre number, name, address or the head of centre's
contact: when one is missing the teacher is asked for them here, and they are kept for every
later referral (``app.services.records.set_centre``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QSizePolicy, QSpinBox, QWidget

from app.domain.records import Centre
from app.errors import ValidationError
from app.services import Database, Outcome, records
from ui.dialogs.form import FormDialog
from ui.operation import Runner


class CentreDetailsDialog(FormDialog):
    def __init__(self, store: Database, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Centre details for form M1"), parent)
        self._store = store
        principal = store.principal
        centre: Centre = Runner.instance().wait_for(lambda: records.get_centre(principal, store))
        self._centre = centre
        self.versions[("centre", 1)] = centre.version
        missing = centre.missing_for_referral()
        intro = QLabel(
            self.tr(
                "Form M1 asks for these details of the centre. They are still needed: {0}. "
                "You are asked once; they are kept for every referral."
            ).format(", ".join(missing))
            if missing
            else self.tr("Form M1 asks for these details of the centre.")
        )
        intro.setWordWrap(True)
        self.form.insertRow(0, intro)
        self.name = QLineEdit(centre.name, self)
        self.number = QLineEdit(centre.centre_number, self)
        self.number.setPlaceholderText("12345")
        self.address = QPlainTextEdit(centre.address, self)
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(72)
        self.head_name = QLineEdit(centre.head_name, self)
        self.head_email = QLineEdit(centre.head_email, self)
        self.head_phone = QLineEdit(centre.head_phone, self)
        self.late_after = QSpinBox(self)
        self.late_after.setRange(1, 60)
        self.late_after.setValue(centre.late_after_days)
        self.late_after.setSuffix(self.tr(" school days"))
        # As wide as the other fields, so its explanation below wraps to the same width.
        self.late_after.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.add_field("name", self.tr("Centre &name"), self.name)
        self.add_field("centre_number", self.tr("Centre n&umber"), self.number)
        self.add_field("address", self.tr("&Address"), self.address)
        self.add_field("head_name", self.tr("&Head of centre"), self.head_name)
        self.add_field("head_email", self.tr("Head of centre's &email"), self.head_email)
        self.add_field("head_phone", self.tr("Head of centre's &telephone"), self.head_phone)
        self.add_field(
            "late_after_days",
            self.tr("&Warn when late after"),
            self.late_after,
            self.tr(
                "JCQ asks for immediate notification; a referral warns when the concern arose "
                "longer ago than this."
            ),
        )
        self.resize(600, 420)
        first = next(
            (
                widget
                for widget, value in (
                    (self.number, centre.centre_number),
                    (self.name, centre.name),
                    (self.address, centre.address),
                    (self.head_name, centre.head_name),
                    (self.head_email, centre.head_email),
                    (self.head_phone, centre.head_phone),
                )
                if not value.strip()
            ),
            self.name,
        )
        first.setFocus()

    def entered(self) -> Centre:
        return dataclasses.replace(
            self._centre,
            name=self.name.text(),
            centre_number=self.number.text(),
            address=self.address.toPlainText(),
            head_name=self.head_name.text(),
            head_email=self.head_email.text(),
            head_phone=self.head_phone.text(),
            late_after_days=self.late_after.value(),
        )

    def write(self) -> Callable[[], Outcome[Centre]]:
        centre = self.entered()
        missing = centre.missing_for_referral()
        if missing:
            raise ValidationError(
                {
                    name: self.tr("Needed for form M1.")
                    for name, value in (
                        ("centre_number", centre.centre_number),
                        ("name", centre.name),
                        ("address", centre.address),
                        ("head_name", centre.head_name),
                        ("head_email", centre.head_email),
                        ("head_phone", centre.head_phone),
                    )
                    if not value.strip()
                }
            )
        principal, store = self._store.principal, self._store
        # Read now: after a conflict, "apply mine over theirs" saves again from their version.
        version = self.versions[("centre", 1)]
        return lambda: records.set_centre(principal, store, centre, version=version)


def ask_centre_details(store: Database, parent: QWidget | None) -> bool:
    """True when the centre's details for form M1 are all recorded, asking for them if not."""
    principal = store.principal
    if (
        not Runner.instance()
        .wait_for(lambda: records.get_centre(principal, store))
        .missing_for_referral()
    ):
        return True
    dialog = CentreDetailsDialog(store, parent)
    return dialog.exec() == CentreDetailsDialog.DialogCode.Accepted.value
