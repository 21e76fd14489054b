# Shared by scripts/run and scripts/test: create or reuse .venv at the repo root and install the
# project into it (with extras given as $1, e.g. "dev"). Re-installs only when pyproject.toml
# changed since the last install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"
extras="${1:-}"
if [ ! -x "$VENV/bin/python" ]; then
  echo "creating $VENV" >&2
  "$PY" -m venv "$VENV"
fi
stamp="$VENV/.installed-${extras:-base}"
if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
  # Not quiet: a first install takes a minute or more, and a silent minute looks like a hang.
  echo "== installing screening${extras:+[$extras]} and its dependencies into $VENV" >&2
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >&2
  spec="$ROOT"
  [ -n "$extras" ] && spec="$ROOT[$extras]"
  "$VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar off -e "$spec" \
    | { grep --line-buffered -E '^(Collecting|Successfully installed)' || true; } >&2
  echo "== installed" >&2
  touch "$stamp"
fi
# The matching core compiled to C (screening/native.py): rebuilt when its sources changed, in
# about 15 s; without mypyc or a C compiler the service runs on the pure-Python modules.
# With NATIVE_IN_BACKGROUND=1 the build runs beside the caller (scripts/test lints and
# type-checks meanwhile) and the caller waits for $NATIVE_PID before it needs the build.
native_build() {
  if ! "$VENV/bin/python" "$ROOT/scripts/build_native.py"; then
    echo "== warning: the matching core is not compiled; screening runs on pure Python (slower)" >&2
  fi
}
if [ "${NATIVE_IN_BACKGROUND:-}" = "1" ]; then
  native_build &
  NATIVE_PID=$!
else
  native_build
fi
# Byte-code for the package's own modules (an editable install leaves none, and where
# PYTHONDONTWRITEBYTECODE is set nothing writes it later): every command starts faster.
"$VENV/bin/python" -m compileall -q "$ROOT/screening" >/dev/null || true
