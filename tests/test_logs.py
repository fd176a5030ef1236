"""The log file: opened on the first record, never an obstacle to the teacher's work."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import logs
from app.paths import AppPaths, resolve_paths


@pytest.fixture
def root() -> Iterator[logging.Logger]:
    """The root logger, given back as it was: ``configure`` adds to it."""
    logger = logging.getLogger()
    before, level = list(logger.handlers), logger.level
    # Earlier tests that ran ``ownwork`` in-process left their own log file handler.
    for handler in before:
        if isinstance(handler, logs._LogFile):
            logger.removeHandler(handler)
    yield logger
    for handler in list(logger.handlers):
        if handler not in before:
            handler.close()
            logger.removeHandler(handler)
    for handler in before:
        if handler not in logger.handlers:
            logger.addHandler(handler)
    logger.setLevel(level)


@pytest.mark.expect_log(r"the disk said no")
def test_the_file_is_created_by_the_first_record_only(
    root: logging.Logger, paths: AppPaths
) -> None:
    logs.configure(paths)
    logs.configure(paths)  # a second call adds nothing
    ours = [h for h in root.handlers if isinstance(h, logs._LogFile)]
    assert len(ours) == 1
    assert not paths.log_file.exists()
    logging.getLogger("ownwork.test").error("the disk said %s", "no")
    ours[0].flush()
    text = paths.log_file.read_text(encoding="utf-8")
    assert "ERROR ownwork.test: the disk said no" in text


@pytest.mark.expect_log(r"nowhere to write this")
def test_an_unwritable_log_folder_is_not_an_error(root: logging.Logger, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be", encoding="utf-8")
    paths = dataclasses.replace(resolve_paths(tmp_path / "data"), log_dir=blocker / "logs")
    logs.configure(paths)
    logging.getLogger("ownwork.test").error("nowhere to write this")  # must not raise
    assert blocker.read_text(encoding="utf-8") == "a file where the log folder should be"
