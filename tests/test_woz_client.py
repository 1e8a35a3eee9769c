"""The WOZ client against the test double over real HTTP(S) on loopback."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from woz_double import generated_number, generated_value
from woz_double.fixtures import (  # noqa: F401  (pytest fixtures)
    FakeClock,
    client_config,
    clock,
    make_double,
    pki,
)

from pipeline.woz import (
    WozAuthError,
    WozBadRequest,
    WozClient,
    WozQuotaExhausted,
    WozRateLimited,
    WozTlsError,
    WozUnavailable,
)
from pipeline.woz.ledger import AMSTERDAM


def ledger_count(client: WozClient) -> int:
    return client.ledger.con.execute("SELECT count(*) FROM woz_requests").fetchone()[0]


@pytest.fixture
def tls(make_double, pki, clock):  # noqa: F811
    double = make_double(generated=250, clock=clock.now)
    client = WozClient(
        client_config(double, pki), clock=clock.now, sleep=clock.sleep
    )
    yield double, client
    client.close()


def test_get_object_over_mutual_tls_returns_typed_values(tls):
    double, client = tls
    obj = client.get_object("800000014669")
    assert obj is not None
    assert obj.identificatie == "800000014669"
    assert obj.aanduiding.postcode == "2517GN"
    assert obj.aanduiding.huisnummer == 28
    assert obj.aanduiding.nummeraanduiding_identificatie == "0518200000606388"
    assert obj.adresseerbaar_object_identificaties == ["0518010000606389"]
    values = {v.waardepeildatum: v.value for v in obj.established_values()}
    assert values[dt.date(2019, 1, 1)] == 195000
    assert values[dt.date(2018, 1, 1)] == 176000
    # data minimisation: the client asks only for what it needs, no owner or user data
    assert obj.belanghebbende_eigenaar is None
    (rec,) = double.answered()
    assert rec.client_cert is True
    assert rec.query["fields"] == (
        "identificatie,aanduiding,adresseerbaarObjectIdentificaties,waarden"
    )
    assert ledger_count(client) == 1


def test_unknown_object_is_none_and_counted(tls):
    double, client = tls
    assert client.get_object("123456789012") is None
    assert [r.status for r in double.answered()] == [404]
    assert ledger_count(client) == 1


def test_search_follows_every_page_and_counts_each(tls):
    double, client = tls
    # every generated object has owner rsin 123456782: 250 results, pages of 100
    found = client.search(rsin="123456782")
    assert len(found) == 250
    assert len({o.identificatie for o in found}) == 250
    assert [r.query["page"] for r in double.answered()] == ["1", "2", "3"]
    assert ledger_count(client) == 3
    # sorted by postcode, then huisnummer (sortering.feature)
    keys = [(o.aanduiding.postcode, o.aanduiding.huisnummer) for o in found]
    assert keys == sorted(keys)


def test_search_without_match_is_empty_list(tls):
    _, client = tls
    assert client.search(nummeraanduidingIdentificatie="0000200000000000") == []


def test_lookup_uses_keys_in_contract_order(tls):
    double, client = tls
    i = 7
    res = client.lookup(
        {
            "woz_object_number": generated_number(i),
            "nummeraanduiding_id": f"0363200000{i:06d}",
            "postcode": "1000AB",
            "house_number": 8,
        }
    )
    assert res.outcome == "found" and res.key == "woz_object_number"
    assert res.obj.identificatie == generated_number(i)
    assert res.requests == 1
    # object number unknown: falls through to the nummeraanduiding search
    res = client.lookup(
        {"woz_object_number": "999999999999", "nummeraanduiding_id": f"0363200000{i:06d}"}
    )
    assert res.outcome == "found" and res.key == "nummeraanduiding_id" and res.requests == 2
    # address with a lower-case postcode and a space is normalised before sending
    res = client.lookup({"postcode": "1000 ab", "house_number": 8})
    assert res.outcome == "found" and res.obj.identificatie == generated_number(7)
    assert double.answered()[-1].query["postcode"] == "1000AB"
    v = {e.valuation_year: e.value for e in res.obj.established_values()}
    assert v[2025] == generated_value(7, 2025)


def test_lookup_shared_address_is_ambiguous_unless_the_bag_object_decides(tls):
    _, client = tls
    # 999900010002 and 999900010003 share address 2391PH 1 A 3 (README §1)
    res = client.lookup(
        {"postcode": "2391PH", "house_number": 1, "house_letter": "a", "house_number_addition": "3"}
    )
    assert res.outcome == "ambiguous"
    assert res.candidates == ("999900010002", "999900010003")
    res = client.lookup({"nummeraanduiding_id": "0484200002040489",
                         "adresseerbaar_object_id": "0484010002033602"})
    assert res.outcome == "found" and res.obj.identificatie == "999900010002"


def test_lookup_without_usable_key_sends_nothing(tls):
    double, client = tls
    assert client.lookup({"postcode": "12345", "house_number": None}).outcome == "no_key"
    assert client.lookup({"woz_object_number": "abc"}).outcome == "no_key"
    assert double.answered() == []


def test_lookup_not_found(tls):
    _, client = tls
    res = client.lookup({"postcode": "9999ZZ", "house_number": 1})
    assert res.outcome == "not_found" and res.requests == 1


def test_wrong_api_key_is_a_clear_auth_error(make_double, pki, clock):  # noqa: F811
    double = make_double(clock=clock.now)
    client = WozClient(client_config(double, pki, api_key="wrong"), clock=clock.now,
                       sleep=clock.sleep)
    with pytest.raises(WozAuthError) as ei:
        client.get_object("800000014669")
    assert ei.value.status == 401 and ei.value.code == "authentication"
    assert "WWS_WOZ_API_KEY" in str(ei.value)
    assert "wrong" not in str(ei.value)
    assert len(double.answered()) == 1  # 4xx: never retried


def test_forbidden_key_is_403_autorisation(make_double, pki, clock):  # noqa: F811
    double = make_double(clock=clock.now, forbidden_keys={"test-key"}, api_keys=set())
    client = WozClient(client_config(double, pki), clock=clock.now, sleep=clock.sleep)
    with pytest.raises(WozAuthError) as ei:
        client.search(postcode="2517GN", huisnummer=28)
    assert (ei.value.status, ei.value.code) == (403, "autorisation")


def test_missing_client_certificate_is_a_clear_tls_error(make_double, pki, clock):  # noqa: F811
    double = make_double(clock=clock.now)
    cfg = client_config(double, pki, client_cert=None, client_key=None)
    client = WozClient(cfg, clock=clock.now, sleep=clock.sleep)
    with pytest.raises(WozTlsError) as ei:
        client.get_object("800000014669")
    assert "WWS_WOZ_CLIENT_CERT" in str(ei.value)
    assert ledger_count(client) == 1  # counted, not retried
    assert double.answered() == []  # the double never saw a request


def test_untrusted_server_certificate_is_a_clear_tls_error(make_double, pki, clock):  # noqa: F811
    double = make_double(clock=clock.now)
    cfg = client_config(double, pki, ca_bundle=str(pki.other_ca_bundle))
    client = WozClient(cfg, clock=clock.now, sleep=clock.sleep)
    with pytest.raises(WozTlsError) as ei:
        client.get_object("800000014669")
    assert "WWS_WOZ_CA_BUNDLE" in str(ei.value)


@pytest.mark.parametrize("fault", ["500", "503", "drop"])
def test_transient_failures_are_retried_with_bounded_jittered_backoff(
    make_double, pki, fault  # noqa: F811
):
    fake = FakeClock()
    double = make_double(clock=fake.now)
    double.inject(fault, fault, fault)
    cfg = client_config(
        double, pki, backoff_base=1.0, backoff_cap=3.0, max_retries=4, spread=False
    )
    client = WozClient(cfg, clock=fake.now, sleep=fake.sleep)
    obj = client.get_object("800000014669")
    assert obj is not None and obj.identificatie == "800000014669"
    assert len(double.answered()) == 4
    assert ledger_count(client) == 4  # every attempt counted
    backoffs = fake.sleeps  # spread off and 4 requests in a 35 window: only backoffs
    assert len(backoffs) == 3
    # equal jitter: attempt n waits in [d/2, d] with d = min(cap, base * 2**n)
    for n, s in enumerate(backoffs):
        d = min(3.0, 1.0 * 2**n)
        assert d / 2 <= s <= d


def test_retries_are_bounded(make_double, pki, clock):  # noqa: F811
    double = make_double(clock=clock.now)
    double.inject(*["503"] * 10)
    client = WozClient(client_config(double, pki, max_retries=2), clock=clock.now,
                       sleep=clock.sleep)
    with pytest.raises(WozUnavailable) as ei:
        client.get_object("800000014669")
    assert ei.value.attempts == 3
    assert len(double.answered()) == 3


def test_slow_response_times_out_and_is_retried(make_double, pki, clock):  # noqa: F811
    from woz_double import Fault

    double = make_double(clock=clock.now)
    double.inject(Fault("slow", 1.0))
    cfg = client_config(double, pki, read_timeout=0.2)
    client = WozClient(cfg, clock=clock.now, sleep=clock.sleep)
    assert client.get_object("800000014669") is not None
    assert ledger_count(client) == 2


def test_bad_request_is_never_retried(tls):
    double, client = tls
    with pytest.raises(WozBadRequest) as ei:
        client.search(postcode="2517GN")  # huisnummer missing
    assert ei.value.code == "paramsCombination"
    assert [p.name for p in ei.value.invalid_params] == ["huisnummer"]
    assert len(double.answered()) == 1


def test_rate_429_stops_with_resume_time_and_blocks_later_requests(make_double, pki, clock):  # noqa: F811
    double = make_double(clock=clock.now)
    double.inject("429")
    client = WozClient(client_config(double, pki), clock=clock.now, sleep=clock.sleep)
    with pytest.raises(WozRateLimited) as ei:
        client.get_object("800000014669")
    assert ei.value.resume_at == clock.now() + dt.timedelta(seconds=30)  # X-Rate-Limit-Reset
    # a new client on the same ledger does not send while the block holds
    client2 = WozClient(client_config(double, pki), client.ledger.con, clock=clock.now,
                        sleep=clock.sleep)
    with pytest.raises(WozRateLimited):
        client2.get_object("800000014669")
    assert len(double.answered()) == 1
    clock.advance(seconds=31)
    assert client2.get_object("800000014669") is not None


def test_day_quota_429_stops_until_amsterdam_midnight(make_double, pki, clock):  # noqa: F811
    double = make_double(clock=clock.now, per_day=2, tls=False)
    client = WozClient(client_config(double, pki), clock=clock.now, sleep=clock.sleep)
    client.get_object("800000014669")
    with pytest.raises(WozQuotaExhausted) as ei:
        client.get_object("800000014669")  # the server's remaining hits 0 on this one
        client.get_object("800000014669")
    local = ei.value.resume_at.astimezone(AMSTERDAM)
    assert (local.date(), local.hour, local.minute) == (dt.date(2026, 1, 14), 0, 0)
    assert len(double.answered()) == 2


def test_ratelimit_header_spelling_and_retry_after_are_honoured(make_double, pki, clock):  # noqa: F811
    double = make_double(clock=clock.now, tls=False, per_minute=1, header_style="ratelimit",
                         retry_after=True)
    cfg = client_config(double, pki, spread=False)
    # a client that believes it may send 35 a minute meets a server that allows 1
    client = WozClient(cfg, clock=clock.now, sleep=clock.sleep)
    client.get_object("800000014669")
    clock.advance(seconds=12)
    with pytest.raises(WozRateLimited) as ei:
        client.get_object("800000014669")
    # Retry-After: the 48 s until the first request leaves the server's 60 s window
    assert ei.value.resume_at == clock.now() + dt.timedelta(seconds=48)
    assert client.last_rate_headers.limit == 1 and client.last_rate_headers.remaining == 0


def test_plain_http_is_refused_for_remote_hosts():
    from pipeline.woz import WozConfigError, load_config

    with pytest.raises(WozConfigError, match="https"):
        load_config(env={"WWS_WOZ_BASE_URL": "http://api.example.org/woz",
                         "WWS_WOZ_API_KEY": "k"})


def test_in_memory_ledger_when_no_database(make_double, pki, clock):  # noqa: F811
    double = make_double(clock=clock.now, tls=False)
    client = WozClient(client_config(double, pki), clock=clock.now, sleep=clock.sleep)
    assert isinstance(client.ledger.con, duckdb.DuckDBPyConnection)
    client.get_object("800000014669")
    assert ledger_count(client) == 1


def test_gzip_answers_are_read(make_double, pki, clock):  # noqa: F811
    double = make_double(clock=clock.now, gzip=True)
    client = WozClient(client_config(double, pki), clock=clock.now, sleep=clock.sleep)
    assert [o.identificatie for o in client.search(postcode="2391PH", huisnummer=1)] == [
        "999900010002",
        "999900010003",
    ]


def test_a_body_outside_the_contract_is_a_protocol_error(make_double, pki, clock):  # noqa: F811
    from pipeline.woz import WozProtocolError

    double = make_double(clock=clock.now, tls=False)
    double.inject("garbage")
    client = WozClient(client_config(double, pki), clock=clock.now, sleep=clock.sleep)
    with pytest.raises(WozProtocolError, match="does not match the contract"):
        client.search(postcode="2391PH", huisnummer=1)


def test_address_search_keeps_the_exact_address_among_letters_and_additions(
    make_double, pki, clock  # noqa: F811
):
    def obj(number, letter=None, addition=None):
        a = {"postcode": "1234AB", "huisnummer": 1}
        if letter:
            a["huisletter"] = letter
        if addition:
            a["huisnummertoevoeging"] = addition
        return {"identificatie": number, "aanduiding": a}

    objects = [obj("000000000001"), obj("000000000002", "A"), obj("000000000003", "A", "2")]
    double = make_double(clock=clock.now, tls=False, objects=objects)
    client = WozClient(client_config(double, pki), clock=clock.now, sleep=clock.sleep)
    assert len(client.search(postcode="1234AB", huisnummer=1)) == 3  # the API returns all
    for letter, addition, expected in [(None, None, "000000000001"), ("a", None, "000000000002"),
                                       ("A", "2", "000000000003")]:
        res = client.lookup({"postcode": "1234AB", "house_number": 1, "house_letter": letter,
                             "house_number_addition": addition})
        assert (res.outcome, res.obj.identificatie) == ("found", expected)
