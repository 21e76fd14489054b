"""`screening screen` and `screening compare`: thin over `namescreen`."""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from . import namescreen
from .cli import EXIT_INPUT, _print_json, _session, app, err
from .errors import InputError, ScreeningError


def _fail(exc: ScreeningError) -> typer.Exit:
    err.print(f"[red]error:[/red] {exc.detail}", highlight=False)
    return typer.Exit(EXIT_INPUT)


@app.command()
def screen(
    name: Annotated[str | None, typer.Argument(help="The vendor or maker name to screen.")] = None,
    kind: Annotated[
        str | None,
        typer.Option(help="organization (default for files), person, vessel or aircraft."),
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="ISO-2 country of the screened party.")
    ] = None,
    threshold: Annotated[
        float | None, typer.Option(help="Score cut-off in [0, 1]; default per kind.")
    ] = None,
    sources: Annotated[
        str | None, typer.Option(help="Comma-separated source ids to screen against.")
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", help="CSV with a 'name' column (and optional kind, country)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="Where --file results go (CSV); default stdout.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Screen one name, or every row of a CSV (--file), against every active list. Each match
    names its list, snapshot version and the features behind its score."""
    source_list = [s.strip() for s in sources.split(",") if s.strip()] if sources else None
    if (name is None) == (file is None):
        err.print("[red]error:[/red] give a NAME or --file IN (one of them)", highlight=False)
        raise typer.Exit(EXIT_INPUT)
    with _session() as (session, settings):
        try:
            if file is None:
                assert name is not None
                result = namescreen.screen_name(
                    session,
                    settings,
                    name,
                    kind=kind,
                    country=country,
                    sources=source_list,
                    threshold=threshold,
                )
            else:
                if not file.is_file():
                    raise InputError(f"{file}: no such file")
                data = file.read_bytes()
                header, rows = namescreen.read_name_csv(data, str(file))
                matcher, _ = namescreen.get_matcher(session, settings)
                total = max(0, data.count(b"\n") - 1)
                # Large files use every core: the index is shared with forked workers.
                workers = (os.cpu_count() or 1) if total > 2000 else 1
                results = namescreen.screen_table_parallel(
                    matcher,
                    rows,
                    kind=kind,
                    threshold=threshold,
                    sources=source_list,
                    workers=workers,
                )
                _write_rows(results, header + list(namescreen.OUT_COLUMNS), output, total)
                return
        except ScreeningError as exc:
            raise _fail(exc) from exc
    if as_json:
        _print_json(result)
        return
    out = Console()
    if not result["matches"]:
        out.print(f"no listed party matches {name!r} at the threshold", highlight=False)
    for m in result["matches"]:
        out.print(
            f"[bold]{m['score']:.4f}[/bold]  {m['matched_name']}  ({m['entity_id']}, "
            f"{m['source']} {m['snapshot_version']})",
            highlight=False,
        )
        for f in m["features"]:
            if f["contribution"]:
                out.print(
                    f"        {f['contribution']:+.3f} {f['name']}: {f['explanation']}",
                    highlight=False,
                )


def _write_rows(rows: object, columns: list[str], output: Path | None, total: int) -> None:
    stream = output.open("w", newline="", encoding="utf-8") if output else sys.stdout
    try:
        writer = csv.DictWriter(stream, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        with Progress(console=err, transient=True) as bar:
            task = bar.add_task("screening", total=total or None)
            for row in rows:  # type: ignore[attr-defined]
                writer.writerow(row)
                bar.advance(task)
    finally:
        if output:
            stream.close()


@app.command()
def compare(
    name1: Annotated[str | None, typer.Argument(help="The screened name.")] = None,
    name2: Annotated[str | None, typer.Argument(help="The listed name.")] = None,
    kind: Annotated[
        str | None, typer.Option(help="organization (default), person, vessel or aircraft.")
    ] = None,
    pairs: Annotated[
        Path | None,
        typer.Option("--pairs", help="CSV name1,name2[,kind]; results as CSV on stdout."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Score one name against another, with the explanation, or every pair in a CSV (--pairs)."""
    try:
        if pairs is not None:
            if not pairs.is_file():
                raise InputError(f"{pairs}: no such file")
            rows = namescreen.compare_pairs(pairs.read_bytes(), str(pairs))
            writer = csv.DictWriter(
                sys.stdout, fieldnames=["name1", "name2", "kind", "score", "match"]
            )
            writer.writeheader()
            writer.writerows(rows)
            return
        if name1 is None or name2 is None:
            raise InputError("give NAME1 and NAME2, or --pairs FILE")
        result = namescreen.compare_names(name1, name2, kind)
    except ScreeningError as exc:
        raise _fail(exc) from exc
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        return
    Console().print(result["explanation"], highlight=False)
    Console().print(
        f"match: {str(result['match']).lower()} (threshold {result['threshold']})", highlight=False
    )
