"""Regenerate docs/inventory-columns.md from the inventory reader's tables.

Run after changing a header spelling or an accepted word in screening/inventories/ (headers.py,
values.py, columns.py): `.venv/bin/python scripts/gen_columns_doc.py`.
tests/test_columns_doc.py fails while the document and the tables differ."""

from __future__ import annotations

from pathlib import Path

from screening.inventories.columns import columns_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "inventory-columns.md"

if __name__ == "__main__":
    DOC.write_text(columns_markdown(), encoding="utf-8")
    print(f"wrote {DOC}")
