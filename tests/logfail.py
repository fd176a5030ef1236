"""Fail a test that logs an unexpected warning or error (after qutebrowser's ``logfail``).

A WARNING in the log is something going wrong that a teacher never sees (a failed daily backup,
a count that could not be made): a test that causes one without saying it expects it fails.
A test that provokes one on purpose says so with ``@pytest.mark.expect_log("pattern", ...)``;
each pattern is a regular expression searched in the formatted message, and each must match at
least one record, so the allowance cannot outlive the behaviour it was written for.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "expect_log(*patterns): the test logs warnings or errors matching these on purpose",
    )


def _describe(record: logging.LogRecord) -> str:
    return f"{record.levelname} {record.name}: {record.getMessage()}"


@pytest.fixture(autouse=True)
def _fail_on_unexpected_log(request: pytest.FixtureRequest) -> Iterator[None]:
    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield
    finally:
        root.removeHandler(collector)
    patterns = [
        re.compile(pattern)
        for marker in request.node.iter_markers("expect_log")
        for pattern in marker.args
    ]
    texts = [_describe(record) for record in collector.records]
    unexpected = [text for text in texts if not any(p.search(text) for p in patterns)]
    unmatched = [p.pattern for p in patterns if not any(p.search(text) for text in texts)]
    if unexpected:
        pytest.fail("unexpected log records:\n  " + "\n  ".join(unexpected), pytrace=False)
    if unmatched:
        pytest.fail(f"expected log records that never came: {unmatched}", pytrace=False)
