"""Start-up: a command on an up-to-date database does not import Alembic; the head revision it
reads from the migration files is the one Alembic computes, so the shortcut never skips a
migration."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from screening import db


def test_the_head_read_from_the_files_is_alembics() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    assert db._head_revision() == ScriptDirectory.from_config(cfg).get_current_head()


def test_a_new_database_is_migrated_and_a_second_start_skips_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    engine = db.make_engine(url)
    assert db._current_revision(engine) is None  # nothing yet: the migrations run
    db.migrate(engine)
    assert db._current_revision(engine) == db._head_revision()
    probe = (
        "import sys\n"
        "from screening import db\n"
        f"db.migrate(db.make_engine({url!r}))\n"
        "print(any(m == 'alembic' or m.startswith('alembic.') for m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "False"
