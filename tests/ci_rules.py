"""What changes when the suite runs under CI (the ``CI`` environment variable is set).

- A skip is a failure, except the few listed in ``ALLOWED_SKIPS``: the set-up installs every
  tool the tests use, so a test skipped for a missing tool means an install step is missing and
  a green run would prove less than it says.
- Hypothesis runs derandomised with no example database, so a CI run is repeatable; developers
  keep the randomised everyday profile (``HYPOTHESIS_PROFILE=ci`` to reproduce CI locally).
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest
from hypothesis import HealthCheck, settings

# Each allowed skip, with why it cannot be made to run.  Keep in step with the README.
ALLOWED_SKIPS: dict[str, str] = {
    "root can write to read-only folders": (
        "file permissions do not bind root, and CI runs as root; the same refusal is proven "
        "for root by the tests that mount a read-only file system"
    ),
}


def under_ci() -> bool:
    return bool(os.environ.get("CI"))


settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    max_examples=100,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if under_ci() else "dev"))


def skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if under_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = skip_reason(report)
        if reason not in ALLOWED_SKIPS:
            report.outcome = "failed"
            report.longrepr = (
                f"skipped under CI ({reason}): the set-up must install what this test needs"
            )
    return report
