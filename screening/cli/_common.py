"""What every command shares: the error console, the exit codes and the one place that maps a
`ScreeningError` to an exit code, JSON output, and the service for one command."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, NoReturn

import typer
from rich.console import Console

from ..errors import ScreeningError
from ..service import Screening, open_screening

# Exit codes (stable; CI jobs rely on them). Only the CLI knows these numbers.
EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_DATA, EXIT_REFRESH_FAILED = 0, 1, 2, 3, 4

err = Console(stderr=True, soft_wrap=True)  # error lines are not re-wrapped mid-phrase


def exit_code_for(exc: ScreeningError) -> int:
    """Every error a user can cause or meet (input, unknown name, unusable settings, a download
    that failed outside a refresh) is a usage or input error: 2."""
    del exc
    return EXIT_INPUT


def fail(exc: ScreeningError) -> NoReturn:
    """Print the error's sentence on stderr and exit with its code."""
    err.print(f"[red]error:[/red] {exc.detail}", highlight=False)
    raise typer.Exit(exit_code_for(exc)) from exc


def usage(message: str) -> NoReturn:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(EXIT_INPUT)


@contextmanager
def service() -> Iterator[Screening]:
    """The service for one command; any ScreeningError inside ends the command (exit 2)."""
    try:
        with open_screening() as svc:
            yield svc
    except ScreeningError as exc:
        fail(exc)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def dump(model: Any) -> Any:
    """A typed result (or a list of them) as JSON-ready data with the contract's key names."""
    if isinstance(model, list):
        return [dump(m) for m in model]
    return model.model_dump(mode="json", by_alias=True)


@contextmanager
def output_to(output: Path | None) -> Iterator[IO[str]]:
    """A command's report goes to the file (UTF-8, newlines as written) or stdout."""
    if output is None:
        yield sys.stdout
        return
    with output.open("w", encoding="utf-8", newline="") as fh:
        yield fh
