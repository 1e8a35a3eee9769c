# ruff: noqa: E501  (HTML templates below)
"""``wws statement``: the puntentelling of one dwelling, in Dutch, printable.

One model per dwelling (:func:`statement_models`, from the stored run) rendered as HTML
(:func:`render_html`, A4 print styles) or PDF (:func:`render_pdf`, fpdf2, pure Python).
Every rubriek of the dwelling's kind is listed with its lines (spaces, areas,
facilities, caps, rounding), then the total, the maximum rent, the surcharge and the
sector, with the legal references (Besluit huurprijzen woonruimte, Bijlage I onder A for
independent and onder B for non-independent dwellings).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from jinja2 import Environment

from pipeline import __version__
from pipeline.report import data as D
from pipeline.report.fmt import (
    SECTOR_NL,
    UNIT_NL,
    WOZ_SOURCE_NL,
    nl_money,
    nl_number,
    nl_points,
    trim,
)
from pipeline.run import ExitError
from schemas.lines import RUBRIEK_NUMBER, RUBRIEKEN

#: address columns read from ``scores`` when present (not in the contract yet)
ADDRESS_COLUMNS = ("postcode", "house_number", "house_letter", "house_number_addition",
                   "nummeraanduiding_id")  # fmt: skip

KIND_NL = {"independent": "Zelfstandige woonruimte", "non_independent": "Onzelfstandige woonruimte"}
ANNEX_PART = {"independent": "A", "non_independent": "B"}
RULES_KEY = {"independent": "independent", "non_independent": "non_independent"}
MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
             "september", "oktober", "november", "december")  # fmt: skip


def nl_date(d: dt.date | None) -> str:
    if d is None:
        return ""
    return f"{d.day} {MONTHS_NL[d.month - 1]} {d.year}"


def rules_date(rules: str | None, kind: str) -> dt.date | None:
    """The legal date of ``kind`` in a ``runs.rules`` value (``independent=2026-01-01;...``)."""
    for part in (rules or "").split(";"):
        key, _, value = part.partition("=")
        if key.strip() == RULES_KEY.get(kind):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                return None
    return None


def address_text(score: dict[str, Any]) -> str | None:
    pc, nr = score.get("postcode"), score.get("house_number")
    if not pc and nr is None:
        return None
    number = "" if nr is None else str(nr)
    if score.get("house_letter"):
        number += str(score["house_letter"])
    if score.get("house_number_addition"):
        number += "-" + str(score["house_number_addition"])
    parts = []
    if pc:
        pc = str(pc).replace(" ", "").upper()
        parts.append(f"{pc[:4]} {pc[4:]}" if len(pc) == 6 else pc)
    if number:
        parts.append(f"huisnummer {number}")
    return ", ".join(parts)


def rubriek_title(code: str) -> str:
    number = RUBRIEK_NUMBER.get(code, "")
    return f"Rubriek {number}" if number.isdigit() else (number or code)


def _qty(q: Any, unit: str | None) -> str:
    if q is None:
        return ""
    u = UNIT_NL.get(unit or "", unit or "")
    if unit == "EUR":
        return nl_money(q)
    if unit == "jaar":
        return trim(q)
    if unit == "EI":
        return f"EI {nl_number(q)}"
    if unit == "m2":
        return f"{nl_number(q, 2)} {u}"
    return f"{nl_number(q)} {u}".strip()


_BLOCK_ORDER = {b: i for i, b in enumerate(
    ("rooms", "kitchen", "sanitary", "toilet", "outdoor", "parking"))}  # fmt: skip
_REF = re.compile(r"(rooms|kitchen|sanitary|toilet|outdoor|parking)\[([^\]]*)\]")
_CAP = re.compile(r"\.(max_|maximum|maximering|minimum|monument_minimum)")


def line_order(line: str) -> tuple:
    """Statement order within a rubriek: valued spaces and facilities in input order
    (rooms, kitchen, sanitary, toilet, outdoor, parking; position), then caps and minimums,
    then the rounding corrections."""
    rank = 2 if ".afronding" in line else 1 if _CAP.search(line) else 0
    m = _REF.search(line)
    block = _BLOCK_ORDER[m.group(1)] if m else -1
    ref = m.group(2) if m else ""
    natural = (0, int(ref), "") if ref.isdigit() else (1, 0, ref)
    return (rank, block, natural, line)


def select_dwellings(
    con: duckdb.DuckDBPyConnection, run_id: str, *, where: str | None = None, all_: bool = False
) -> list[str]:
    """The dwelling ids of a batch: every scored dwelling of the run, or those matching a
    SQL condition on ``scores`` (read-only connection: the condition cannot write)."""
    if not all_ and not where:
        raise ExitError(2, "give a DWELLING_ID, --all or --where CONDITION")
    sql = "SELECT dwelling_id FROM scores WHERE run_id = $run"
    if where:
        sql += f" AND ({where})"
    try:
        rows = con.execute(sql + " ORDER BY dwelling_id", {"run": run_id}).fetchall()
    except duckdb.Error as exc:
        raise ExitError(2, f"--where {where!r} is not a valid condition on scores: {exc}") from exc
    return [r[0] for r in rows]


def statement_models(
    con: duckdb.DuckDBPyConnection, run: dict, dwelling_ids: list[str]
) -> list[dict[str, Any]]:
    """One model per dwelling (in the order given), read in three queries."""
    run_id = run["run_id"]
    ids = pl.DataFrame({"dwelling_id": dwelling_ids}, schema={"dwelling_id": pl.String})
    con.register("_wws_ids", ids.to_arrow())
    try:
        scores = D.frame(con, 
            "SELECT s.* FROM scores s JOIN _wws_ids USING (dwelling_id) WHERE s.run_id = ?",
            [run_id],
        )
        breakdown = D.frame(con, 
            "SELECT b.dwelling_id, rubriek, rubriek_name, points FROM breakdown b "
            "JOIN _wws_ids USING (dwelling_id) WHERE b.run_id = ?",
            [run_id],
        )
        lines = D.frame(con, 
            "SELECT l.dwelling_id, rubriek, line, label, quantity, unit, points "
            "FROM breakdown_lines l JOIN _wws_ids USING (dwelling_id) WHERE l.run_id = ? "
            "ORDER BY l.dwelling_id, rubriek, line",
            [run_id],
        )
    finally:
        con.unregister("_wws_ids")
    missing = set(dwelling_ids) - set(scores["dwelling_id"].to_list())
    if missing:
        first = sorted(missing)[0]
        rej = con.execute(
            "SELECT message FROM rejects WHERE run_id = ? AND dwelling_id = ?", [run_id, first]
        ).fetchall()
        if rej:
            msgs = "; ".join(r[0] for r in rej)
            raise ExitError(2, f"dwelling {first} was rejected in run {run_id}: {msgs}")
        raise ExitError(2, f"dwelling {first} is not in run {run_id}")
    by_id = {r["dwelling_id"]: r for r in scores.iter_rows(named=True)}
    bd: dict[str, dict[str, dict]] = {}
    for r in breakdown.iter_rows(named=True):
        bd.setdefault(r["dwelling_id"], {})[r["rubriek"]] = r
    ln: dict[str, dict[str, list[dict]]] = {}
    for r in lines.iter_rows(named=True):
        ln.setdefault(r["dwelling_id"], {}).setdefault(r["rubriek"], []).append(r)
    b = D.boundaries_for(run["peildatum"])
    return [
        _model(run, by_id[i], bd.get(i, {}), ln.get(i, {}), b)
        for i in dwelling_ids
    ]


def _model(
    run: dict, s: dict, points_by: dict[str, dict], lines: dict[str, list[dict]], b
) -> dict[str, Any]:
    kind = s["kind"]
    rubrieken = []
    for code, name in RUBRIEKEN.get(kind, {}).items():
        row = points_by.get(code)
        own = sorted(lines.get(code, []), key=lambda r: line_order(r["line"]))
        rubrieken.append(
            {
                "code": code,
                "title": rubriek_title(code),
                "name": row["rubriek_name"] if row else name,
                "points": row["points"] if row else Decimal(0),
                "lines": [
                    {
                        "label": r["label"],
                        "quantity": _qty(r["quantity"], r["unit"]),
                        "points": nl_number(Decimal(r["points"]).quantize(Decimal("0.01"))
                                            if r["points"] is not None else None, 2),
                    }
                    for r in own
                ],
            }
        )
    for code, row in points_by.items():  # a rubriek of another rule version: never hide it
        if code not in RUBRIEKEN.get(kind, {}):
            rubrieken.append({"code": code, "title": rubriek_title(code),
                              "name": row["rubriek_name"], "points": row["points"], "lines": []})  # fmt: skip
    legal = rules_date(run.get("rules"), kind)
    sector = s["sector"]
    limits = {
        "social": f"tot en met {b.social_max} punten",
        "mid": f"{b.mid_min} tot en met {b.mid_max} punten",
        "free": f"{b.free_min} punten of meer",
    }
    surcharge = s.get("surcharge_pct") or Decimal(0)
    return {
        "dwelling_id": s["dwelling_id"],
        "address": address_text(s),
        "bag_id": s.get("nummeraanduiding_id"),
        "kind": kind,
        "kind_nl": KIND_NL.get(kind, kind),
        "annex": ANNEX_PART.get(kind, "A"),
        "peildatum": nl_date(s["peildatum"]),
        "rules": run.get("rules") or "",
        "rules_date": nl_date(legal),
        "run_id": run["run_id"],
        "computed": nl_date(run["finished_at"].date()) if run.get("finished_at") else "",
        "scenario": run.get("scenario"),
        "status": run.get("status"),
        "rubrieken": [
            {**r, "points_nl": nl_points(r["points"])} for r in rubrieken
        ],
        "points_exact": nl_points(s["points_exact"]),
        "points": s["points"],
        "max_rent": nl_money(s["max_rent"]),
        "surcharge_pct": nl_number(surcharge) if surcharge else None,
        "surcharge_amount": (
            nl_money(s["max_rent_with_surcharge"] - s["max_rent"]) if surcharge else None
        ),
        "max_rent_with_surcharge": nl_money(s["max_rent_with_surcharge"]),
        "sector": sector,
        "sector_nl": SECTOR_NL.get(sector, sector),
        "sector_limits": (
            "onzelfstandige woonruimte valt altijd in het lage segment"
            if kind == "non_independent"
            else limits.get(sector, "")
        ),
        "woz_value": nl_money(s.get("woz_value_used")) if s.get("woz_value_used") else None,
        "woz_year": s.get("woz_valuation_year_used"),
        "woz_source": WOZ_SOURCE_NL.get(s.get("woz_source") or "", s.get("woz_source")),
        "current_rent": nl_money(s.get("current_rent")) if s.get("current_rent") is not None else None,
        "version": __version__,
        "engine": run.get("engine"),
    }


# --- HTML ------------------------------------------------------------------------------


_COMPILED = None


def render_html(m: dict[str, Any]) -> str:
    global _COMPILED
    if _COMPILED is None:  # compiled once: batch mode renders thousands
        env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
        _COMPILED = env.from_string(TEMPLATE)
    return _COMPILED.render(**m)


TEMPLATE = r"""<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Puntentelling {{ dwelling_id }}</title>
<style>
  @page { size: A4; margin: 16mm 14mm; }
  body { font-family: "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color:#111;
         font-size: 10.5pt; line-height: 1.35; max-width: 190mm; margin: 10mm auto; }
  h1 { font-size: 17pt; margin: 0 0 2px 0; }
  .sub { color:#444; margin-bottom: 10px; }
  table { border-collapse: collapse; width: 100%; }
  .facts td { padding: 2px 8px 2px 0; vertical-align: top; }
  .facts td:first-child { color:#444; width: 38%; }
  .rubriek { margin-top: 10px; break-inside: avoid; page-break-inside: avoid; }
  .rubriek h2 { font-size: 11pt; margin: 0; padding: 4px 6px; background: #e9eef2;
                display: flex; justify-content: space-between; }
  .rubriek td { padding: 2px 6px; border-bottom: 1px solid #e3e6e9; }
  td.q { text-align: right; white-space: nowrap; width: 22%; color:#333; }
  td.p { text-align: right; white-space: nowrap; width: 14%; font-variant-numeric: tabular-nums; }
  .none { color:#666; font-style: italic; }
  .totals { margin-top: 14px; border-top: 2px solid #111; break-inside: avoid; page-break-inside: avoid; }
  .totals td { padding: 4px 6px; }
  .totals td.p { font-weight: 600; width: 30%; }
  .big td { font-size: 12pt; font-weight: 700; }
  .legal { margin-top: 14px; font-size: 8.5pt; color: #333; border-top: 1px solid #999; padding-top: 6px; }
  .scenario { border: 2px solid #b00; color:#b00; padding: 4px 8px; margin: 6px 0; font-weight: 600; }
  @media print { body { margin: 0; max-width: none; } }
</style>
</head>
<body>
<h1>Puntentelling woonruimte</h1>
<div class="sub">Woningwaarderingsstelsel, Besluit huurprijzen woonruimte, Bijlage I onder {{ annex }}
({{ kind_nl|lower }})</div>
{% if status != "succeeded" %}
<div class="scenario">Let op: dit is geen vastgestelde berekening maar een
{% if scenario %}scenario ({{ scenario.name }}: {{ scenario.set_clause }}){% else %}berekening met status {{ status }}{% endif %}.</div>
{% endif %}
<table class="facts">
  <tr><td>Woning (eenheid)</td><td id="dwelling-id">{{ dwelling_id }}</td></tr>
  <tr><td>Adres</td><td>{% if address %}{{ address }}{% else %}<span class="none">niet vastgelegd in deze berekening (zie woning-id)</span>{% endif %}</td></tr>
  {% if bag_id %}<tr><td>BAG nummeraanduiding</td><td>{{ bag_id }}</td></tr>{% endif %}
  <tr><td>Soort woonruimte</td><td>{{ kind_nl }}</td></tr>
  <tr><td>Peildatum</td><td>{{ peildatum }}</td></tr>
  <tr><td>Regels</td><td>Bijlage I onder {{ annex }}{% if rules_date %}, zoals geldend vanaf {{ rules_date }}{% endif %}
      <span class="none">({{ rules }})</span></td></tr>
  <tr><td>Berekening</td><td>{{ run_id }}{% if computed %}, {{ computed }}{% endif %} (wws-batch {{ version }})</td></tr>
</table>

{% for r in rubrieken %}
<div class="rubriek" data-rubriek="{{ r.code }}">
  <h2><span>{{ r.title }} · {{ r.name }}</span><span class="rp">{{ r.points_nl }}</span></h2>
  <table>
  {% for l in r.lines %}
    <tr><td>{{ l.label }}</td><td class="q">{{ l.quantity }}</td><td class="p">{{ l.points }}</td></tr>
  {% else %}
    <tr><td class="none" colspan="3">geen punten</td></tr>
  {% endfor %}
  </table>
</div>
{% endfor %}

<table class="totals">
  <tr><td>Totaal van de rubrieken</td><td class="p">{{ points_exact }} punten</td></tr>
  <tr class="big"><td>Totaal, afgerond op hele punten</td><td class="p" id="total-points">{{ points }} punten</td></tr>
  <tr><td>Maximale huurprijs bij {{ points }} punten (kale huur per maand)</td><td class="p" id="max-rent">{{ max_rent }}</td></tr>
  {% if surcharge_pct %}
  <tr><td>Opslag op de maximale huurprijs (monument of nieuwbouw): {{ surcharge_pct }} %</td><td class="p">{{ surcharge_amount }}</td></tr>
  <tr class="big"><td>Maximale huurprijs inclusief opslag</td><td class="p" id="max-rent-surcharge">{{ max_rent_with_surcharge }}</td></tr>
  {% endif %}
  <tr><td>Huursegment</td><td class="p" id="sector">{{ sector_nl }} ({{ sector_limits }})</td></tr>
  {% if woz_value %}<tr><td>WOZ-waarde gebruikt{% if woz_year %} (waardepeildatum 1 januari {{ woz_year }}){% endif %}</td>
      <td class="p">{{ woz_value }}</td></tr>
  <tr><td>Bron WOZ-waarde</td><td class="p">{{ woz_source }}</td></tr>{% endif %}
  {% if current_rent %}<tr><td>Huidige kale huur</td><td class="p">{{ current_rent }}</td></tr>{% endif %}
</table>

<div class="legal">
  Deze puntentelling volgt het woningwaarderingsstelsel van het Besluit huurprijzen woonruimte,
  Bijlage I onder {{ annex }} ({{ kind_nl|lower }}); de rubrieknummers zijn die van deze bijlage.
  De punten per rubriek zijn afgerond op kwartpunten en het totaal op hele punten. De maximale
  huurprijs volgt uit de huurprijzentabel die op de peildatum geldt; het huursegment uit het
  puntentotaal (huurovereenkomsten vanaf 1 juli 2024). Een opslag voor een monument of nieuwbouw
  verandert het huursegment niet. Twijfelt u aan deze puntentelling, dan kunt u de Huurcommissie
  om een uitspraak vragen.
</div>
</body>
</html>
"""


# --- PDF -------------------------------------------------------------------------------


def _latin1(text: str) -> str:
    """The PDF's core font has no euro sign or arrows: spell them out."""
    text = text.replace("€ ", "EUR ").replace("€", "EUR").replace("·", "-").replace("–", "-")
    return text.encode("latin-1", "replace").decode("latin-1")


def render_pdf(m: dict[str, Any]) -> bytes:
    """The same statement as a PDF (fpdf2, core font Helvetica: amounts read ``EUR``)."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(14, 14, 14)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    nl = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}

    def row(cells: list[tuple[str, float, str]], bold: bool = False, fill: bool = False) -> None:
        pdf.set_font("helvetica", "B" if bold else "", 9.5)
        for i, (text, frac, align) in enumerate(cells):
            last = i == len(cells) - 1
            pdf.cell(width * frac, 5.5, _latin1(text), align=align, fill=fill,
                     **(nl if last else {}))  # fmt: skip

    pdf.set_font("helvetica", "B", 15)
    pdf.cell(0, 8, "Puntentelling woonruimte", **nl)
    pdf.set_font("helvetica", "", 9.5)
    pdf.cell(0, 5, _latin1(f"Woningwaarderingsstelsel, Besluit huurprijzen woonruimte, Bijlage I "
                           f"onder {m['annex']} ({m['kind_nl'].lower()})"), **nl)  # fmt: skip
    if m["status"] != "succeeded":
        pdf.set_text_color(176, 0, 0)
        what = f"scenario {m['scenario']['name']}" if m.get("scenario") else m["status"]
        pdf.cell(0, 6, _latin1(f"Let op: geen vastgestelde berekening ({what})."), **nl)
        pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    facts = [
        ("Woning (eenheid)", m["dwelling_id"]),
        ("Adres", m["address"] or "niet vastgelegd in deze berekening (zie woning-id)"),
        ("Soort woonruimte", m["kind_nl"]),
        ("Peildatum", m["peildatum"]),
        ("Regels", f"Bijlage I onder {m['annex']}"
                   + (f", zoals geldend vanaf {m['rules_date']}" if m["rules_date"] else "")),
        ("Berekening", f"{m['run_id']} {m['computed']} (wws-batch {m['version']})"),
    ]  # fmt: skip
    if m.get("bag_id"):
        facts.insert(2, ("BAG nummeraanduiding", m["bag_id"]))
    for k, v in facts:
        row([(k, 0.3, "L"), (v, 0.7, "L")])
    for r in m["rubrieken"]:
        keep = 5.5 * (min(len(r["lines"]), 2) + 1) + 1.5  # no heading alone at a page end
        if pdf.get_y() + keep > pdf.page_break_trigger:
            pdf.add_page()
        pdf.ln(1.5)
        pdf.set_fill_color(233, 238, 242)
        row([(f"{r['title']} - {r['name']}", 0.86, "L"), (r["points_nl"], 0.14, "R")],
            bold=True, fill=True)  # fmt: skip
        for line in r["lines"]:
            row([(line["label"], 0.64, "L"), (line["quantity"], 0.22, "R"),
                 (line["points"], 0.14, "R")])  # fmt: skip
        if not r["lines"]:
            row([("geen punten", 1.0, "L")])
    pdf.ln(3)
    totals = [
        ("Totaal van de rubrieken", f"{m['points_exact']} punten", False),
        ("Totaal, afgerond op hele punten", f"{m['points']} punten", True),
        (f"Maximale huurprijs bij {m['points']} punten (kale huur per maand)", m["max_rent"], False),
    ]
    if m["surcharge_pct"]:
        totals += [
            (f"Opslag (monument of nieuwbouw): {m['surcharge_pct']} %", m["surcharge_amount"], False),
            ("Maximale huurprijs inclusief opslag", m["max_rent_with_surcharge"], True),
        ]
    totals.append(("Huursegment", f"{m['sector_nl']} ({m['sector_limits']})", False))
    if m["woz_value"]:
        totals.append(("WOZ-waarde gebruikt", m["woz_value"], False))
    if m["current_rent"]:
        totals.append(("Huidige kale huur", m["current_rent"], False))
    for k, v, bold in totals:
        row([(k, 0.6, "L"), (v, 0.4, "R")], bold=bold)
    pdf.ln(4)
    pdf.set_font("helvetica", "", 7.5)
    pdf.multi_cell(0, 3.6, _latin1(
        f"Deze puntentelling volgt het woningwaarderingsstelsel van het Besluit huurprijzen "
        f"woonruimte, Bijlage I onder {m['annex']} ({m['kind_nl'].lower()}); de rubrieknummers "
        "zijn die van deze bijlage. De punten per rubriek zijn afgerond op kwartpunten en het "
        "totaal op hele punten. De maximale huurprijs volgt uit de huurprijzentabel die op de "
        "peildatum geldt; het huursegment uit het puntentotaal (huurovereenkomsten vanaf 1 juli "
        "2024). Twijfelt u aan deze puntentelling, dan kunt u de Huurcommissie om een uitspraak "
        "vragen."))  # fmt: skip
    return bytes(pdf.output())


# --- writing ---------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(dwelling_id: str) -> str:
    """A file name for a dwelling id (characters other than letters, digits, ``._-`` become
    ``_``)."""
    name = _UNSAFE.sub("_", dwelling_id).strip("._") or "dwelling"
    return name


def _write(path: Path, payload: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    if isinstance(payload, bytes):
        tmp.write_bytes(payload)
    else:
        tmp.write_text(payload, encoding="utf-8")
    tmp.replace(path)


def write_statements(
    db: str | Path,
    *,
    dwelling_id: str | None = None,
    run_id: str | None = None,
    out: str | Path | None = None,
    out_dir: str | Path | None = None,
    where: str | None = None,
    all_: bool = False,
    pdf: bool = False,
    batch_size: int = 2000,
) -> list[Path]:
    """Write one statement (``dwelling_id`` + ``out``) or one file per selected dwelling
    (``all_`` or ``where`` + ``out_dir``). Returns the files written."""
    con = D.connect(db)
    try:
        run = D.resolve_run(con, run_id)
        if dwelling_id is not None:
            if out is None:
                raise ExitError(2, "statement DWELLING_ID needs --out FILE")
            (m,) = statement_models(con, run, [dwelling_id])
            path = Path(out)
            _write(path, render_pdf(m) if pdf else render_html(m))
            return [path]
        if out_dir is None:
            raise ExitError(2, "--all / --where write one file per dwelling: give --out-dir DIR")
        ids = select_dwellings(con, run["run_id"], where=where, all_=all_)
        written: list[Path] = []
        used: dict[str, int] = {}
        suffix = ".pdf" if pdf else ".html"
        for start in range(0, len(ids), batch_size):
            for m in statement_models(con, run, ids[start : start + batch_size]):
                name = safe_name(m["dwelling_id"])
                n = used.get(name, 0)
                used[name] = n + 1
                path = Path(out_dir) / (f"{name}{suffix}" if n == 0 else f"{name}~{n}{suffix}")
                _write(path, render_pdf(m) if pdf else render_html(m))
                written.append(path)
        return written
    finally:
        con.close()
