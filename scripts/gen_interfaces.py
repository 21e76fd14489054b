"""Regenerate the typed-results section of docs/interfaces.md from the Pydantic models.

Run after changing a model in screening/schemas/: `.venv/bin/python scripts/gen_interfaces.py`.
tests/test_interfaces_doc.py fails while the document and the models differ."""

from __future__ import annotations

from pathlib import Path

from screening.schemas.docs import replace_section

DOC = Path(__file__).resolve().parents[1] / "docs" / "interfaces.md"

if __name__ == "__main__":
    DOC.write_text(replace_section(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {DOC}")
