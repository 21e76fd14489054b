"""Reading request bodies under the upload size limit, without holding more than the limit."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, UploadFile

from ..errors import InputError, TooLargeError
from .deps import SettingsDep


async def read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLargeError(f"upload of {declared} bytes is over the {limit}-byte limit")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLargeError(f"upload is over the {limit}-byte limit")
        chunks.append(chunk)
    body = b"".join(chunks)
    if not body.strip():
        raise InputError("the upload is empty")
    return body


async def raw_body(request: Request, settings: SettingsDep) -> bytes:
    """A route's raw body (CSV or a JSON array), received on the event loop under the size
    limit, so that the route itself can be a plain `def` that runs in the thread pool."""
    return await read_limited(request, settings.max_upload_bytes)


RawBody = Annotated[bytes, Depends(raw_body)]


def read_upload(upload: UploadFile, limit: int) -> tuple[bytes, str]:
    """A multipart file's bytes and name, refused past `limit` bytes (for plain `def` routes:
    the spooled file is read in the thread pool)."""
    name = upload.filename or "upload"
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise TooLargeError(f"{name}: upload is over the {limit}-byte limit")
    return data, name
