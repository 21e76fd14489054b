"""The house rules, read from the imports: faces call only the service; pure cores import no
I/O; no import circles among the command modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from screening.settings import REPO_ROOT

PACKAGE = REPO_ROOT / "screening"


def _module_name(path: Path) -> str:
    rel = path.relative_to(REPO_ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every screening module `path` imports (relative imports resolved, submodules named)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = _module_name(path).split(".")
    package = me if path.name == "__init__.py" else me[:-1]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("screening"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if not mod.startswith("screening"):
                continue
            out.add(mod)
            for alias in node.names:
                if (PACKAGE.parent / (mod + "." + alias.name).replace(".", "/")).with_suffix(
                    ".py"
                ).exists() or (
                    PACKAGE.parent / (mod + "." + alias.name).replace(".", "/")
                ).is_dir():
                    out.add(f"{mod}.{alias.name}")
    return out


def _files(sub: str) -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py"))


FACE_ALLOWED = ("screening.service", "screening.schemas", "screening.errors", "screening")
# `screening serve` starts the API: the one place a face reaches the other face.
FACE_EXCEPTIONS = {
    ("screening.cli.lists", "screening.api.app"),
    ("screening.cli.lists", "screening.api.server"),
}


@pytest.mark.parametrize("face", ["cli", "api"])
def test_faces_import_only_the_service_the_schemas_and_the_errors(face: str) -> None:
    bad = []
    for path in _files(face):
        name = _module_name(path)
        for mod in _imports(path):
            if mod.startswith(f"screening.{face}") or (name, mod) in FACE_EXCEPTIONS:
                continue
            if mod == "screening" or any(
                mod.startswith(a + ".") or mod == a for a in FACE_ALLOWED[:-1]
            ):
                continue
            bad.append(f"{name} imports {mod}")
    assert not bad, "\n".join(bad)


PURE_FORBIDDEN = (
    "screening.sources",
    "screening.db",
    "screening.models",
    "screening.store",
    "screening.settings",
    "screening.service",
    "screening.cli",
    "screening.api",
    "screening.snapshots",
)


@pytest.mark.parametrize("core", ["matching", "devices", "scoring"])
def test_pure_cores_import_no_storage_sources_settings_or_faces(core: str) -> None:
    bad = []
    for path in _files(core):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                for n in names:
                    top = n.split(".")[0]
                    if top in {"httpx", "sqlmodel", "sqlalchemy", "fastapi", "alembic"}:
                        bad.append(f"{path.name} imports {n}")
        for mod in _imports(path):
            if any(mod == f or mod.startswith(f + ".") for f in PURE_FORBIDDEN):
                bad.append(f"{_module_name(path)} imports {mod}")
    assert not bad, "\n".join(bad)


def test_no_import_circle_between_command_modules() -> None:
    graph = {
        _module_name(p): {m for m in _imports(p) if m.startswith("screening.cli")}
        for p in _files("cli")
    }
    for a, deps in graph.items():
        for b in deps:
            if b != a and a in graph.get(b, set()) and b != "screening.cli":
                pytest.fail(f"{a} and {b} import each other")
    for name, deps in graph.items():
        if name != "screening.cli":
            assert "screening.cli" not in deps, f"{name} imports the package that imports it"
