"""The suite's own rules: no silent skip under CI, no unexpected warning in the log."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLUGINS = "-p tests.ci_rules -p tests.logfail"

SKIPS = """
import pytest

def test_needs_a_tool():
    pytest.skip("needs poppler-utils")

@pytest.mark.skipif(True, reason="root can write to read-only folders")
def test_allowed():
    pass
"""

LOGS = """
import logging
import pytest

def test_quiet():
    logging.getLogger("ownwork.x").info("only information")

def test_warns():
    logging.getLogger("ownwork.x").warning("daily backup failed: disk full")

@pytest.mark.expect_log("daily backup failed")
def test_warns_on_purpose():
    logging.getLogger("ownwork.x").warning("daily backup failed: disk full")

@pytest.mark.expect_log("a warning that never comes")
def test_expects_too_much():
    pass
"""


@pytest.fixture
def run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., pytest.RunResult]:
    def run(source: str, *, ci: bool) -> pytest.RunResult:
        if ci:
            monkeypatch.setenv("CI", "true")
        else:
            monkeypatch.delenv("CI", raising=False)
        monkeypatch.setenv("PYTHONPATH", str(ROOT))
        pytester.makepyfile(source)
        return pytester.runpytest_subprocess(*PLUGINS.split(), "-p", "no:cacheprovider", "-rA")

    return run


def test_a_skip_for_a_missing_tool_fails_under_ci(run: Callable[..., pytest.RunResult]) -> None:
    result = run(SKIPS, ci=True)
    result.assert_outcomes(failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*skipped under CI (needs poppler-utils)*"])


def test_skips_stay_skips_for_developers(run: Callable[..., pytest.RunResult]) -> None:
    run(SKIPS, ci=False).assert_outcomes(skipped=2)


def test_unexpected_warnings_fail_and_expected_ones_must_come(
    run: Callable[..., pytest.RunResult],
) -> None:
    result = run(LOGS, ci=False)
    result.assert_outcomes(passed=4, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_warns *",
            "*unexpected log records:*",
            "*WARNING ownwork.x: daily backup failed: disk full*",
            "*ERROR at teardown of test_expects_too_much*",
            "*expected log records that never came: *a warning that never comes*",
        ]
    )
