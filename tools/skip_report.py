"""Print how many tests were skipped and why, from pytest's JUnit report; fail on any skip
that is not allowed (``tests/ci_rules.ALLOWED_SKIPS``).

``.ci/run`` calls it after ``make test`` so that a CI log always says what it did not prove.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.ci_rules import ALLOWED_SKIPS


def skipped_reasons(report: Path) -> list[str]:
    root = ElementTree.parse(report).getroot()
    reasons = []
    for case in root.iter("testcase"):
        for skipped in case.iter("skipped"):
            message = skipped.get("message", "")
            reasons.append(message.removeprefix("Skipped: "))
    return reasons


def main(argv: list[str]) -> int:
    report = Path(argv[1] if len(argv) > 1 else "build/pytest-report.xml")
    if not report.is_file():
        print(f"skip report: {report} is missing: did pytest run?", file=sys.stderr)
        return 1
    reasons = Counter(skipped_reasons(report))
    print(f"skipped tests: {sum(reasons.values())}")
    for reason, count in sorted(reasons.items()):
        allowed = "allowed" if reason in ALLOWED_SKIPS else "NOT ALLOWED"
        print(f"  {count} × {reason} ({allowed})")
    unexpected = [reason for reason in reasons if reason not in ALLOWED_SKIPS]
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
