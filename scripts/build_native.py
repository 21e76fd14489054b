"""Compile the matching core with mypyc into <venv>/screening-native/ (see screening/native.py).

    .venv/bin/python scripts/build_native.py [--force]

Does nothing when the build there was made from the current sources. The modules are compiled
from the repository's own sources, in a temporary directory, and the finished build replaces the
old one in one rename, so a process starting meanwhile loads either build whole, or none. When
mypyc or a C compiler is missing the reason is printed and the exit status is 1; the service
still runs, on the pure-Python modules (scripts/_venv.sh carries on).
"""

from __future__ import annotations

import argparse
import importlib.machinery
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from screening import native  # noqa: E402


def _current(where: Path, digest: str) -> bool:
    try:
        manifest = json.loads((where / native.MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return not isinstance(native._usable(manifest, digest, where), str)


def build(where: Path) -> int:
    from mypyc.build import mypycify
    from setuptools import setup

    where.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=where.parent, prefix=".native-build-") as tmp:
        work = Path(tmp)
        # mypyc names modules after their paths: compile from a copy of the package laid out
        # as in the repository, so that the build is of exactly the hashed sources.
        shutil.copytree(
            REPO / "screening", work / "src" / "screening", ignore=shutil.ignore_patterns("*.pyc")
        )
        paths = [
            str(Path("screening", *m.split(".")[1:]).with_suffix(".py")) for m in native.COMPILED
        ]
        out = work / "out"
        cwd = os.getcwd()
        os.chdir(work / "src")
        try:
            setup(
                name="screening-native",
                ext_modules=mypycify(paths, opt_level="3"),
                script_args=[
                    "--quiet",
                    "build_ext",
                    "--build-lib",
                    str(out),
                    "--build-temp",
                    str(work / "temp"),
                ],
            )
        finally:
            os.chdir(cwd)
        files: dict[str, str] = {}
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            for so in out.rglob(f"*{suffix}"):
                rel = so.relative_to(out)
                name = ".".join(rel.parts)[: -len(suffix)]
                files[name] = str(rel)
        missing = sorted(set(native.COMPILED) - set(files))
        if missing:
            print(f"native build: no compiled module for {', '.join(missing)}", file=sys.stderr)
            return 1
        manifest = {"digest": native.sources_digest(), "files": files, "python": sys.version}
        (out / native.MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        old = work / "old"
        if where.exists():
            where.rename(old)
        out.rename(where)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--force", action="store_true", help="build even when up to date")
    args = ap.parse_args()
    where = native.native_dir()
    if not args.force and _current(where, native.sources_digest()):
        print(f"native build: up to date in {where}", file=sys.stderr)
        return 0
    t0 = time.perf_counter()
    try:
        code = build(where)
    except (ImportError, SystemExit, OSError, RuntimeError) as exc:
        # setuptools reports a failed compiler as SystemExit("error: command 'gcc' failed ...").
        print(
            f"native build: failed ({exc}); the pure-Python modules will be used", file=sys.stderr
        )
        return 1
    if code == 0:
        took = time.perf_counter() - t0
        print(
            f"native build: {len(native.COMPILED)} modules compiled in {took:.0f} s into {where}",
            file=sys.stderr,
        )
    return code


if __name__ == "__main__":
    raise SystemExit(main())
