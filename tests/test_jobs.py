"""Asynchronous bulk screening jobs (issue 18, point 4) through the API, on SQLite and
PostgreSQL: a file is accepted at once (202), run by a job worker step in this process, and its
result is exactly the synchronous screening of the same file; progress is recorded while it
runs; a worker that died is replaced exactly once; one tenant never sees another's jobs; a bad
file is refused (400) or fails the job with a sentence naming the line; quotas answer 413.

The names are real published ones: OFAC's alias file (tests/fixtures/eval, see its
PROVENANCE.md) and the NDAA §889 companies, screened against two small real lists (NDAA §889
and the FCC Covered List) so that the index builds in a moment."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session

from screening.models_jobs import ScreenJob, ScreenJobPart
from screening.schemas.jobs import JobOptions
from screening.service import Screening, Settings, jobrun, screenjobs
from screening.snapshots import now_utc
from tests.conftest import FIXTURES, Database, make_app, make_settings

ALT = FIXTURES / "eval" / "ofac_alt_2025-12.csv"
NDAA = FIXTURES / "ndaa-889" / "section_889.csv"
FAMILIES = Path(__file__).resolve().parent.parent / "data" / "reference" / "families.csv"


def _real_names(n: int) -> list[tuple[str, str]]:
    """(name, reference) rows: the five §889 companies first (they match), then OFAC aliases."""
    with NDAA.open(encoding="utf-8", newline="") as f:
        rows = [(r["name"], "ndaa") for r in csv.DictReader(f)]
    with ALT.open(encoding="utf-8", newline="") as f:
        rows += [(r[3], r[0]) for r in csv.reader(f) if len(r) > 3 and r[3].strip()]
    return rows[:n]


def _csv(rows: list[tuple[str, str]]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(["name", "ref"])
    writer.writerows(rows)
    return buf.getvalue().encode()


@dataclass
class Env:
    db: Database
    settings: Settings
    client: TestClient
    a: dict[str, str]  # tenant A, analyst (may write)
    b: dict[str, str]  # tenant B, admin
    a_ci: dict[str, str]  # tenant A, ci (screens, never stores)

    def work(self, worker: str = "test-worker", max_jobs: int | None = None) -> int:
        with self.db.session() as s:
            return Screening(s, self.settings).run_screen_jobs(max_jobs=max_jobs, worker=worker)

    def submit(self, data: bytes, name: str = "names.csv", **form: str) -> Any:
        return self.client.post(
            "/v1/jobs/screen", files={"file": (name, data)}, data=form, headers=self.a
        )

    def synchronous(self, data: bytes, **options: Any) -> str:
        with self.db.session() as s:
            svc = Screening(s, self.settings)
            table = svc.read_names(data, "names.csv", as_csv=True)
            rows = svc.screen_names(table, tenant="tenant-a", **options)
            return "".join(svc.names_csv(table, rows))


@pytest.fixture(scope="module")
def env(module_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    settings = make_settings(module_db.url, tmp_path_factory.mktemp("jobs"), auth="keys")
    with module_db.session() as s:
        svc = Screening(s, settings)
        loaded = svc.refresh(["us_ndaa_889", "us_fcc_covered"], offline=True)
        assert [o.result for o in loaded] == ["created", "created"]

        def key(tenant: str, role: str) -> dict[str, str]:
            return {"Authorization": f"Bearer {svc.create_key(tenant, role).key}"}

        keys = key("tenant-a", "analyst"), key("tenant-b", "admin"), key("tenant-a", "ci")
    with TestClient(make_app(settings)) as client:
        yield Env(module_db, settings, client, *keys)


def _job(env: Env, job_id: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    r = env.client.get(f"/v1/jobs/{job_id}", headers=headers or env.a)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_a_job_gives_the_rows_of_the_synchronous_screening_and_reports_progress(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _csv(_real_names(2500))
    r = env.submit(data, kind="organization")
    assert r.status_code == 202, r.text
    job = r.json()
    assert r.headers["location"] == f"/v1/jobs/{job['id']}"
    assert job["status"] == "pending" and job["rows_done"] == 0 and job["result_url"] is None
    assert job["options"]["kind"] == "organization" and job["input_format"] == "csv"
    assert len(job["id"]) >= 28  # random: not a counter another tenant could walk
    pending = env.client.get(f"/v1/jobs/{job['id']}/result", headers=env.a)
    assert pending.status_code == 409 and "pending" in pending.json()["detail"]

    # While the worker runs, what the API shows moves with it: each time the engine reports a
    # window done, wait for the heartbeat thread to record it and read it through the API.
    monkeypatch.setattr(screenjobs, "HEARTBEAT_SECONDS", 0.05)
    seen: list[tuple[str, int]] = []
    original = jobrun._Beat.progress

    def observed(self: jobrun._Beat, done: int, total: int | None) -> None:
        original(self, done, total)
        for _ in range(400):
            now = _job(env, job["id"])
            if now["rows_done"] == done:
                seen.append((now["status"], done))
                return
            threading.Event().wait(0.025)
        raise AssertionError(f"progress {done} never recorded")

    monkeypatch.setattr(jobrun._Beat, "progress", observed)
    assert env.work() == 1
    assert len(seen) >= 2 and all(status == "running" for status, _ in seen)
    assert [n for _, n in seen] == sorted(n for _, n in seen) and seen[-1][1] == 2500

    done = _job(env, job["id"])
    assert done["status"] == "done" and done["rows_done"] == done["rows_total"] == 2500
    assert done["error"] is None and done["seconds"] is not None and done["finished_at"]
    assert set(done["snapshots"]) == {"us_ndaa_889", "us_fcc_covered"}
    r = env.client.get(done["result_url"], headers=env.a)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text == env.synchronous(data, kind="organization")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 2500 and rows[0]["match"] == "true"  # Dahua, on §889
    assert [x["ref"] for x in rows] == [ref for _, ref in _real_names(2500)]
    listed = [j["id"] for j in env.client.get("/v1/jobs", headers=env.a).json()]
    assert job["id"] in listed


def test_a_job_whose_worker_died_is_taken_over_exactly_once(env: Env) -> None:
    data = _csv(_real_names(300))
    job_id = env.submit(data).json()["id"]
    with env.db.session() as s:
        dead = screenjobs.claim_next(s, "worker-that-dies")
    assert dead is not None and dead.id == job_id
    assert env.work("worker-2") == 0  # its heartbeat is fresh: nobody takes it
    assert _job(env, job_id)["status"] == "running"

    stale = now_utc() - screenjobs.STALE_JOB - timedelta(seconds=5)
    with env.db.session() as s:
        s.execute(update(ScreenJob).where(ScreenJob.id == job_id).values(heartbeat_at=stale))
        s.commit()
    # Four workers look at once: exactly one takes the job over.
    got: list[str] = []

    def race(i: int) -> None:
        with Session(env.db.engine, expire_on_commit=False) as s:
            job = screenjobs.claim_next(s, f"racer-{i}")
            if job is not None:
                got.append(job.id)

    threads = [threading.Thread(target=race, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 1
    # The winner dies too; the next worker runs it to the end, once.
    with env.db.session() as s:
        s.execute(update(ScreenJob).where(ScreenJob.id == job_id).values(heartbeat_at=stale))
        s.commit()
    assert env.work("worker-3") == 1
    assert env.work("worker-4") == 0
    done = _job(env, job_id)
    assert done["status"] == "done" and done["rows_done"] == 300

    # The first worker wakes up: it can neither beat, nor store a result, nor fail the job.
    with env.db.session() as s:
        assert not screenjobs.beat(env.db.engine, dead, 1, None)
        assert not screenjobs.finish(
            s,
            env.settings,
            dead,
            io.BytesIO(b"name\nx\n"),
            rows=1,
            result_format="csv",
            snapshots={},
        )
        assert not screenjobs.fail(s, dead, "late")
    result = env.client.get(f"/v1/jobs/{job_id}/result", headers=env.a).text
    assert result == env.synchronous(data)


def test_another_tenant_gets_404_and_deleting_cancels(env: Env) -> None:
    job_id = env.submit(_csv(_real_names(50))).json()["id"]
    for path in (f"/v1/jobs/{job_id}", f"/v1/jobs/{job_id}/result"):
        r = env.client.get(path, headers=env.b)
        assert r.status_code == 404 and job_id in r.json()["detail"]
    assert env.client.delete(f"/v1/jobs/{job_id}", headers=env.b).status_code == 404
    assert job_id not in [j["id"] for j in env.client.get("/v1/jobs", headers=env.b).json()]
    assert env.client.get("/v1/jobs/job_unknown", headers=env.a).status_code == 404
    # A ci key screens but stores nothing: no jobs (reading them is allowed).
    r = env.client.post(
        "/v1/jobs/screen", files={"file": ("n.csv", b"name\nDahua\n")}, headers=env.a_ci
    )
    assert r.status_code == 403

    # Deleting a running job: its worker finds it gone and stores nothing.
    with env.db.session() as s:
        running = screenjobs.claim_next(s, "w")
    assert running is not None and running.id == job_id
    assert env.client.delete(f"/v1/jobs/{job_id}", headers=env.a).status_code == 204
    assert env.client.get(f"/v1/jobs/{job_id}", headers=env.a).status_code == 404
    assert not screenjobs.beat(env.db.engine, running, 10, None)
    with env.db.session() as s:
        assert not screenjobs.finish(
            s, env.settings, running, io.BytesIO(b"x"), rows=1, result_format="csv", snapshots={}
        )


def test_a_bad_file_is_refused_or_fails_the_job_naming_the_line(env: Env) -> None:
    before = len(env.client.get("/v1/jobs", headers=env.a).json())
    fcc = (FIXTURES / "fcc-covered-list" / "table_2026-08-20.csv").read_bytes()
    r = env.submit(fcc, "covered.csv")
    assert r.status_code == 400 and "no 'name' column" in r.json()["detail"]
    r = env.submit(_csv(_real_names(5)), kind="robot")
    assert r.status_code == 400 and "kind" in r.json()["detail"]
    r = env.submit(_csv(_real_names(5)), sources="us_ofac_sdn")
    assert r.status_code == 400 and "us_ofac_sdn" in r.json()["detail"]
    r = env.submit(b"PAR1 not really parquet", "names.parquet")
    assert r.status_code == 400 and "Parquet" in r.json()["detail"]
    assert len(env.client.get("/v1/jobs", headers=env.a).json()) == before  # nothing stored

    # A vendor file whose last row was saved in GB18030 (a real name from the family table)
    # past the part checked at submission: the worker fails the job, naming the line.
    with FAMILIES.open(encoding="utf-8", newline="") as f:
        chinese = next(v for r in csv.reader(f) for v in r if v and not v.isascii())
    names = _real_names(3000)
    data = _csv(names) + chinese.encode("gb18030") + b",x\n"
    assert len(data) > 64 * 1024
    r = env.submit(data, "vendors.csv")
    assert r.status_code == 202, r.text
    assert env.work() == 1
    failed = _job(env, r.json()["id"])
    assert failed["status"] == "failed"
    assert failed["error"].startswith(f"vendors.csv: line {len(names) + 2}: not UTF-8 text")
    assert "/tmp" not in failed["error"] and "screen-job-" not in failed["error"]
    r = env.client.get(f"/v1/jobs/{failed['id']}/result", headers=env.a)
    assert r.status_code == 409 and "not UTF-8" in r.json()["detail"]


def test_parquet_in_and_out(env: Env) -> None:
    names = _real_names(200)
    buf = io.BytesIO()
    pq.write_table(pa.table({"name": [n for n, _ in names], "ref": [r for _, r in names]}), buf)
    r = env.submit(buf.getvalue(), "names.parquet", output="parquet")
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["input_format"] == "parquet" and job["rows_total"] == 200  # from the footer
    assert env.work() == 1
    assert (
        env.client.get(f"/v1/jobs/{job['id']}/result?format=csv", headers=env.a).status_code == 409
    )
    r = env.client.get(f"/v1/jobs/{job['id']}/result?format=parquet", headers=env.a)
    assert r.status_code == 200
    got = pq.read_table(io.BytesIO(r.content)).to_pylist()
    want = list(csv.DictReader(io.StringIO(env.synchronous(_csv(names)))))
    assert [g["ref"] for g in got] == [w["ref"] for w in want]
    assert [g["match"] for g in got] == [w["match"] == "true" for w in want]
    assert [f"{g['score']:.4f}" for g in got] == [w["score"] for w in want]
    assert [g["entity_id"] for g in got] == [w["entity_id"] for w in want]


def test_quotas_answer_413_and_keep_nothing(env: Env) -> None:
    data = _csv(_real_names(3000))
    small = env.settings.model_copy(update={"max_tenant_jobs_bytes": 4096})
    with TestClient(make_app(small)) as client:
        before = len(client.get("/v1/jobs", headers=env.a).json())
        r = client.post("/v1/jobs/screen", files={"file": ("n.csv", data)}, headers=env.a)
        assert r.status_code == 413
        assert "SCREENING_MAX_TENANT_JOBS_BYTES" in r.json()["detail"]
        assert len(client.get("/v1/jobs", headers=env.a).json()) == before
    tiny = env.settings.model_copy(update={"max_job_upload_bytes": 1000})
    with TestClient(make_app(tiny)) as client:
        r = client.post("/v1/jobs/screen", files={"file": ("n.csv", data)}, headers=env.a)
        assert r.status_code == 413 and "SCREENING_MAX_JOB_UPLOAD_BYTES" in r.json()["detail"]


def test_options_are_kept_and_used(env: Env) -> None:
    data = _csv(_real_names(40))
    r = env.submit(data, threshold="0.95", sources="us_fcc_covered")
    assert r.status_code == 202, r.text
    opts = JobOptions.model_validate(r.json()["options"])
    assert opts.threshold == 0.95 and opts.sources == ["us_fcc_covered"]
    env.work()
    text = env.client.get(f"/v1/jobs/{r.json()['id']}/result", headers=env.a).text
    assert text == env.synchronous(data, threshold=0.95, sources=["us_fcc_covered"])
    assert text != env.synchronous(data)  # the options changed the answer


def test_the_batch_route_points_past_its_limit_to_the_job_api(env: Env) -> None:
    from screening.api.deps import settings_dep

    app = make_app(env.settings)  # the middleware lets the body through; the route refuses it
    small = env.settings.model_copy(update={"max_upload_bytes": 1000})
    app.dependency_overrides[settings_dep] = lambda: small
    with TestClient(app) as client:
        r = client.post(
            "/v1/screen/batch",
            content=_csv(_real_names(100)),
            headers={**env.a, "Content-Type": "text/csv"},
        )
    assert r.status_code == 413 and "POST /v1/jobs/screen" in r.json()["detail"]


def test_the_job_worker_command_runs_what_waits(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    import typer
    from typer.testing import CliRunner

    from screening.cli import jobs as jobs_cli
    from screening.settings import get_settings

    app = typer.Typer()
    jobs_cli.register(app)  # the command group as `screening` registers it
    job_id = env.submit(_csv(_real_names(30))).json()["id"]
    monkeypatch.setenv("SCREENING_DATABASE_URL", env.db.url)
    monkeypatch.setenv("SCREENING_STATE_DIR", str(env.settings.state_dir))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        ran = runner.invoke(app, ["jobs", "work"])
        assert ran.exit_code == 0, ran.output
        shown = runner.invoke(app, ["jobs", "show", job_id, "--tenant", "tenant-a"])
        listed = runner.invoke(app, ["jobs", "list", "--tenant", "tenant-b", "--json"])
    finally:
        get_settings.cache_clear()
    assert json.loads(shown.stdout)["status"] == "done"
    assert job_id not in {j["id"] for j in json.loads(listed.stdout)}


def test_a_result_past_the_quota_fails_the_job_and_old_jobs_expire(env: Env) -> None:
    from screening.schemas.accounts import Principal

    c = Principal(tenant="tenant-c", role="admin", key_name="c-admin")
    with env.db.session() as s:
        job = Screening(s, env.settings).submit_screen_job(
            io.BytesIO(_csv(_real_names(400))), "names.csv", JobOptions(), who=c
        )
    # Room for the upload and 100 bytes more: the result (larger than the names) does not fit.
    tight = env.settings.model_copy(update={"max_tenant_jobs_bytes": job.input_bytes + 100})
    with env.db.session() as s:
        assert Screening(s, tight).run_screen_jobs(worker="w") >= 1
        failed = Screening(s, env.settings).screen_job(job.id, c.tenant)
    assert failed.status == "failed" and failed.result_bytes == 0
    assert failed.error and "SCREENING_MAX_TENANT_JOBS_BYTES" in failed.error

    # Finished jobs are removed with their upload once SCREENING_JOB_RETENTION_DAYS have passed.
    old = now_utc() - timedelta(days=env.settings.job_retention_days + 1)
    with env.db.session() as s:
        s.execute(update(ScreenJob).where(ScreenJob.id == job.id).values(finished_at=old))
        s.commit()
        assert screenjobs.expire_jobs(s, env.settings) >= 1
        assert Screening(s, env.settings).screen_jobs(c.tenant) == []
        assert screenjobs.used_bytes(s, c.tenant) == 0
        assert s.get(ScreenJobPart, (job.id, "input", 0)) is None  # the upload went with it
