"""Entry point of the frozen bundle: the same ``main`` as the ``ownwork`` console script.

If the bundle itself is broken (a module or library left out), the import below fails before
the application can show anything.  A teacher starting OwnWork from the desktop menu would then
see nothing at all, so the failure is shown in a message box when Qt can still be loaded, and
always written to standard error.
"""

from __future__ import annotations

import os
import sys
import traceback


def _restore_library_path() -> None:
    """Keep the bundle's libraries out of the programs OwnWork starts.

    On Linux the bootloader points LD_LIBRARY_PATH at the bundle so that this process finds its
    libraries.  A program started from OwnWork (the file manager behind "Open data folder", a
    PDF viewer) would inherit it and load the bundle's copies instead of its own, which can
    crash it.  The dynamic loader read the variable when this process started, so restoring it
    changes what child processes see and nothing else.
    """
    if not getattr(sys, "frozen", False) or not sys.platform.startswith("linux"):
        return
    original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if original is None:
        os.environ.pop("LD_LIBRARY_PATH", None)
    else:
        os.environ["LD_LIBRARY_PATH"] = original


def _report_broken_bundle(error: BaseException) -> None:
    details = "".join(traceback.format_exception(error))
    sys.stderr.write(f"ownwork: this copy of OwnWork is incomplete or damaged.\n{details}")
    if "--version" in sys.argv or (len(sys.argv) > 1 and not sys.argv[1].startswith("-")):
        return  # a command-line run: the message on standard error is the right place
    try:
        from PySide6.QtWidgets import QApplication, QMessageBox

        app = QApplication.instance() or QApplication(sys.argv[:1])
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "OwnWork cannot start",
            "This copy of OwnWork is incomplete or damaged, so it cannot start. "
            "No records have been changed.\n\n"
            "Please ask IT support to reinstall OwnWork.",
        )
        box.setDetailedText(details)
        box.exec()
        del app
    except Exception:
        pass  # Qt itself may be what is missing; standard error has the details


def run() -> int:
    _restore_library_path()
    try:
        from app.cli.main import main
    except Exception as error:  # anything failing here means the bundle is incomplete
        _report_broken_bundle(error)
        return 70
    return main()


if __name__ == "__main__":
    sys.exit(run())
