"""pytest fixtures for the WOZ tests: a throwaway CA, the double over TLS, a fake clock.

Test modules import the fixtures they use by name (``from woz_double.fixtures import ...``).
"""

from __future__ import annotations

import datetime as dt
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme

from pipeline.woz.config import WozConfig, load_config
from woz_double import DoubleConfig, WozDouble

API_KEY = "test-key"
#: A Tuesday in winter; 23:00 Amsterdam is 22:00 UTC.
T0 = dt.datetime(2026, 1, 13, 9, 0, tzinfo=dt.UTC)


class FakeClock:
    """A clock whose ``sleep`` advances it instantly; shared by client and double."""

    def __init__(self, start: dt.datetime = T0) -> None:
        self._now = start
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self._now += dt.timedelta(seconds=max(0.0, seconds))

    def advance(self, **kw: float) -> None:
        with self._lock:
            self._now += dt.timedelta(**kw)

    def set(self, t: dt.datetime) -> None:
        with self._lock:
            self._now = t


@dataclass(frozen=True)
class Pki:
    ca: trustme.CA
    ca_bundle: Path
    client_cert: Path  # certificate chain (PEM)
    client_key: Path
    other_ca_bundle: Path  # a CA that did not issue the server's certificate
    server: trustme.LeafCert

    def server_context(self, require_client_cert: bool = True) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.server.configure_cert(ctx)
        if require_client_cert:
            self.ca.configure_trust(ctx)
            ctx.verify_mode = ssl.CERT_REQUIRED
        return ctx


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    d = tmp_path_factory.mktemp("pki")
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(d / "ca.pem"))
    client = ca.issue_cert(common_name="wws-batch test client", organization_name="Corporatie")
    client.private_key_pem.write_to_path(str(d / "client.key"))
    with open(d / "client.pem", "wb") as fh:
        for blob in client.cert_chain_pems:
            fh.write(blob.bytes())
    trustme.CA().cert_pem.write_to_path(str(d / "other-ca.pem"))
    server = ca.issue_cert("localhost", "127.0.0.1")
    return Pki(ca, d / "ca.pem", d / "client.pem", d / "client.key", d / "other-ca.pem", server)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_double(pki: Pki) -> Iterator[Callable[..., WozDouble]]:
    """Start doubles: ``make_double(tls=True, mtls=True, generated=0, clock=..., **config)``."""
    started: list[WozDouble] = []

    def make(
        *,
        tls: bool = True,
        mtls: bool = True,
        generated: int = 0,
        objects: Any = None,
        clock: Callable[[], dt.datetime] | None = None,
        **config: Any,
    ) -> WozDouble:
        kw: dict[str, Any] = {}
        if clock is not None:
            kw["clock"] = clock
        double = WozDouble(
            objects=objects,
            generated=generated,
            config=DoubleConfig(**config),
            server_ssl=pki.server_context(mtls) if tls else None,
            **kw,
        )
        started.append(double.start())
        return double

    yield make
    for d in started:
        d.stop()


def client_config(double: WozDouble, pki: Pki, **overrides: Any) -> WozConfig:
    """A config for ``double``: its URL, the test key, the client certificate when TLS."""
    values: dict[str, Any] = {
        "base_url": double.base_url,
        "api_key": API_KEY,
        "connect_timeout": 5.0,
        "read_timeout": 5.0,
        "backoff_base": 0.5,
        "backoff_cap": 4.0,
    }
    if double.server_ssl is not None:
        values.update(
            ca_bundle=str(pki.ca_bundle),
            client_cert=str(pki.client_cert),
            client_key=str(pki.client_key),
        )
    values.update(overrides)
    values = {k: v for k, v in values.items() if v is not None}
    return load_config(env={}, **values)
