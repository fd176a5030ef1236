"""Marking texts the core shows people, so that each is written once and translated at display.

``N_("Concerns remain")`` returns its argument unchanged: it marks the literal for the
translation tools (as picard's ``N_`` and gettext's convention do).  The core keeps and prints
the English; the GUI passes the same text through its translator (``ui/labels.py``), so a label
exists in one place only.
"""

from __future__ import annotations


def N_(text: str) -> str:
    return text
