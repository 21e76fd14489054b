"""Asynchronous bulk screening jobs (`POST /v1/jobs/screen`, issue 18). Mixed into
`Screening`."""

from __future__ import annotations


class JobOps:
    """Use cases of asynchronous screening jobs."""
