"""Configuration (file + env, secrets masked) and the HAL models / value selection."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest

from pipeline.woz import WozConfigError, load_config
from pipeline.woz.models import established_values, parse_collection, parse_object

DATA = Path(__file__).parent / "woz_double" / "data" / "test-data.json"


def sample(number: str) -> dict:
    return next(o for o in json.loads(DATA.read_text()) if o["identificatie"] == number)


def test_env_wins_over_the_file_and_secrets_are_masked(tmp_path, caplog):
    f = tmp_path / "woz.toml"
    f.write_text(
        '[woz]\nbase_url = "https://api.kadaster.nl/lvwoz-eto/huidigebevragingen/"\n'
        'api_key = "file-secret"\nper_minute = 30\nper_day = 9000\nread_timeout = 12.5\n'
    )
    env = {"WWS_WOZ_API_KEY": "env-secret-123", "WWS_WOZ_PER_DAY": "5000"}
    cfg = load_config(f, env=env)
    assert cfg.api_key.get_secret_value() == "env-secret-123"
    assert (cfg.per_minute, cfg.per_day, cfg.read_timeout) == (30, 5000, 12.5)
    assert cfg.base_url == "https://api.kadaster.nl/lvwoz-eto/huidigebevragingen"
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("t").info("config %r %s", cfg, cfg)
    assert "env-secret-123" not in repr(cfg) + str(cfg) + caplog.text
    assert "file-secret" not in repr(cfg)


def test_missing_settings_name_their_environment_variables():
    with pytest.raises(WozConfigError) as ei:
        load_config(env={})
    assert "WWS_WOZ_BASE_URL" in str(ei.value) and "WWS_WOZ_API_KEY" in str(ei.value)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"WWS_WOZ_PER_MINUTE": "36"}, "WWS_WOZ_PER_MINUTE"),
        ({"WWS_WOZ_PER_DAY": "10001"}, "WWS_WOZ_PER_DAY"),
        ({"WWS_WOZ_PER_DAY": "many"}, "WWS_WOZ_PER_DAY"),
        ({"WWS_WOZ_CLIENT_CERT": "/nonexistent/cert.pem"}, "file not found"),
        ({"WWS_WOZ_BASE_URL": "ftp://x"}, "https"),
    ],
)
def test_invalid_settings_are_refused(env, message):
    base = {"WWS_WOZ_BASE_URL": "https://api.example.nl/woz", "WWS_WOZ_API_KEY": "sekrit"}
    with pytest.raises(WozConfigError, match=message) as ei:
        load_config(env={**base, **env})
    assert "sekrit" not in str(ei.value)


def test_bad_toml_is_a_config_error(tmp_path):
    f = tmp_path / "woz.toml"
    f.write_text("[woz\n")
    with pytest.raises(WozConfigError, match="not valid TOML"):
        load_config(f, env={})


def test_established_values_follow_the_proxy_rule():
    # 999900010001: the 2021 value's only decision was annulled -> no value for 2021;
    # 2022 is in objection (bezwaar_ingediend)
    obj = parse_object(sample("999900010001"))
    vals = {v.waardepeildatum.year: v for v in obj.established_values()}
    assert sorted(vals) == [2016, 2017, 2018, 2019, 2020, 2022]
    assert vals[2022].value == 1300000 and vals[2022].in_objection is True
    assert vals[2020].value == 1057000 and vals[2020].in_objection is False


def test_same_peildatum_twice_keeps_the_latest_ingangsdatum_unless_annulled():
    obj = parse_object(
        {
            "identificatie": "000000000001",
            "waarden": [
                {"vastgesteldeWaarde": 100, "waardepeildatum": "2024-01-01",
                 "ingangsdatum": "2025-01-01", "beschikkingsStatussen": ["beschikking_genomen"]},
                {"vastgesteldeWaarde": 200, "waardepeildatum": "2024-01-01",
                 "ingangsdatum": "2025-06-01", "beschikkingsStatussen": ["beschikking_genomen"]},
                {"vastgesteldeWaarde": 300, "waardepeildatum": "2023-01-01",
                 "ingangsdatum": "2024-06-01",
                 "beschikkingsStatussen": ["beschikking_vernietigd"]},
                {"vastgesteldeWaarde": 250, "waardepeildatum": "2023-01-01",
                 "ingangsdatum": "2024-01-01", "beschikkingsStatussen": ["beschikking_herzien"]},
            ],
        }
    )
    got = [(v.waardepeildatum, v.value) for v in established_values(obj.waarden)]
    assert got == [(dt.date(2024, 1, 1), 200), (dt.date(2023, 1, 1), 250)]


def test_empty_embedded_is_no_objects_and_unknown_properties_are_ignored():
    assert parse_collection({"_links": {"self": {"href": "x"}}, "_embedded": {}}).objects == []
    coll = parse_collection(
        {"_embedded": {"wozObjecten": [{"identificatie": "800000014669", "nieuw": 1}]},
         "_links": {"self": {"href": "x"}, "next": {"href": "y"}}}
    )
    assert [o.identificatie for o in coll.objects] == ["800000014669"]
    assert coll.links.next.href == "y"
