"""The snapshots shipped in `data/<source id>/`: the publisher's files plus a manifest.json
(`published_at`, `completeness`, `origin_url`, `files`, `note`, and for a bundled-only source
`verified_at` / `verified_by`). Reading them is the offline refresh; the service works fully
offline from these.

`verified_at` is the last day the bundled copy of a bundled-only source (a statute, a PDF, an
eCFR table) was checked to be the publisher's current list, and `verified_by` says how. Its age,
not the publisher's date, tells whether such a copy may be stale: NDAA § 889 is a 2018 statute
that is current until it is amended."""

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
    verified_at: date | None = None
    verified_by: str = ""


def bundle_dir(data_dir: Path, source_id: str) -> Path:
    # Source ids with a colon (custom:x) are never bundled; keep the path flat and safe.
    return data_dir / source_id.replace(":", "__")


def has_bundle(data_dir: Path, source_id: str) -> bool:
    return (bundle_dir(data_dir, source_id) / "manifest.json").is_file()


def _manifest(data_dir: Path, source_id: str) -> tuple[Path, dict[str, Any]]:
    folder = bundle_dir(data_dir, source_id)
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise NotFoundError(f"{source_id}: no bundled snapshot in {folder}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ParseError(f"{manifest_path}: unreadable manifest ({exc})") from exc
    if not isinstance(manifest, dict):
        raise ParseError(f"{manifest_path}: the manifest is not a JSON object")
    return manifest_path, manifest


def load_bundle(data_dir: Path, source_id: str) -> Bundle:
    folder = bundle_dir(data_dir, source_id)
    manifest_path, manifest = _manifest(data_dir, source_id)
    names = manifest.get("files")
    if not isinstance(names, list) or not names:
        raise ParseError(f"{manifest_path}: field 'files' must list the bundled file names")
    files: dict[str, bytes] = {}
    for name in names:
        path = folder / str(name)
        if not path.is_file():
            raise ParseError(f"{manifest_path}: listed file {name!r} is missing")
        files[str(name)] = path.read_bytes()
    published = _date(manifest_path, manifest, "published_at")
    verified = _date(manifest_path, manifest, "verified_at")
    completeness = manifest.get("completeness", "full")
    if completeness not in ("full", "sample"):
        raise ParseError(f"{manifest_path}: field 'completeness' must be full or sample")
    return Bundle(
        source_id=source_id,
        files=files,
        published_at=published,
        completeness=completeness,
        origin_url=manifest.get("origin_url"),
        note=str(manifest.get("note", "")),
        verified_at=verified,
        verified_by=str(manifest.get("verified_by", "")),
    )


def _date(path: Path, manifest: dict[str, Any], key: str) -> date | None:
    value = manifest.get(key)
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ParseError(
            f"{path}: field {key!r}: {str(value)[:40]!r} is not a YYYY-MM-DD date"
        ) from None


def verified_at(data_dir: Path, source_id: str) -> date | None:
    """The day the bundled copy of `source_id` was last verified current (manifest
    `verified_at`), or None when it has no bundle or the manifest does not say."""
    if not has_bundle(data_dir, source_id):
        return None
    return _date(*_manifest(data_dir, source_id), "verified_at")
