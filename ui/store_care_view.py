"""What an IT administrator sees in the window: no records (their role reads none), and where
their work is done instead: the command line's server commands."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class StoreCareView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Looking after the records"))
        self.text = QLabel(
            self.tr(
                "<p>As IT administrator you look after the school's records without reading "
                "them: no student, submission or conversation is shown to you here.</p>"
                "<p>Your work is done with the command line: <b>ownwork server add-staff</b> "
                "for accounts and roles, <b>ownwork server upgrade</b> after installing a new "
                "version, <b>ownwork server check</b> and <b>ownwork verify</b> to check the "
                "server and its records. The server is backed up with its own tools.</p>"
            ),
            self,
        )
        self.text.setWordWrap(True)
        self.text.setAccessibleName(self.tr("What you can do"))
        self.text.setFocusPolicy(self.text.focusPolicy().TabFocus)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addStretch(1)

    def activate(self) -> None:
        self.text.setFocus()
