"""The snapshots shipped in `data/<source id>/`: the publisher's files plus a manifest.json
(`published_at`, `completeness`, `origin_url`, `files`, `note`). Reading them is the offline
refresh; the service works fully offline from these."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import NotFoundError, ParseError


@dataclass(frozen=True)
class Bundle:
    source_id: str
    files: dict[str, bytes]
    published_at: date | None
    completeness: str
    origin_url: str | None
    note: str


def bundle_dir(data_dir: Path, source_id: str) -> Path:
    # Source ids with a colon (custom:x) are never bundled; keep the path flat and safe.
    return data_dir / source_id.replace(":", "__")


def has_bundle(data_dir: Path, source_id: str) -> bool:
    return (bundle_dir(data_dir, source_id) / "manifest.json").is_file()


def load_bundle(data_dir: Path, source_id: str) -> Bundle:
    folder = bundle_dir(data_dir, source_id)
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise NotFoundError(f"{source_id}: no bundled snapshot in {folder}")
    try:
        manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ParseError(f"{manifest_path}: unreadable manifest ({exc})") from exc
    names = manifest.get("files")
    if not isinstance(names, list) or not names:
        raise ParseError(f"{manifest_path}: field 'files' must list the bundled file names")
    files: dict[str, bytes] = {}
    for name in names:
        path = folder / str(name)
        if not path.is_file():
            raise ParseError(f"{manifest_path}: listed file {name!r} is missing")
        files[str(name)] = path.read_bytes()
    published = manifest.get("published_at")
    completeness = manifest.get("completeness", "full")
    if completeness not in ("full", "sample"):
        raise ParseError(f"{manifest_path}: field 'completeness' must be full or sample")
    return Bundle(
        source_id=source_id,
        files=files,
        published_at=date.fromisoformat(published) if published else None,
        completeness=completeness,
        origin_url=manifest.get("origin_url"),
        note=str(manifest.get("note", "")),
    )
