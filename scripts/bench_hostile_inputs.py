"""Hostile uploads of issue 19 at their reported sizes, and stored-report size: prints how fast
each is refused and the refusing process's peak RSS, then what a scored N-row inventory
(default 100,000) stores.

    .venv/bin/python scripts/bench_hostile_inputs.py [--rows N]

Files: an XLSX with 5 million shared strings (~200 KB), one with 2.1 million distinct strings
whose declared count lies, one with a single 1 GiB shared string (~1 MB), JSON of 100,000
nested brackets, and a waiver file of nested YAML aliases (9**9 strings expanded). Each is read
in a fresh process. The inventory is bench_inventory.py's (real models, brands and OUIs),
scored through the service's score_upload against the bundled NDAA 889, FCC and 1260H lists in a
throwaway SQLite database.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PARTS = {
    "[Content_Types].xml": f'<?xml version="1.0"?><Types xmlns="{PKG}/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/></Types>',
    "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="{PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>",
    "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
    '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="{PKG}/'
    f'relationships"><Relationship Id="rId1" Type="{REL}/worksheet" '
    f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>',
    "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    "</sheetData></worksheet>",
}
READ = """
import resource, sys, time
from pathlib import Path
t = time.perf_counter()
path = Path(sys.argv[1])
try:
    if path.suffix == ".yaml":
        from screening.gate.waivers import load_waivers
        load_waivers(path)
    else:
        from screening.inventories import read_rows
        for _ in read_rows(path, path.name, kind="inventory"):
            pass
    out = "ACCEPTED"
except Exception as exc:
    out = f"{type(exc).__name__}: {getattr(exc, 'detail', exc)}"[:150]
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{time.perf_counter() - t:.2f} s, peak RSS {rss:.0f} MiB, {out}")
"""


def workbook(path: Path, strings: object, count: int) -> None:
    """Write an XLSX whose shared-strings part is streamed from `strings` (chunks of text)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in PARTS.items():
            z.writestr(name, text)
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(
                f'<?xml version="1.0"?><sst xmlns="{MAIN}" count="{count}" '
                f'uniqueCount="{count}"><si><t>Make</t></si><si><t>Model</t></si>'.encode()
            )
            for chunk in strings:  # type: ignore[attr-defined]
                fh.write(chunk.encode())
            fh.write(b"</sst>")


def hostile_files(tmp: Path) -> list[tuple[str, Path]]:
    out = []
    p = tmp / "five_million.xlsx"
    workbook(p, ("<si><t>x</t></si>" * 100_000 for _ in range(50)), 5_000_002)
    out.append(("XLSX, 5,000,000 shared strings", p))
    rng = random.Random(19)
    p = tmp / "liar.xlsx"
    letters = string.ascii_letters
    workbook(
        p,
        (
            "".join(f"<si><t>{''.join(rng.choices(letters, k=6))}</t></si>" for _ in range(100_000))
            for _ in range(21)
        ),
        2,
    )
    out.append(("XLSX, 2,100,000 distinct strings, count declared as 2", p))
    p = tmp / "one_gib_string.xlsx"
    workbook(p, (["<si><t>"] + ["A" * (1 << 20)] * 1024 + ["</t></si>"]), 3)
    out.append(("XLSX, one 1 GiB shared string", p))
    p = tmp / "deep.json"
    p.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    out.append(("JSON, 100,000 nested brackets", p))
    text = "&a1 [" + ",".join(["lol"] * 9) + "]"
    for n in range(2, 10):
        text = f"&a{n} [{text}," + ",".join([f"*a{n - 1}"] * 8) + "]"
    p = tmp / "waivers.yaml"
    p.write_text(
        f"waivers:\n  - match: {{part_number: {text}}}\n    reason: r\n"
        "    approver: a\n    expires: 2027-01-01\n"
    )
    out.append(("waiver file, nested YAML aliases", p))
    return out


def stored_report(tmp: Path, rows: int) -> None:
    from bench_inventory import generate
    from sqlalchemy import text
    from sqlmodel import Session

    from screening.db import make_engine, migrate
    from screening.service import Screening, catalog, reportstore
    from screening.settings import Settings

    csv_path = tmp / "inventory.csv"
    generate(csv_path, rows)
    url = f"sqlite:///{tmp / 'bench.db'}"
    settings = Settings(database_url=url, state_dir=tmp, max_upload_rows=rows)
    engine = make_engine(url)
    migrate(engine)
    with Session(engine, expire_on_commit=False) as s:
        catalog.refresh(
            s, settings, ["us_ndaa_889", "us_fcc_covered", "us_dod_1260h"], offline=True
        )
        before = (tmp / "bench.db").stat().st_size
        data = csv_path.read_bytes()
        t = time.perf_counter()
        report = Screening(s, settings).score_upload(
            data, "inventory.csv", "inventory", "uk-retail", store=True
        )
        took = time.perf_counter() - t
        out = report.model_dump(mode="json", exclude={"created_at"})
        stored = s.execute(text("SELECT size_bytes FROM stored_report")).scalar_one()
        json_size = len(json.dumps({k: v for k, v in out.items() if k != "id"}, default=str))
        t = time.perf_counter()
        reportstore.get_report(s, out["id"])
        back = time.perf_counter() - t
    s.close()
    engine.dispose()
    grown = ((tmp / "bench.db").stat().st_size - before) / 1048576
    print(
        f"{rows:,}-row inventory ({len(data) / 1048576:.1f} MiB CSV): report JSON "
        f"{json_size / 1048576:.1f} MiB, stored {stored / 1048576:.2f} MiB gzip "
        f"({json_size / stored:.0f}x); score and store {took:.1f} s, read back {back:.2f} s; "
        f"database grew {grown:.1f} MiB"
    )
    over = settings.model_copy(update={"max_upload_rows": rows - 1})
    with Session(make_engine(url)) as s:
        try:
            Screening(s, over).score_upload(
                data, "inventory.csv", "inventory", "uk-retail", store=True
            )
        except Exception as exc:
            print(f"with max_upload_rows={rows - 1:,}: {getattr(exc, 'detail', exc)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for label, path in hostile_files(tmp):
            size = path.stat().st_size
            res = subprocess.run(
                [sys.executable, "-c", READ, str(path)],
                cwd=REPO,
                capture_output=True,
                text=True,
                check=False,
            )
            print(f"{label} ({size / 1024:,.0f} KB): {(res.stdout or res.stderr).strip()}")
        stored_report(tmp, args.rows)


if __name__ == "__main__":
    main()
