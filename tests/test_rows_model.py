"""The small read-only table model behind the evidence, backup, timeline and verify lists."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ui.models.record_table import RecordRole
from ui.models.rows_model import RowsTableModel


def test_cells_tooltips_alignment_and_records(qtmodeltester: object) -> None:
    model: RowsTableModel[tuple[str, int]] = RowsTableModel(
        ["Name", "Size"],
        lambda r: (r[0], f"{r[1]} B"),
        tooltip=lambda r: f"about {r[0]}",
        right_aligned=frozenset({1}),
        rows=[("Zoë.pdf", 12), ("draft.docx", 3400)],
    )
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Size"
    assert model.index(1, 1).data() == "3400 B"
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "about Zoë.pdf"
    assert model.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) is not None
    assert model.index(0, 0).data(Qt.ItemDataRole.TextAlignmentRole) is None
    assert model.index(1, 0).data(RecordRole) == ("draft.docx", 3400)
    model.set_rows([])
    assert model.rowCount() == 0 and model.record(0) is None
