"""The compiled matching core (screening/native.py, scripts/build_native.py): in use when built
from the current sources, never when built from others, and giving exactly the scores and
explanations of the pure-Python modules, on real listed names screened as typed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from screening import native

ROOT = Path(__file__).resolve().parents[1]

# In a fresh process (the choice is made at import): screen real listed names, perturbed as
# typed, against an index of real list files, and print every score and explanation.
_SCREEN = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from screening import native
from screening.matching import Index, Matcher, compare, entries_from_record
from tests.matching.conftest import real_records

recs = real_records()
del recs["us_ofac_sdn"]  # the other three lists are enough, and quicker to parse
entries = [e for sid, rs in recs.items() for r in rs for e in entries_from_record(sid, r)]
matcher = Matcher(Index.build(entries, cache_key="native-test"))
names = sorted({r.name for rs in recs.values() for r in rs})[::15]
out = []
for i, name in enumerate(names):
    k = i % max(len(name) - 2, 1)
    swapped = name[:k] + name[k + 1 : k + 2] + name[k] + name[k + 2 :]
    typed = [name, name[:k] + name[k + 1 :], swapped]
    for q in typed:
        kind = "person" if i % 3 == 0 else None
        found = matcher.screen(q, kind=kind, threshold=0.5, limit=5)
        got = [(m.entity_id, m.score, [f.explanation for f in m.features]) for m in found]
        out.append([q, got])
    out.append(["compare", compare(typed[1], name)[0]])
print(json.dumps({"status": native.status(), "results": out}))
"""


def _screen(native_on: bool) -> dict[str, object]:
    env = dict(os.environ, SCREENING_NATIVE="1" if native_on else "0")
    done = subprocess.run(
        [sys.executable, "-c", _SCREEN, str(ROOT)],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, object] = json.loads(done.stdout)
    return result


def _built() -> bool:
    manifest = native.native_dir() / native.MANIFEST
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return not isinstance(native._usable(data, native.sources_digest(), native.native_dir()), str)


def _require_build() -> None:
    if not _built():
        why = f"no compiled matching core for these sources in {native.native_dir()}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {why}: scripts/test builds it (scripts/build_native.py)")
        pytest.skip(f"{why} (run scripts/build_native.py)")


def test_this_process_runs_the_compiled_core_when_it_is_built() -> None:
    _require_build()
    import screening.matching.align as align

    assert native.status().startswith("compiled"), native.status()
    assert not align.__file__ or not align.__file__.endswith(".py"), align.__file__


@pytest.mark.slow
def test_compiled_and_pure_python_give_the_same_scores_and_explanations() -> None:
    _require_build()
    compiled, pure = _screen(True), _screen(False)
    assert str(compiled["status"]).startswith("compiled"), compiled["status"]
    assert pure["status"] == "pure Python (SCREENING_NATIVE=0)", pure["status"]
    a, b = compiled["results"], pure["results"]
    assert isinstance(a, list) and isinstance(b, list)
    assert len(a) == len(b) > 400
    hits = sum(len(r[1]) for r in b if r[0] != "compare")
    assert hits > 400  # the sample does reach listed parties, with explanations
    for x, y in zip(a, b, strict=True):
        assert x == y


def test_a_build_from_other_sources_is_not_loaded(tmp_path: Path) -> None:
    digest = native.sources_digest()
    files = {m: f"{m.replace('.', '/')}.so" for m in native.COMPILED}
    for rel in files.values():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"")
    usable = native._usable({"digest": digest, "files": files}, digest, tmp_path)
    assert isinstance(usable, dict) and set(usable) == set(native.COMPILED)
    # An edit to any compiled module's source since the build: the pure modules load.
    stale = native._usable({"digest": "0" * 64, "files": files}, digest, tmp_path)
    assert isinstance(stale, str) and "sources changed" in stale
    # A build that lacks a module, or whose file is gone, is not half-loaded.
    short = dict(list(files.items())[:-1])
    assert isinstance(native._usable({"digest": digest, "files": short}, digest, tmp_path), str)
    (tmp_path / files[native.COMPILED[0]]).unlink()
    gone = native._usable({"digest": digest, "files": files}, digest, tmp_path)
    assert isinstance(gone, str) and gone.startswith("missing")


def test_the_digest_covers_every_compiled_source() -> None:
    for module in native.COMPILED:
        assert native.source_path(module).is_file(), module
    assert len(native.sources_digest()) == 64


def test_native_off_runs_the_pure_modules() -> None:
    code = (
        "import screening.matching.align as a, screening.native as n;"
        "print(n.status()); print(a.__file__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=dict(os.environ, SCREENING_NATIVE="0"),
        capture_output=True,
        text=True,
        check=True,
    )
    status, file = done.stdout.splitlines()
    assert status == "pure Python (SCREENING_NATIVE=0)"
    assert file.endswith("align.py")
