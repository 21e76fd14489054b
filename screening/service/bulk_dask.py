"""The Dask engine of bulk screening: a window's new queries are screened on a Dask cluster.

The screening job (the loaded index, party table and family search, with the options) is
scattered to every worker once (`broadcast=True`), about 15 MB pickled for the bundled lists;
each task then carries only its chunk of queries and a reference to the worker's own copy.
The worker runs `screenfile.screen_chunk`, the function the local engine's forked workers run,
so both engines give the same rows. The caller keeps a bounded number of windows in flight and
writes their rows in input order as they complete.

Without a scheduler address a local cluster is started: worker processes (one thread each),
no dashboard, listening on the loopback interface only. Workers of a remote cluster need this
package installed (the same version); they do not need the database.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import ConfigError, InputError
from .screenfile import Chunk, Pool, PoolFactory, Row, ScreenJob, screen_chunk

CONNECT_TIMEOUT = 10.0  # seconds to reach a scheduler given by address
AHEAD = 3  # windows in flight beyond the one being written


class _DaskPool:
    def __init__(self, client: Any, job: Any, workers: int) -> None:
        self.client = client
        self.job = job  # the future of the scattered job, held by every worker
        self.workers = workers

    def submit(self, chunks: list[Chunk]) -> Callable[[], list[list[Row]]]:
        futures = [
            self.client.submit(screen_chunk, self.job, chunk, pure=False) for chunk in chunks
        ]

        def wait() -> list[list[Row]]:
            from concurrent.futures import CancelledError

            from distributed import KilledWorker

            try:
                done: list[list[Row]] = self.client.gather(futures)
            except (KilledWorker, CancelledError, OSError, TimeoutError) as exc:
                # A worker died or the scheduler went away: nothing was written past the
                # rows already out, and the user is told which cluster failed.
                raise ConfigError(
                    f"Dask cluster at {self.client.scheduler.address}: lost while screening "
                    f"({type(exc).__name__}: {str(exc)[:160]})"
                ) from exc
            return done

        return wait


def _workers(client: Any) -> int:
    """Threads across the cluster's workers: each can screen one chunk at a time."""
    info = client.scheduler_info()["workers"].values()
    return max(1, sum(int(w.get("nthreads", 1)) for w in info))


@contextmanager
def dask_pools(scheduler: str | None, workers: int | None) -> Iterator[PoolFactory]:
    """A connection to the cluster (`scheduler`'s, or a local one of `workers` processes)
    for as long as the block runs; it yields what makes the pool of one screening job."""
    client, cluster = _connect(scheduler, workers)
    try:

        @contextmanager
        def pool(job: ScreenJob) -> Iterator[Pool]:
            [shared] = client.scatter([job], broadcast=True, hash=False)
            try:
                yield _DaskPool(client, shared, _workers(client))
            finally:
                client.cancel([shared])

        yield pool
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _connect(scheduler: str | None, workers: int | None) -> tuple[Any, Any]:
    try:
        from distributed import Client, LocalCluster
        from distributed.comm.addressing import parse_address
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise ConfigError(f"--engine dask needs dask[distributed] installed ({exc})") from exc
    if scheduler is None:
        n = workers or os.cpu_count() or 1
        if n < 1:
            raise InputError(f"--dask-workers: {n} is not a positive number")
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            # No dashboard; the scheduler's plain HTTP routes (health, metrics) still listen:
            # on the loopback interface, at a free port (not 8787, which another may hold).
            dashboard_address="127.0.0.1:0",
            scheduler_kwargs={"dashboard": False},
            silence_logs=logging.ERROR,
        )
        return Client(cluster), cluster  # type: ignore[no-untyped-call]
    shown = scheduler[:200]
    try:
        parse_address(scheduler if "://" in scheduler else f"tcp://{scheduler}")
        host = scheduler.rsplit("://", 1)[-1]
        if not host or ":" not in host:
            raise ValueError("no port")
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"--scheduler: {shown!r} is not a Dask scheduler address (tcp://HOST:PORT)"
        ) from exc
    try:
        client = Client(  # type: ignore[no-untyped-call]
            scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False
        )
    except (OSError, TimeoutError) as exc:
        raise ConfigError(
            f"--scheduler {shown}: no Dask scheduler answered within {CONNECT_TIMEOUT:g} s "
            f"({type(exc).__name__})"
        ) from exc
    return client, None
