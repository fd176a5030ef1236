"""Demo evidence: small generated files, finalised records and an amendment, so that Verify
records, the timeline and case bundles can be tried on demo data.

Called after ``seed_demo`` with the same seed.  The files are made here (tiny PDFs with
reportlab, greyscale PNGs written by hand) and are marked as demo material inside.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from dataclasses import dataclass

from sqlalchemy import select

from app.integrity import amendments, evidence, finalise
from app.integrity.evidence import AttachmentKind
from app.paths import AppPaths
from app.storage.database import Database
from app.storage.models import ConversationRow

FINALISED = 4
WITH_EVIDENCE = 6


@dataclass(frozen=True)
class DemoEvidenceSummary:
    attachments: int
    finalised: int
    amendments: int


def _pdf(title: str, lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    # invariant=True: no creation date or random id, so the same seed gives the same bytes.
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setTitle(title)
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(56, 780, title)
    canvas.setFont("Helvetica", 10)
    canvas.drawString(56, 762, "OwnWork demo material: not a real document.")
    for index, line in enumerate(lines):
        canvas.drawString(56, 730 - 16 * index, line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _png(rng: random.Random, width: int = 240, height: int = 120) -> bytes:
    """A greyscale picture of ruled lines with pen strokes: "in-class writing"."""
    rows = []
    for y in range(height):
        ruled = y % 20 == 18
        row = bytearray(b"\xf4" * width)
        if ruled:
            row[:] = b"\xc8" * width
        elif y % 20 in (8, 9, 10, 11, 12):
            x = 10
            while x < width - 10:
                stroke = rng.randrange(4, 14)
                for i in range(x, min(x + stroke, width - 10)):
                    row[i] = rng.randrange(20, 90)
                x += stroke + rng.randrange(3, 9)
        rows.append(b"\x00" + bytes(row))

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def _attach_bytes(
    store: Database,
    paths: AppPaths,
    data: bytes,
    *,
    name: str,
    kind: AttachmentKind,
    note: str = "",
    submission_id: int | None = None,
    conversation_id: int | None = None,
) -> None:
    with store.transaction() as session:
        evidence.attach_bytes(
            session,
            paths,
            data,
            name=name,
            kind=kind,
            note=note,
            submission_id=submission_id,
            conversation_id=conversation_id,
        )


def add_demo_evidence(store: Database, paths: AppPaths, seed: int = 1) -> DemoEvidenceSummary:
    """Attach demo files to the first concluded conversations, finalise some, amend one."""
    rng = random.Random(seed)
    with store.transaction() as session:
        concluded = list(
            session.execute(
                select(
                    ConversationRow.id, ConversationRow.submission_id, ConversationRow.conclusion
                )
                .where(ConversationRow.status == "concluded")
                .order_by(ConversationRow.id)
                .limit(WITH_EVIDENCE)
            )
        )
    if not concluded:
        # A demo of students only (e.g. --conversations 0) has nothing to attach to.
        return DemoEvidenceSummary(attachments=0, finalised=0, amendments=0)
    attached = 0
    for conversation_id, submission_id, conclusion in concluded:
        title = f"Coursework submitted for conversation {conversation_id}"
        work = _pdf(title, [f"Paragraph {n}: sample text for the demo." for n in range(1, 9)])
        _attach_bytes(
            store,
            paths,
            work,
            name=f"submitted-work-{submission_id}.pdf",
            kind=AttachmentKind.SUBMITTED_WORK,
            submission_id=submission_id,
        )
        _attach_bytes(
            store,
            paths,
            _png(rng),
            name=f"in-class-writing-{conversation_id}.png",
            kind=AttachmentKind.IN_CLASS_WRITING,
            note="Written in class under supervision, for comparison of style.",
            conversation_id=conversation_id,
        )
        attached += 2
        if conclusion == "concerns_remain":
            score = rng.randrange(60, 99)
            report = _pdf(
                "AI-detector report (demo)",
                [
                    f"Score: {score}% likely to be machine-written.",
                    "A detector score is one input only and is not evidence on its own.",
                ],
            )
            _attach_bytes(
                store,
                paths,
                report,
                name=f"detector-report-{conversation_id}.pdf",
                kind=AttachmentKind.DETECTOR_REPORT,
                conversation_id=conversation_id,
            )
            attached += 1
    finalised_ids = [row[0] for row in concluded[:FINALISED]]
    with store.transaction() as session:
        for conversation_id in finalised_ids:
            finalise.finalise(session, conversation_id)
    with store.transaction() as session:
        amendments.add(
            session,
            finalised_ids[0],
            path="outcome.next_step",
            new_value="Discussed with the head of department on the following Monday; "
            "the next step is unchanged.",
            reason="Demo: the next step was recorded before the meeting took place.",
        )
    return DemoEvidenceSummary(attachments=attached, finalised=len(finalised_ids), amendments=1)
