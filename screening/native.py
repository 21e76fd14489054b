"""The matching core compiled to C (mypyc), used only while it is the same code as the sources.

Screening a name is pure Python over small strings and tuples; mypyc compiles the hot modules of
`screening.matching` (the same type-checked sources, no second implementation) to C extension
modules, which screen about 1.6 times as fast. `scripts/build_native.py` builds them into
`<venv>/screening-native/` with a manifest naming the SHA-256 of the sources they were built
from; the README's install commands run it.

At import, `install()` hashes those sources again and loads the compiled modules only when the
digest is the manifest's: a source edited since the build (the edit-test loop), a missing build
(no C compiler) or `SCREENING_NATIVE=0` all give the pure-Python modules, with the same results.
Never a mix: the compiled modules call each other natively, so all of them load or none.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

# The modules of one screening's hot path (scoring, alignment, retrieval, normalising).
COMPILED = (
    "screening.matching.algorithm",
    "screening.matching.align",
    "screening.matching.families",
    "screening.matching.features",
    "screening.matching.index",
    "screening.matching.lexicon",
    "screening.matching.matcher",
    "screening.matching.normalize",
    "screening.matching.parties",
    "screening.matching.parts",
    "screening.matching.similarity",
    "screening.matching.variants",
)
MANIFEST = "manifest.json"
_PACKAGE_DIR = Path(__file__).resolve().parent


def native_dir() -> Path:
    """Where the compiled modules of this interpreter's environment live (`SCREENING_NATIVE_DIR`
    names another place: benchmarks compare two builds that way)."""
    return Path(os.environ.get("SCREENING_NATIVE_DIR") or Path(sys.prefix) / "screening-native")


def source_path(module: str) -> Path:
    return _PACKAGE_DIR.joinpath(*module.split(".")[1:]).with_suffix(".py")


def sources_digest() -> str:
    """SHA-256 over the compiled modules' names and sources, and the interpreter's version."""
    h = hashlib.sha256(sys.version.encode())
    for module in COMPILED:
        h.update(module.encode() + b"\0" + source_path(module).read_bytes() + b"\0")
    return h.hexdigest()


class _Finder(MetaPathFinder):
    """Finds the compiled modules (and mypyc's shared library) in the build directory."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        del path, target
        file = self.files.get(fullname)
        if file is None:
            return None
        loader = importlib.machinery.ExtensionFileLoader(fullname, str(file))
        return importlib.util.spec_from_file_location(fullname, file, loader=loader)


_state: dict[str, str] = {"mode": "pure Python", "why": "not installed yet"}


def _usable(manifest: dict[str, object], digest: str, where: Path) -> dict[str, Path] | str:
    """The compiled files to load, or why not."""
    if manifest.get("digest") != digest:
        return "the sources changed since the build (run scripts/build_native.py)"
    files = manifest.get("files")
    if not isinstance(files, dict) or set(COMPILED) - set(files):
        return "the build's manifest does not name every module"
    out = {str(name): where / str(rel) for name, rel in files.items()}
    missing = [str(p) for p in out.values() if not p.is_file()]
    return f"missing {missing[0]}" if missing else out


def install() -> bool:
    """Load the compiled modules from now on when the build matches the sources. Must run before
    any of them is imported (the package's `__init__` calls it)."""
    if any(m in sys.modules for m in COMPILED):
        return _state["mode"] == "compiled"
    if os.environ.get("SCREENING_NATIVE", "1") in ("0", "false", "no", "off"):
        _state.update(mode="pure Python", why="SCREENING_NATIVE=0")
        return False
    where = native_dir()
    try:
        manifest = json.loads((where / MANIFEST).read_text(encoding="utf-8"))
        found = _usable(manifest, sources_digest(), where)
    except FileNotFoundError:
        found = f"no build in {where} (run scripts/build_native.py)"
    except (OSError, ValueError) as exc:
        found = f"unreadable build in {where}: {exc}"
    if isinstance(found, str):
        _state.update(mode="pure Python", why=found)
        return False
    sys.meta_path.insert(0, _Finder(found))
    _state.update(mode="compiled", why=f"{len(COMPILED)} modules from {where}")
    return True


def status() -> str:
    """How the matching core runs in this process, for benchmarks and diagnostics."""
    return f"{_state['mode']} ({_state['why']})"
