"""`screening screen` and `screening compare`: thin over `namescreen`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from sqlmodel import Session

from . import namescreen
from .cli import EXIT_INPUT, _print_json, _session, app, err
from .errors import InputError, ScreeningError
from .schemas.screening import ScreenResult
from .settings import Settings


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
    explain: Annotated[
        bool, typer.Option("--explain", help="Every feature of each party's score, in full.")
    ] = False,
) -> None:
    """Screen one name, or every row of a CSV (--file), against every active list. Results are
    parties, each with its listings (list, entity id, date, programmes) and how the name
    relates to it: listed itself, or through its corporate family (a subsidiary, brand...)."""
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
                _screen_file(session, settings, file, output, kind, threshold, source_list)
                return
        except ScreeningError as exc:
            raise _fail(exc) from exc
    if as_json:
        _print_json(result.model_dump(mode="json"))
        return
    _print_parties(result, name or "", explain)


def _screen_file(
    session: Session,
    settings: Settings,
    file: Path,
    output: Path | None,
    kind: str | None,
    threshold: float | None,
    sources: list[str] | None,
) -> None:
    from . import screenfile

    if not file.is_file():
        raise InputError(f"{file}: no such file")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise InputError(f"--threshold: {threshold} is not in [0, 1]")
    data = file.read_bytes()
    header, rows = screenfile.read_name_csv(data, str(file))
    ctx = namescreen.screen_context(session, settings)
    if sources:
        unknown = sorted(set(sources) - set(ctx.versions))
        if unknown:
            raise InputError(f"--sources: no data for {', '.join(unknown)}")
    total = max(0, data.count(b"\n") - 1)
    del data
    # Large files use every core: the index is shared with forked workers.
    workers = (os.cpu_count() or 1) if total > 2000 else 1
    stream = output.open("w", newline="", encoding="utf-8") if output else sys.stdout
    try:
        with Progress(console=err, transient=True) as bar:
            task = bar.add_task("screening", total=total or None)
            results = screenfile.screen_rows(
                ctx,
                rows,
                kind=kind,
                threshold=threshold,
                sources=sources,
                workers=workers,
                progress=lambda n: bar.advance(task, n),
            )
            for text in screenfile.csv_lines(results, header + list(screenfile.OUT_COLUMNS)):
                stream.write(text)
    finally:
        if output:
            stream.close()


def _print_parties(result: ScreenResult, name: str, explain: bool) -> None:
    out = Console()
    shown = [p for p in result.parties if p.match or p.weak]
    if not any(p.match for p in shown):
        out.print(f"no listed party matches {name!r} at the threshold", highlight=False)
    for p in shown:
        head = "weak signal" if p.weak else f"{p.score:.4f}"
        out.print(f"[bold]{head}[/bold]  {p.summary}", highlight=False)
        for li in p.listings:
            extra = f" since {li.listed_on}" if li.listed_on else ""
            programs = f" [{'; '.join(li.programs)}]" if li.programs else ""
            out.print(
                f"        {li.source}: {li.matched_name} ({li.entity_id}{extra}){programs}",
                highlight=False,
                markup=False,
            )
        feats = p.features if explain else [f for f in p.features if f.contribution]
        for f in feats:
            # Compact: the feature's one-line gist (its docstring's head); --explain: in full.
            text = f.explanation
            if not explain:
                detail = text[text.rfind(" [") :] if " [" in text else ""
                text = text.split(":", 1)[0][:100] + detail[:120]
            out.print(
                f"        {f.contribution:+.3f} {f.name}: {text}", highlight=False, markup=False
            )


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
            from .screenfile import csv_lines

            rows = namescreen.compare_pairs(pairs.read_bytes(), str(pairs))
            for text in csv_lines(rows, ["name1", "name2", "kind", "score", "match"]):
                sys.stdout.write(text)
            return
        if name1 is None or name2 is None:
            raise InputError("give NAME1 and NAME2, or --pairs FILE")
        result = namescreen.compare_names(name1, name2, kind)
    except ScreeningError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json(result.model_dump(mode="json"))
        return
    Console().print(result.explanation, highlight=False, markup=False)
    Console().print(
        f"match: {str(result.match).lower()} (threshold {result.threshold})", highlight=False
    )
