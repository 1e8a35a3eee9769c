"""``wws woz fetch | import | status`` end to end: a JSON Lines portfolio, the double over
mutual TLS configured through WWS_WOZ_* variables, a DuckDB file."""

from __future__ import annotations

import json

import duckdb
import pytest
from woz_double.fixtures import make_double, pki  # noqa: F401  (pytest fixtures)

from pipeline.woz.cli import main

DWELLINGS = [
    # sample objects of the spec: 800000014669 (values 2019: 195000, 2018: 176000) and
    # 800000823525 at 2211TS 8 (2019: 4310000)
    {"dwelling_id": "X1", "woz_object_number": "800000014669"},
    {"dwelling_id": "X2", "postcode": "2211 ts", "house_number": 8},
    {"dwelling_id": "X3", "woz_value": 150000, "woz_valuation_year": 2019},
]


@pytest.fixture
def setup(make_double, pki, tmp_path, monkeypatch):  # noqa: F811
    double = make_double()
    portfolio = tmp_path / "portfolio.jsonl"
    portfolio.write_text(
        "".join(
            json.dumps({"kind": "independent", "house_type": "Eengezinswoning",
                        "build_year": 1990, **d}) + "\n"
            for d in DWELLINGS
        )
    )
    cfg = tmp_path / "woz.toml"
    cfg.write_text("[woz]\nspread = false\napi_key = \"overridden-by-env\"\n")
    monkeypatch.setenv("WWS_WOZ_BASE_URL", double.base_url)
    monkeypatch.setenv("WWS_WOZ_API_KEY", "test-key")
    monkeypatch.setenv("WWS_WOZ_CLIENT_CERT", str(pki.client_cert))
    monkeypatch.setenv("WWS_WOZ_CLIENT_KEY", str(pki.client_key))
    monkeypatch.setenv("WWS_WOZ_CA_BUNDLE", str(pki.ca_bundle))
    return double, portfolio, cfg, tmp_path / "wws.duckdb"


def fetch(portfolio, db, cfg, *extra):
    return main(["woz", "fetch", str(portfolio), "--db", str(db), "--peildatum", "2020-06-01",
                 "--config", str(cfg), *extra])


def test_fetch_then_status(setup, capsys):
    double, portfolio, cfg, db = setup
    assert fetch(portfolio, db, cfg) == 0
    err = capsys.readouterr().err
    assert "2 of 2 dwellings looked up (2 found" in err
    assert "WOZ fetch: 1 done, 1 left" in err  # progress lines in a pipe
    con = duckdb.connect(str(db))
    got = con.execute(
        "SELECT dwelling_id, woz_object_number, valuation_year, woz_value FROM woz_values "
        "WHERE valuation_year = 2019 ORDER BY 1"
    ).fetchall()
    assert got == [("X1", "800000014669", 2019, 195000), ("X2", "800000823525", 2019, 4310000)]
    con.close()
    assert main(["woz", "status", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "2 of 10000 requests used" in out
    assert "api " in out and "2 dwellings, 2 WOZ objects" in out
    # a second run finds nothing to do and sends nothing
    assert fetch(portfolio, db, cfg) == 0
    assert len(double.answered()) == 2


def test_wrong_key_exits_5_with_a_clear_message(setup, capsys, monkeypatch):
    _, portfolio, cfg, db = setup
    monkeypatch.setenv("WWS_WOZ_API_KEY", "not-the-key")
    assert fetch(portfolio, db, cfg) == 5
    err = capsys.readouterr().err
    assert "401" in err and "WWS_WOZ_API_KEY" in err and "not-the-key" not in err


def test_missing_client_certificate_exits_5(setup, capsys, monkeypatch):
    _, portfolio, cfg, db = setup
    monkeypatch.delenv("WWS_WOZ_CLIENT_CERT")
    monkeypatch.delenv("WWS_WOZ_CLIENT_KEY")
    assert fetch(portfolio, db, cfg) == 5
    assert "requires a client certificate" in capsys.readouterr().err


def test_exhausted_quota_exits_4_and_says_when_to_resume(setup, capsys, monkeypatch):
    _, portfolio, cfg, db = setup
    monkeypatch.setenv("WWS_WOZ_PER_DAY", "1")
    assert fetch(portfolio, db, cfg) == 4
    err = capsys.readouterr().err
    assert "day quota of 1 requests" in err and "resume after" in err
    assert "1 of 2 dwellings looked up" in err


def test_missing_configuration_exits_2(setup, capsys, monkeypatch):
    _, portfolio, cfg, db = setup
    monkeypatch.delenv("WWS_WOZ_BASE_URL")
    assert fetch(portfolio, db, cfg) == 2
    assert "WWS_WOZ_BASE_URL" in capsys.readouterr().err


def test_import_then_status(tmp_path, capsys):
    f = tmp_path / "woz.csv"
    f.write_text("dwelling_id,valuation_year,value\nX3,2025,250000\nX4,2024,260000\n")
    db = tmp_path / "wws.duckdb"
    assert main(["woz", "import", str(f), "--db", str(db)]) == 0
    assert "imported 2 WOZ values" in capsys.readouterr().err
    assert main(["woz", "status", "--db", str(db)]) == 0
    assert "cached WOZ values: 2 (import 2)" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("dwelling_id,valuation_year,value\nX3,2025,\n")
    assert main(["woz", "import", str(bad), "--db", str(db)]) == 2
    assert "row 2, value=None" in capsys.readouterr().err


def test_registered_in_the_wws_command(tmp_path, capsys):
    pytest.importorskip("pipeline.cli")
    from pipeline.cli import main as wws_main

    f = tmp_path / "woz.csv"
    f.write_text("dwelling_id,valuation_year,value\nX3,2025,250000\n")
    assert wws_main(["woz", "import", str(f), "--db", str(tmp_path / "w.duckdb")]) == 0
