"""Configuration of WOZ API access: a TOML file, then environment variables (env wins).

The file holds a ``[woz]`` table (or the same keys at top level)::

    [woz]
    base_url = "https://api.kadaster.nl/lvwoz-eto/huidigebevragingen"
    api_key = "..."            # better: WWS_WOZ_API_KEY
    client_cert = "/etc/wws/pkio-client.pem"
    client_key = "/etc/wws/pkio-client.key"
    ca_bundle = "/etc/wws/kadaster-ca.pem"
    per_minute = 35
    per_day = 10000

Secrets (``api_key``, ``client_key_password``) are ``SecretStr``: their repr and str
are masked, so logging a config object never leaks them.
"""

from __future__ import annotations

import os
import ssl
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from pipeline.woz.errors import WozConfigError

#: Kadaster's published test environment (ETO: API key only, no client certificate).
ETO_BASE_URL = "https://api.kadaster.nl/lvwoz-eto/huidigebevragingen"
#: The terms of use (Kadaster product page): at most 35 requests a minute, 10,000 a day.
TERMS_PER_MINUTE = 35
TERMS_PER_DAY = 10_000

ENV = {
    "base_url": "WWS_WOZ_BASE_URL",
    "api_key": "WWS_WOZ_API_KEY",
    "client_cert": "WWS_WOZ_CLIENT_CERT",
    "client_key": "WWS_WOZ_CLIENT_KEY",
    "client_key_password": "WWS_WOZ_CLIENT_KEY_PASSWORD",
    "ca_bundle": "WWS_WOZ_CA_BUNDLE",
    "per_minute": "WWS_WOZ_PER_MINUTE",
    "per_day": "WWS_WOZ_PER_DAY",
}

_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


class WozConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str
    api_key: SecretStr
    client_cert: Path | None = None
    client_key: Path | None = None
    client_key_password: SecretStr | None = None
    ca_bundle: Path | None = None
    #: requests allowed in any window of ``window_seconds`` (terms: 35 a minute)
    per_minute: int = Field(TERMS_PER_MINUTE, ge=1, le=TERMS_PER_MINUTE)
    #: requests allowed per calendar day in Europe/Amsterdam (terms: 10,000)
    per_day: int = Field(TERMS_PER_DAY, ge=1, le=TERMS_PER_DAY)
    #: the per-minute window plus a safety margin for clock skew and network latency
    window_seconds: float = Field(61.0, ge=60.0)
    #: spread requests evenly (at least window/per_minute apart) instead of bursting
    spread: bool = True
    connect_timeout: float = Field(10.0, gt=0)
    read_timeout: float = Field(30.0, gt=0)
    #: retries after a 5xx, timeout or dropped connection (each retry is a counted request)
    max_retries: int = Field(4, ge=0, le=10)
    backoff_base: float = Field(2.0, ge=0)
    backoff_cap: float = Field(60.0, ge=0)
    #: search page size (1..100); every page is a counted request, so the maximum is best
    page_size: int = Field(100, ge=1, le=100)

    @field_validator("base_url")
    @classmethod
    def _url(cls, v: str) -> str:
        v = v.strip().rstrip("/")
        parts = urlsplit(v)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError(f"base_url must be an absolute https URL, got {v!r}")
        if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
            raise ValueError(
                "base_url must use https (plain http is only allowed on loopback, for tests)"
            )
        if parts.query or parts.fragment:
            raise ValueError("base_url must not carry a query or fragment")
        return v

    @field_validator("client_cert", "client_key", "ca_bundle")
    @classmethod
    def _exists(cls, v: Path | None) -> Path | None:
        if v is not None and not v.is_file():
            raise ValueError(f"file not found: {v}")
        return v

    def model_post_init(self, _ctx: Any) -> None:
        # a key without a certificate is a mistake; a certificate PEM may hold its own key
        if self.client_key is not None and self.client_cert is None:
            raise WozConfigError("client_key (WWS_WOZ_CLIENT_KEY) is set but client_cert is not")

    @property
    def mutual_tls(self) -> bool:
        return self.client_cert is not None

    def ssl_context(self) -> ssl.SSLContext:
        """The TLS context: the CA bundle (or the system store) and the client certificate."""
        ctx = ssl.create_default_context(
            cafile=str(self.ca_bundle) if self.ca_bundle is not None else None
        )
        if self.client_cert is not None:
            password = (
                self.client_key_password.get_secret_value()
                if self.client_key_password is not None
                else None
            )
            try:
                ctx.load_cert_chain(
                    str(self.client_cert),
                    str(self.client_key) if self.client_key is not None else None,
                    password,
                )
            except (ssl.SSLError, OSError) as exc:
                raise WozConfigError(
                    f"cannot load the client certificate {self.client_cert}: {exc}"
                ) from exc
        return ctx


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise WozConfigError(f"config file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise WozConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    section = data.get("woz", data)
    if not isinstance(section, dict):
        raise WozConfigError(f"config file {path}: [woz] must be a table")
    return dict(section)


def load_config(
    path: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    **overrides: Any,
) -> WozConfig:
    """Build the configuration: file < environment < explicit ``overrides``.

    Raises :class:`WozConfigError` with a message naming the setting and its env var;
    the message never contains a secret value.
    """
    env = os.environ if env is None else env
    values: dict[str, Any] = _read_file(Path(path)) if path is not None else {}
    for key, var in ENV.items():
        if env.get(var, "").strip() != "":
            values[key] = env[var].strip()
    values.update({k: v for k, v in overrides.items() if v is not None})
    missing = [k for k in ("base_url", "api_key") if not values.get(k)]
    if missing:
        names = ", ".join(f"{k} ({ENV[k]})" for k in missing)
        raise WozConfigError(f"WOZ API access is not configured: missing {names}")
    try:
        return WozConfig(**values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}"
            f"{' (' + ENV[str(e['loc'][0])] + ')' if e['loc'] and e['loc'][0] in ENV else ''}"
            f": {e['msg']}"
            for e in exc.errors(include_input=False)
        )
        raise WozConfigError(f"invalid WOZ configuration: {problems}") from None
