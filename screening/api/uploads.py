"""Reading request bodies under the upload size limit, without holding more than the limit."""

from __future__ import annotations

from fastapi import Request

from ..errors import InputError


class UploadTooLarge(InputError):
    """The upload is over the size limit (HTTP 413)."""


async def read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise UploadTooLarge(f"upload of {declared} bytes is over the {limit}-byte limit")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise UploadTooLarge(f"upload is over the {limit}-byte limit")
        chunks.append(chunk)
    body = b"".join(chunks)
    if not body.strip():
        raise InputError("the upload is empty")
    return body
