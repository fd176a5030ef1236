"""Write resources/THIRD_PARTY_NOTICES.txt: the software OwnWork ships with and its licences.

    .venv/bin/python packaging/make_notices.py [-o FILE]

Without arguments it lists OwnWork's runtime dependencies as installed in this environment (the
requirements of ``ownwork``, followed recursively), which is the
committed file the About box shows in a source or wheel install.  The bundle build (ownwork.spec)
calls ``render`` with the distributions actually frozen into the bundle, so a bundle's notices
name exactly the versions it contains.
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
import textwrap
from collections.abc import Iterable
from importlib.metadata import Distribution, PackageNotFoundError, distribution
from importlib.metadata import packages_distributions as installed_packages
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTICES = ROOT / "resources" / "THIRD_PARTY_NOTICES.txt"
FONT_LICENCE = ROOT / "resources" / "fonts" / "LICENSE"
RUNTIME_EXTRAS: frozenset[str] = frozenset()
QT_DISTRIBUTIONS = frozenset({"pyside6", "pyside6-essentials", "pyside6-pdf", "shiboken6"})

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_EXTRA = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")

WIDTH = 76  # the About box shows the file in a fixed-width font without wrapping

TITLE = "Third-party software in OwnWork\n===============================\n"

HEADER = (
    "OwnWork itself is distributed under the MIT licence (see the LICENSE file). It runs on, "
    "and its installable bundle contains, the software listed below, each under its own "
    "licence. Each package's full licence text is in its package metadata and at the address "
    "given."
)

QT_NOTE = (
    "Qt and Qt for Python (PySide6, shiboken6) are used under the GNU Lesser General Public "
    "License version 3. In the installable bundle the Qt libraries are separate files (in the "
    "folder _internal/PySide6) that can be replaced with compatible builds; the source code of "
    "Qt is available from https://download.qt.io/ and of Qt for Python from "
    "https://code.qt.io/."
)

SYSTEM_NOTE = (
    "The Linux bundle also contains shared libraries taken from the operating system it was "
    "built on (for example ICU, libxcb, libxkbcommon, fontconfig, FreeType, GLib, D-Bus, zlib "
    "and SQLite), each distributed under its own free-software licence; the licence texts are "
    "those of the Debian packages of the same names."
)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _wanted(requirement: str, extras: frozenset[str]) -> str | None:
    """The distribution name of a requirement that applies to these extras, else None."""
    match = _NAME.match(requirement)
    if match is None:
        return None
    marker = requirement.partition(";")[2]
    extra = _EXTRA.search(marker)
    if extra is not None and extra.group(1) not in extras:
        return None
    return match.group(1)


def requirement_closure(
    root: str = "ownwork", extras: frozenset[str] = RUNTIME_EXTRAS
) -> list[Distribution]:
    """The installed distributions ``root`` needs at run time, followed recursively."""
    seen: dict[str, Distribution] = {}
    pending = [(root, extras)]
    while pending:
        name, wanted_extras = pending.pop()
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue  # a requirement for another platform or Python version
        key = _normal(dist.metadata["Name"])
        if key in seen:
            continue
        seen[key] = dist
        for requirement in dist.requires or []:
            needed = _wanted(requirement, wanted_extras)
            if needed is not None:
                pending.append((needed, frozenset()))
    seen.pop(_normal(root), None)
    return sorted(seen.values(), key=lambda d: _normal(d.metadata["Name"]))


def distributions_for_modules(
    modules: Iterable[str], extra: Iterable[str] = ()
) -> list[Distribution]:
    """The installed distributions that provide these (top-level or dotted) module names."""
    owners = installed_packages()
    names = {dist for module in modules for dist in owners.get(module.split(".")[0], [])}
    names.update(extra)
    found: dict[str, Distribution] = {}
    for name in names:
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue
        found[_normal(dist.metadata["Name"])] = dist
    found.pop("ownwork", None)
    return sorted(found.values(), key=lambda d: _normal(d.metadata["Name"]))


def licence_of(dist: Distribution) -> str:
    """The licence as the package declares it: SPDX expression, licence field or classifier."""
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    field = (meta.get("License") or "").strip()
    if field and "\n" not in field and len(field) <= 80:
        return field
    classifiers = [
        c.rsplit("::", 1)[-1].strip()
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::")
    ]
    if classifiers:
        return ", ".join(classifiers)
    if field:
        return field.splitlines()[0][:80]
    return "see the package's licence files"


def address_of(dist: Distribution) -> str | None:
    meta = dist.metadata
    urls = {}
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        urls[label.strip().lower()] = url.strip()
    for label in ("homepage", "home", "source", "source code", "repository", "documentation"):
        if label in urls:
            return urls[label]
    home = meta.get("Home-page")
    return str(home) if home else None


def _paragraph(text: str) -> str:
    return textwrap.fill(text, WIDTH, break_on_hyphens=False, break_long_words=False) + "\n"


def _entry(title: str, licence: str, address: str | None) -> str:
    lines = [title, f"    Licence: {licence}"]
    if address:
        lines.append(f"    {address}")
    return "\n".join(lines) + "\n"


def render(dists: Iterable[Distribution], font_licence: str | None) -> str:
    dists = list(dists)
    parts = [TITLE, _paragraph(HEADER)]
    parts.append(
        _entry(f"Python {platform.python_version()}", "PSF-2.0", "https://www.python.org/")
    )
    for dist in dists:
        parts.append(
            _entry(f"{dist.metadata['Name']} {dist.version}", licence_of(dist), address_of(dist))
        )
    if any(_normal(d.metadata["Name"]) in QT_DISTRIBUTIONS for d in dists):
        parts.append(_paragraph(QT_NOTE))
    parts.append(_paragraph(SYSTEM_NOTE))
    if font_licence:
        parts.append("Fonts\n=====\n\n" + textwrap.dedent(font_licence).strip() + "\n")
    return "\n".join(parts)


def write(path: Path, dists: Iterable[Distribution]) -> Path:
    font_licence = FONT_LICENCE.read_text("utf-8") if FONT_LICENCE.is_file() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(dists, font_licence), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=NOTICES)
    args = parser.parse_args(argv)
    print(write(args.output, requirement_closure()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
