"""One error family. Nothing here knows about HTTP status codes or exit codes: the API maps these
to responses (`api/app.py`) and the CLI to exit codes (`cli.py`)."""

from __future__ import annotations


class ScreeningError(Exception):
    """Base of every error a user may see; `detail` is the sentence shown to them."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InputError(ScreeningError):
    """The user's input (a file, an argument, a request body) cannot be used."""


class TooLargeError(InputError):
    """An upload or a request is over a size, row or depth limit."""


class NotFoundError(ScreeningError):
    """A named thing (source, entity, snapshot) does not exist."""


class FetchError(ScreeningError):
    """Downloading a publisher's file failed (network, HTTP status, size, wrong content)."""


class ParseError(ScreeningError):
    """A publisher's file does not have the layout its parser knows; nothing was loaded from it."""


class RefreshRejected(ScreeningError):
    """A refresh produced data that failed a sanity check (empty, or far smaller than before)."""


class ConfigError(ScreeningError):
    """The service's settings are unusable."""


class AuthError(ScreeningError):
    """No key, or a key that is unknown, malformed or revoked (all alike to the caller)."""


class ForbiddenError(ScreeningError):
    """The caller's role does not allow this."""
