"""Shared set-up for the report tests (imported by ``test_report_*.py``; no tests here).

- A small portfolio made from the worked examples of ``shared/spec/wws`` (their expected
  points and rents are printed in ``zelfstandig.md``, so the tests can assert the
  spec's numbers, not this code's output), written as JSON Lines and scored into a real
  DuckDB file through the real loading, scoring and store code.
- Headless Chromium (Debian's ``chromium``), installed with apt-get when missing and
  allowed; driven with Playwright (``playwright`` from PyPI, no browser download: it is
  pointed at ``/usr/bin/chromium``). Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.paths import SPEC_EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = SPEC_EXAMPLES
ARTIFACTS = ROOT / "test-artifacts"
PEILDATUM = dt.date(2026, 7, 1)

A, B, C, D, E = ("A_81065000089", "B_37101000032", "C_23109000031", "D_20002000126",
                 "E_max_33_procent")  # fmt: skip


def example(name: str, dwelling_id: str | None = None, **overrides) -> dict:
    body = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    body.update(overrides)
    body["dwelling_id"] = dwelling_id or name
    return body


def write_jsonl(path: Path, rows: list) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write((r if isinstance(r, str) else json.dumps(r)) + "\n")
    return path


def portfolio_v1(folder: Path) -> Path:
    """Run 1: A (144 pts, rent 900 < 939.73), A2 (A with rent 1000 > 939.73), B (284),
    C (163, rijksmonument +50 points), D (113, label F, rent 800 > 726.95), E (202), and
    two lines that validation rejects."""
    return write_jsonl(folder / "portfolio_v1.jsonl", [
        example(A, current_rent=900.0),
        example(A, "A2", current_rent=1000.0),
        example(B),
        example(C),
        example(D, current_rent=800.0),
        example(E),
        example(D, "BAD1", build_year="nineteen-ninety"),
        example(D, "BAD2", house_type="castle"),
    ])  # fmt: skip


def portfolio_v2(folder: Path) -> Path:
    """Run 2: C loses its lease date (zelfstandig.md: +35 % rent instead of +50 points:
    113 points, social, EUR 726.95 + 254.43 = 981.38), E is gone, F1 (a copy of D) is new."""
    c = example(C)
    c.pop("lease_signed_date")
    return write_jsonl(folder / "portfolio_v2.jsonl", [
        example(A, current_rent=900.0),
        example(A, "A2", current_rent=1000.0),
        example(B),
        c,
        example(D, current_rent=800.0),
        example(D, "F1"),
    ])  # fmt: skip


def score_into(db: Path, portfolio: Path) -> str:
    """``wws score PORTFOLIO --db DB --peildatum 2026-07-01``; the new run's id."""
    from pipeline.run import score_portfolio

    return score_portfolio(portfolio, db, PEILDATUM).run_id


@dataclass
class TwoRuns:
    db: Path
    folder: Path
    run1: str
    run2: str
    v1: Path
    v2: Path


def two_runs(folder: Path) -> TwoRuns:
    db = folder / "wws.duckdb"
    v1, v2 = portfolio_v1(folder), portfolio_v2(folder)
    r1 = score_into(db, v1)
    r2 = score_into(db, v2)
    return TwoRuns(db, folder, r1, r2, v1, v2)


def wws(*argv: str) -> int:
    """Run a report command through an argparse parser wired as pipeline/cli.py wires
    ``register`` (so the tests do not depend on that wiring being merged yet)."""
    import argparse

    from pipeline.report.cli import register
    from pipeline.run import ExitError

    parser = argparse.ArgumentParser(prog="wws")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    try:
        return int(args.func(args) or 0)
    except ExitError as exc:
        print(f"wws: {exc.message}")
        return exc.code


# --- browser ---------------------------------------------------------------------------

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def ensure_chromium() -> tuple[str | None, str]:
    """The Chromium binary, installing Debian's package when missing (as root). Returns
    (path or None, reason when None)."""
    path = find_chromium()
    if path:
        return path, ""
    if os.environ.get("WWS_NO_APT"):
        return None, "chromium is not installed and WWS_NO_APT forbids installing it"
    if shutil.which("apt-get") is None:
        return None, "chromium is not installed and there is no apt-get to install it"
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        return None, "chromium is not installed and apt-get needs root (make test installs it)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"],
                ["apt-get", "install", "-y", "-qq", "chromium"]):  # fmt: skip
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            return None, f"`{' '.join(cmd)}` failed: {done.stderr.strip()[-300:]}"
    path = find_chromium()
    return (path, "") if path else (None, "apt-get installed chromium but it is not on PATH")


@dataclass
class PageCheck:
    screenshot: Path
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests_outside: list[str] = field(default_factory=list)
    dom: dict = field(default_factory=dict)


_DOM_PROBE = """() => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')].map(p => ({
    id: p.id,
    svgs: p.querySelectorAll('svg.main-svg').length,
    bars: p.querySelectorAll('g.trace.bars path, g.barlayer path').length,
    width: p.getBoundingClientRect().width,
    height: p.getBoundingClientRect().height,
    shapes: p.querySelectorAll('g.shapelayer path').length,
    annotations: [...p.querySelectorAll('g.annotation text')].map(t => t.textContent),
    traces: (p.data || []).length,
  }));
  const text = id => {
    const e = document.getElementById(id);
    return e ? e.textContent.trim() : null;
  };
  return { plots, title: document.title, bodyText: document.body.innerText,
           ids: Object.fromEntries(['n-scored','n-social','n-mid','n-free','n-appeared',
             'n-disappeared','n-points-changed','n-sector-changed','total-points','max-rent',
             'max-rent-surcharge','sector','dwelling-id'].map(i => [i, text(i)])) };
}"""


def open_in_chromium(
    chromium: str, html: Path, shot: Path, *, full_page: bool = True, width: int = 1280
) -> PageCheck:
    """Open ``html`` (file://) in headless Chromium, wait for plotly, take a screenshot and
    return what the DOM holds, console errors, page errors and any request that left the
    file (the report must need no network)."""
    from playwright.sync_api import sync_playwright

    shot.parent.mkdir(parents=True, exist_ok=True)
    check = PageCheck(screenshot=shot)
    flags = [f for f in CHROMIUM_FLAGS if f != "--headless"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=flags)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on("console", lambda m: check.console_errors.append(m.text)
                    if m.type == "error" else None)  # fmt: skip
            page.on("pageerror", lambda e: check.page_errors.append(str(e)))
            local = ("file:", "data:", "blob:", "about:")
            page.on("request", lambda r: check.requests_outside.append(r.url)
                    if not r.url.startswith(local) else None)  # fmt: skip
            page.goto(html.resolve().as_uri(), wait_until="load")
            page.wait_for_timeout(300)
            check.dom = page.evaluate(_DOM_PROBE)
            page.screenshot(path=str(shot), full_page=full_page)
        finally:
            browser.close()
    return check


def require_chromium() -> str:
    """The Chromium binary for a test, or skip it with the reason (installs Debian's
    package first when it is missing and we are root)."""
    global _CHROMIUM
    if _CHROMIUM is None:
        _CHROMIUM = ensure_chromium()
    path, reason = _CHROMIUM
    if path is None:
        pytest.skip(f"no headless Chromium: {reason}")
    try:
        import playwright  # noqa: F401
    except ImportError:
        pytest.skip("playwright (PyPI) is not installed: pip install playwright")
    return path


_CHROMIUM: tuple[str | None, str] | None = None
