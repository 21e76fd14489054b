"""The inventory and purchase-order columns are documented from the reader's own tables: the
document in the repository is the generator's output, every spelling it lists is read as the
field it names (and no spelling the reader knows is missing), every accepted word is read as
documented, and both commands' --help carry the same content."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from screening.cli import app
from screening.inventories import DeviceRow, read_rows
from screening.inventories import values as vocab
from screening.inventories.columns import COLUMNS, columns_help, columns_markdown, spellings
from screening.inventories.headers import ASSET, BY_KIND, COMMON, KINDS, Kind, known_headers
from screening.inventories.rows import Layout
from screening.settings import REPO_ROOT

DOC = REPO_ROOT / "docs" / "inventory-columns.md"


def test_the_document_is_the_generators_output() -> None:
    assert DOC.read_text(encoding="utf-8") == columns_markdown(), (
        "docs/inventory-columns.md differs from the tables: run "
        ".venv/bin/python scripts/gen_columns_doc.py"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_and_spelling_the_reader_knows_is_documented(kind: Kind) -> None:
    documented = spellings(kind)
    fields = {*COMMON, *BY_KIND[kind], "asset_id"}
    assert set(documented) == fields
    assert {s for ss in documented.values() for s in ss} == known_headers(kind)
    assert {c.field for c in COLUMNS} >= fields
    for field, names in documented.items():
        assert f"`{field}` | " + ", ".join(f"`{n}`" for n in names) in columns_markdown()


@pytest.mark.parametrize("kind", KINDS)
def test_every_documented_spelling_feeds_its_field(kind: Kind) -> None:
    for field, names in spellings(kind).items():
        for name in names:
            other = "Make" if field in ("mac", "vendor") else "MAC Address"
            layout = Layout([name.upper(), other], kind, "x.csv", "header")
            if field == "asset_id":
                assert layout.asset_cols == [0], (kind, name)
            else:
                assert layout.field_col.get(field) == 0, (kind, field, name)


def _read(header: str, value: str) -> DeviceRow:
    data = f"Make,{header}\nHikvision,{value}\n".encode()
    (row,) = list(read_rows(data, "d.csv", kind="inventory"))
    assert isinstance(row, DeviceRow), row
    return row


def test_every_documented_word_is_read_as_documented() -> None:
    for header, attr in (("Face Recognition", "face_recognition"), ("Internet Exposed", "")):
        attr = attr or "internet_exposed"
        for words, read in ((vocab.YES, True), (vocab.NO, False), (vocab.UNKNOWN, None)):
            for w in words:
                row = _read(header, w)
                assert (getattr(row, attr), row.warnings) == (read, ()), (header, w)
    for words, read in ((vocab.EXPOSED, True), (vocab.NOT_EXPOSED, False)):
        for w in words:
            row = _read("Internet Exposed", w)
            assert (row.internet_exposed, row.warnings) == (read, ()), w
    for w in (*vocab.SENSITIVE, *vocab.ORDINARY, *vocab.UNKNOWN[1:]):
        assert _read("Site Sensitivity", w).warnings == (), w
    for app_name in vocab.cloud_apps():
        row = _read("Cloud", app_name)
        assert (row.cloud, row.warnings) == (app_name, ()), app_name


@pytest.mark.parametrize(
    ("kind", "command"), [("inventory", "inventory score"), ("po", "po check")]
)
def test_the_commands_help_carries_the_columns(kind: Kind, command: str) -> None:
    res = CliRunner().invoke(app, [*command.split(), "--help"], env={"COLUMNS": "400"})
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    for field, names in spellings(kind).items():
        assert f"{field}: {', '.join(names)}." in text, field
    for word in (*vocab.EXPOSED, *vocab.SENSITIVE, *vocab.cloud_apps()):
        assert word in text
    assert " ".join(columns_help(kind).split()) in text


def test_asset_id_order_is_the_readers() -> None:
    for kind in KINDS:
        assert spellings(kind)["asset_id"] == ASSET[kind]
