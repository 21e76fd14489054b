"""`screening screen` and `screening compare`: thin over the service's name screening."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from ..errors import InputError, ScreeningError
from ..schemas.screening import ScreenResult
from ..service import Screening
from ..service.bulk import screen_table, screen_table_to
from ._common import err, fail, print_json, service, usage


def register(app: typer.Typer) -> None:
    app.command()(screen)
    app.command()(compare)


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
        typer.Option(
            "--file",
            help="CSV or Parquet with a 'name' column (and optional kind, country); any size.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="Where --file results go: CSV (default stdout), one Parquet file (x.parquet) "
            "or a folder of Parquet parts (an existing folder, or --format parquet).",
        ),
    ] = None,
    out_format: Annotated[
        str | None,
        typer.Option("--format", help="csv or parquet; default from the --output name."),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(help="--file: local (this machine's cores) or dask (a Dask cluster)."),
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="--engine dask: the scheduler's address (tcp://HOST:PORT); default a local "
            "cluster on the loopback interface."
        ),
    ] = None,
    dask_workers: Annotated[
        int | None,
        typer.Option(
            help="Worker processes: of the local Dask cluster (--engine dask without "
            "--scheduler), or the local engine's (default every core for over 2,000 rows)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Every feature of each party's score, in full.")
    ] = False,
) -> None:
    """Screen one name, or every row of a CSV or Parquet file (--file, any size: read and
    written a batch at a time, in input order, on this machine's cores or a Dask cluster with
    --engine dask), against every active list. Results are parties, each with its listings
    (list, entity id, date, programmes) and how the name relates to it: listed itself, or
    through its corporate family (a subsidiary, brand...)."""
    source_list = [s.strip() for s in sources.split(",") if s.strip()] if sources else None
    if (name is None) == (file is None):
        usage("give a NAME or --file IN (one of them)")
    if file is None and (output or out_format or engine != "local" or scheduler or dask_workers):
        usage("--output, --format, --engine, --scheduler and --dask-workers go with --file")
    with service() as svc:
        try:
            if file is None:
                assert name is not None
                result = svc.screen_name(
                    name, kind=kind, country=country, sources=source_list, threshold=threshold
                )
            else:
                bulk = _Bulk(engine, scheduler, dask_workers, out_format)
                _screen_file(svc, file, output, kind, threshold, source_list, bulk)
                return
        except ScreeningError as exc:
            fail(exc)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    _print_parties(result, name or "", explain)


@dataclass(frozen=True)
class _Bulk:
    engine: str
    scheduler: str | None
    workers: int | None
    format: str | None


def _screen_file(
    svc: Screening,
    file: Path,
    output: Path | None,
    kind: str | None,
    threshold: float | None,
    sources: list[str] | None,
    bulk: _Bulk,
) -> None:
    if output is None and bulk.format not in (None, "csv"):
        raise InputError("--format parquet needs --output (a .parquet file or a folder)")
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("screening", total=None)

        def advance(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        if output is None:
            screen_table_to(
                svc,
                file,
                sys.stdout,
                engine=bulk.engine,
                scheduler=bulk.scheduler,
                kind=kind,
                threshold=threshold,
                sources=sources,
                workers=bulk.workers,
                progress=advance,
            )
            return
        screen_table(
            svc,
            file,
            output,
            engine=bulk.engine,
            scheduler=bulk.scheduler,
            kind=kind,
            threshold=threshold,
            sources=sources,
            output_format=bulk.format,
            workers=bulk.workers,
            progress=advance,
        )


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
            with service() as svc:
                for text in svc.compare_pairs_csv(pairs.read_bytes(), str(pairs)):
                    sys.stdout.write(text)
            return
        if name1 is None or name2 is None:
            raise InputError("give NAME1 and NAME2, or --pairs FILE")
        with service() as svc:
            result = svc.compare(name1, name2, kind)
    except ScreeningError as exc:
        fail(exc)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    Console().print(result.explanation, highlight=False, markup=False)
    Console().print(
        f"match: {str(result.match).lower()} (threshold {result.threshold})", highlight=False
    )
