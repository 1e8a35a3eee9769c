"""Exceptions of the WOZ client. Callers branch on the class, never on message text.

Every error that stops fetching says what to do next; the ones caused by limits say
when fetching can resume (``resume_at``, an aware datetime).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class WozError(Exception):
    """Base class of everything this package raises on purpose."""


class WozConfigError(WozError):
    """The configuration is incomplete or invalid (nothing was sent)."""


class WozTlsError(WozError):
    """The TLS connection could not be set up: untrusted server certificate, or the
    server refused our client certificate (or its absence). Not retried."""


class WozLimitError(WozError):
    """Base of the limit errors: fetching stops and may resume at ``resume_at``."""

    def __init__(self, message: str, resume_at: dt.datetime) -> None:
        super().__init__(message)
        self.resume_at = resume_at


class WozQuotaExhausted(WozLimitError):
    """The day quota (Europe/Amsterdam calendar day) is used up, counted locally in the
    ledger or signalled by the server. Resume after the next local midnight."""


class WozRateLimited(WozLimitError):
    """The server answered 429 for the per-minute window."""


class WozUnavailable(WozError):
    """5xx, timeouts or dropped connections persisted through every retry."""

    def __init__(self, message: str, attempts: int) -> None:
        super().__init__(message)
        self.attempts = attempts


@dataclass(frozen=True)
class InvalidParam:
    name: str | None
    code: str | None
    reason: str | None


@dataclass
class WozApiError(WozError):
    """A problem+json answer (or a non-JSON error answer) that is not retried.

    ``status`` and ``code`` are what to branch on; ``title`` is for people only.
    """

    status: int
    code: str | None
    title: str | None = None
    detail: str | None = None
    invalid_params: list[InvalidParam] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self._message())

    def _message(self) -> str:
        hint = {
            401: "the API key was refused: check WWS_WOZ_API_KEY (or api_key in the config)",
            403: "this API key / certificate is not authorised for this operation",
            406: "the server cannot produce application/hal+json",
        }.get(self.status, "")
        parts = [f"WOZ API answered {self.status}"]
        if self.code:
            parts.append(f"code={self.code}")
        text = " ".join(parts)
        if self.detail or self.title:
            text += f": {self.detail or self.title}"
        if self.invalid_params:
            text += " [" + "; ".join(
                f"{p.name}: {p.reason or p.code}" for p in self.invalid_params
            ) + "]"
        if hint:
            text += f" ({hint})"
        return text

    def __str__(self) -> str:  # dataclass would otherwise replace Exception.__str__
        return self._message()


class WozAuthError(WozApiError):
    """401 ``authentication`` or 403 ``autorisation``: stop, fix the credentials."""


class WozBadRequest(WozApiError):
    """400: the request itself is wrong (a bug or an invalid lookup key)."""


class WozProtocolError(WozError):
    """A 200 answer that is not the HAL JSON of ``openapi.yaml``."""
