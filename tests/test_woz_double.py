"""The test double honours openapi.yaml: every answer is checked against the spec's schema
for its operation and status (strict: no property the spec does not define)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import yaml
from woz_double import PREFIX, Fault, WozDouble, seed_objects
from woz_double.fixtures import API_KEY, clock, make_double, pki  # noqa: F401

SPEC = yaml.safe_load((Path(__file__).parent / "woz_double" / "data" / "openapi.yaml").read_text())


def strict(node: Any) -> Any:
    """Resolve ``$ref``, merge ``allOf`` and forbid undeclared properties."""
    if isinstance(node, list):
        return [strict(x) for x in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return strict(SPEC["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]])
    if "allOf" in node:
        props: dict[str, Any] = {}
        required: list[str] = []
        for part in node["allOf"]:
            r = strict(part)
            props.update(r.get("properties", {}))
            required += r.get("required", [])
        out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
        if required:
            out["required"] = required
        return out
    out = {k: strict(v) for k, v in node.items() if k != "example"}
    if "properties" in out:
        out["properties"] = {k: strict(v) for k, v in node["properties"].items()}
        out.setdefault("additionalProperties", False)
    return out


def response_schema(path: str, status: int) -> tuple[dict[str, Any], str, dict[str, Any]]:
    op = SPEC["paths"][path]["get"]
    resp = op["responses"].get(str(status))
    if resp is None:  # 429 / 503: the gateway's, not in the WOZ spec; Foutbericht shape
        return strict({"$ref": "#/components/schemas/Foutbericht"}), "application/problem+json", {}
    ((ctype, media),) = resp["content"].items()
    return strict(media["schema"]), ctype, resp.get("headers", {})


def check(resp: httpx.Response, path: str) -> Any:
    schema, ctype, headers = response_schema(path, resp.status_code)
    assert resp.headers["content-type"] == ctype
    assert resp.headers["api-version"] == "1.0.0"
    for name in headers:
        if name.startswith("X-Pagination"):
            assert int(resp.headers[name]) >= 1
    body = resp.json()
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(body)
    return body


RAADPLEEG = "/wozobjecten/{identificatie}"
ZOEK = "/wozobjecten"


@pytest.fixture
def api(make_double):  # noqa: F811
    double: WozDouble = make_double(generated=45, tls=False, per_minute=1000, per_day=10000)
    with httpx.Client(
        base_url=double.base_url, headers={"X-Api-Key": API_KEY, "Accept": "application/hal+json"}
    ) as c:
        yield double, c


def test_strict_schema_catches_an_undeclared_property():
    schema, _, _ = response_schema(RAADPLEEG, 200)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"identificatie": "1", "wozobjectnummer": "1"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"identificatie": "1", "waarden": [{"peildatum": "x"}]}, schema)


def test_every_sample_object_matches_the_contract(api):
    _, c = api
    objects = seed_objects()
    assert len(objects) == 14  # 15 in the file, 800000003118 twice
    for obj in objects:
        body = check(c.get(f"/wozobjecten/{obj['identificatie']}"), RAADPLEEG)
        assert body["identificatie"] == obj["identificatie"]
        href = body["_links"]["self"]["href"]
        assert href.endswith(f"{PREFIX}/wozobjecten/{obj['identificatie']}")


def test_search_pages_links_and_headers(api):
    _, c = api
    r = c.get("/wozobjecten", params={"rsin": "123456782", "pageSize": 20})
    body = check(r, ZOEK)
    assert r.headers["X-Pagination-Page"] == "1" and r.headers["X-Pagination-Limit"] == "20"
    assert len(body["_embedded"]["wozObjecten"]) == 20
    assert "next" in body["_links"] and "previous" not in body["_links"]
    r = c.get("/wozobjecten", params={"rsin": "123456782", "pageSize": 20, "page": 3})
    body = check(r, ZOEK)
    assert len(body["_embedded"]["wozObjecten"]) == 5
    assert "next" not in body["_links"] and "page=2" in body["_links"]["previous"]["href"]
    r = c.get("/wozobjecten", params={"rsin": "123456782", "pageSize": 20, "page": 4})
    body = check(r, ZOEK)
    assert r.status_code == 400
    assert body["invalidParams"][0]["code"] == "page"


def test_no_match_is_200_with_empty_embedded_object(api):
    _, c = api
    r = c.get("/wozobjecten", params={"postcode": "9999ZZ", "huisnummer": 1})
    assert r.status_code == 200
    assert check(r, ZOEK)["_embedded"] == {}


@pytest.mark.parametrize(
    ("params", "matches"),
    [
        ({"postcode": "2391PH", "huisnummer": 1}, ["999900010002", "999900010003"]),
        (
            {"postcode": "2391PH", "huisnummer": 1, "huisletter": "a", "huisnummertoevoeging": "3"},
            ["999900010002", "999900010003"],
        ),
        ({"postcode": "2391PH", "huisnummer": 1, "huisletter": "B"}, []),
        ({"nummeraanduidingIdentificatie": "0518200000606388"}, ["800000014669"]),
        ({"adresseerbaarObjectIdentificatie": "0518010000609764"}, ["800012345678"]),
        ({"postcode": "8621AC", "huisnummer": 2}, ["800000200021", "800000200022"]),
    ],
)
def test_search_entries_match_as_the_features_say(api, params, matches):
    _, c = api
    body = check(c.get("/wozobjecten", params=params), ZOEK)
    got = [o["identificatie"] for o in body["_embedded"].get("wozObjecten", [])]
    assert got == matches


def test_fields_keeps_identificatie_and_self_link(api):
    _, c = api
    r = c.get(
        "/wozobjecten/800000014669",
        params={"fields": "waarden.vastgesteldeWaarde,aanduiding.postcode"},
    )
    body = check(r, RAADPLEEG)
    assert set(body) == {"identificatie", "waarden", "aanduiding", "_links"}
    assert body["aanduiding"] == {"postcode": "2517GN"}
    assert set(body["_links"]) == {"self"}
    assert [w["vastgesteldeWaarde"] for w in body["waarden"]] == [195000, 176000, 152000, 164000]


@pytest.mark.parametrize(
    ("path", "params", "status", "code", "names"),
    [
        ("/wozobjecten", {}, 400, "paramsRequired", []),
        ("/wozobjecten", {"bestaatniet": "1"}, 400, "paramsRequired", []),
        (
            "/wozobjecten",
            {"rsin": "123456782", "kvkNummer": "12345678"},
            400,
            "unsupportedCombi",
            [],
        ),
        ("/wozobjecten", {"postcode": "2517GN"}, 400, "paramsCombination", ["huisnummer"]),
        ("/wozobjecten", {"rsin": ""}, 400, "paramsValidation", ["rsin"]),
        (
            "/wozobjecten",
            {"postcode": "2517 gn", "huisnummer": "A"},
            400,
            "paramsValidation",
            ["postcode", "huisnummer"],
        ),
        (
            "/wozobjecten",
            {"rsin": "123456782", "pageSize": "101", "page": "0"},
            400,
            "paramsValidation",
            ["page", "pageSize"],
        ),
        (
            "/wozobjecten",
            {"rsin": "123456782", "fields": "bestaatniet"},
            400,
            "paramsValidation",
            ["fields"],
        ),
        ("/wozobjecten/800000014669", {"fields": ""}, 400, "paramsValidation", ["fields"]),
        ("/wozobjecten/1", {}, 400, "paramsValidation", ["identificatie"]),
        ("/wozobjecten/123456789012", {}, 404, "notFound", []),
    ],
)
def test_errors_are_problem_json_with_codes(api, path, params, status, code, names):
    _, c = api
    r = c.get(path, params=params)
    assert r.status_code == status
    spec_path = ZOEK if path == "/wozobjecten" else RAADPLEEG
    body = check(r, spec_path)
    assert body["code"] == code and body["status"] == status
    assert sorted(p["name"] for p in body.get("invalidParams", [])) == sorted(names)


def test_auth_accept_limits_and_faults(make_double):  # noqa: F811
    double = make_double(tls=False, per_minute=2)
    with httpx.Client(base_url=double.base_url) as c:
        r = c.get("/wozobjecten/800000014669")
        assert r.status_code == 401 and check(r, RAADPLEEG)["code"] == "authentication"
        h = {"X-Api-Key": API_KEY}
        r = c.get("/wozobjecten/800000014669", headers={**h, "Accept": "text/html"})
        assert r.status_code == 406 and check(r, RAADPLEEG)["code"] == "notAcceptable"
        r = c.get("/wozobjecten/800000014669", headers=h)
        assert r.status_code == 200 and r.headers["X-Rate-Limit-Remaining"] == "0"
        r = c.get("/wozobjecten/800000014669", headers=h)
        assert r.status_code == 429 and check(r, RAADPLEEG)["status"] == 429
        assert int(r.headers["X-Rate-Limit-Reset"]) <= 60
    double2 = make_double(tls=False)
    double2.inject("500", "503", Fault("drop"))
    with httpx.Client(base_url=double2.base_url, headers={"X-Api-Key": API_KEY}) as c:
        assert check(c.get("/wozobjecten/800000014669"), RAADPLEEG)["code"] == "serverError"
        assert check(c.get("/wozobjecten/800000014669"), RAADPLEEG)["code"] == "sourceUnavailable"
        with pytest.raises(httpx.RemoteProtocolError):
            c.get("/wozobjecten/800000014669")
