# ruff: noqa: E501  (HTML templates below)
"""``wws report``: one self-contained HTML file about one run.

Sections: run summary, points histogram by sector with the sector boundaries, average
points per rubriek, dwellings near a boundary, rents above the maximum, rejects by
problem, and the changes since the previous succeeded run (or, for a scenario run, its
baseline). Charts are plotly figures; plotly.js is inlined once, so the file opens with
no network.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl
from jinja2 import Environment
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from pipeline import __version__
from pipeline.report import data as D
from pipeline.report.fmt import en_money, en_number, trim
from schemas.lines import RUBRIEK_NUMBER

#: rows shown per table; the report says how many more there are and gives the query
MAX_ROWS = 500

SECTOR_COLOURS = {"social": "#2a9d8f", "mid": "#e9a23b", "free": "#d1495b"}
KIND_COLOURS = {"independent": "#264653", "non_independent": "#8d6a9f"}

_PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}


def _fig_html(fig: go.Figure, div_id: str) -> Markup:
    fig.update_layout(
        template="plotly_white",
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
    )
    html = fig.to_html(
        full_html=False, include_plotlyjs=False, div_id=div_id, config=_PLOTLY_CONFIG
    )
    return Markup(html)


def histogram_figure(hist: pl.DataFrame, b: D.Boundaries) -> go.Figure:
    fig = go.Figure()
    for sector in D.SECTOR_ORDER:
        part = hist.filter(pl.col("sector") == sector)
        if part.height == 0:
            continue
        fig.add_trace(
            go.Bar(
                x=part["points"].to_list(),
                y=part["dwellings"].to_list(),
                width=0.9,
                name=sector,
                marker_color=SECTOR_COLOURS[sector],
                hovertemplate="%{x} points: %{y} dwellings<extra>" + sector + "</extra>",
            )
        )
    for low, high in ((b.social_max, b.mid_min), (b.mid_max, b.free_min)):
        fig.add_vline(
            x=low + 0.5,
            line_dash="dash",
            line_color="#333",
            annotation_text=f"{low}/{high}",
            annotation_position="top",
        )
    fig.update_layout(
        title="Dwellings per points total, by sector",
        barmode="stack",
        bargap=0.05,
        xaxis_title="points",
        yaxis_title="dwellings",
        legend_title="sector",
        legend_traceorder="normal",
        height=420,
    )
    return fig


def rubriek_figure(avg: pl.DataFrame) -> go.Figure:
    fig = go.Figure()
    kinds = avg["kind"].unique(maintain_order=True).to_list()
    for kind in kinds:
        part = avg.filter(pl.col("kind") == kind)
        labels = [
            f"{RUBRIEK_NUMBER.get(c, '')} {c} {n}" for c, n in
            zip(part["rubriek"], part["rubriek_name"], strict=True)
        ]  # fmt: skip
        fig.add_trace(
            go.Bar(
                y=labels,
                x=part["avg_points"].round(2).to_list(),
                orientation="h",
                name=kind,
                marker_color=KIND_COLOURS.get(kind, "#555"),
                hovertemplate="%{y}: %{x:.2f} points on average<extra>" + kind + "</extra>",
            )
        )
    fig.update_layout(
        title="Average points per rubriek",
        barmode="group",
        xaxis_title="average points",
        yaxis={"autorange": "reversed"},
        height=max(360, 28 * avg.height + 120),
        legend_title="kind",
        showlegend=len(kinds) > 1,
    )
    return fig


def change_figure(ch: pl.DataFrame) -> go.Figure | None:
    deltas = ch.filter(pl.col("change") == "changed").group_by("points_delta").len().sort(
        "points_delta"
    )
    if deltas.height == 0:
        return None
    fig = go.Figure(
        go.Bar(
            x=deltas["points_delta"].to_list(),
            y=deltas["len"].to_list(),
            width=0.8,
            marker_color="#457b9d",
            hovertemplate="%{x:+d} points: %{y} dwellings<extra></extra>",
        )
    )
    lo, hi = int(deltas["points_delta"].min()), int(deltas["points_delta"].max())
    fig.update_xaxes(range=[min(lo, 0) - 3, max(hi, 0) + 3])
    fig.update_layout(
        title="Change in points per dwelling (dwellings in both runs)",
        xaxis_title="points now minus points before",
        xaxis={"tickformat": "+d", "dtick": max(1, int(deltas["points_delta"].abs().max()) // 10)},
        yaxis_title="dwellings",
        height=360,
    )
    return fig


def _ts(v: Any) -> str:
    return v.strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, dt.datetime) else str(v or "")


def build_report(con, run_id: str | None = None) -> dict[str, Any]:
    """Everything the report shows, as plain values (also used by the tests)."""
    run = D.resolve_run(con, run_id)
    rid = run["run_id"]
    b = D.boundaries_for(run["peildatum"])
    prev = D.previous_run(con, run)
    ch = D.changes(con, rid, prev["run_id"]) if prev else None
    return {
        "run": run,
        "boundaries": b,
        "summary": D.summary(con, rid),
        "histogram": D.points_histogram(con, rid),
        "rubrieken": D.rubriek_averages(con, rid),
        "near": D.near_boundaries(con, rid, b),
        "near_sql": D.near_boundaries_sql(b).replace("$run", f"'{rid}'"),
        "over_rent": D.over_rent(con, rid),
        "over_rent_sql": D.OVER_RENT_SQL.replace("$run", f"'{rid}'"),
        "rejects": D.rejects_grouped(con, rid),
        "previous": prev,
        "changes": ch,
        "change_counts": D.change_counts(ch) if ch is not None else None,
        "sector_moves": D.sector_moves(ch) if ch is not None else None,
        "changes_sql": (
            D.CHANGES_SQL.replace("$cur", f"'{rid}'").replace("$prev", f"'{prev['run_id']}'")
            if prev
            else None
        ),
    }


def render_report(r: dict[str, Any]) -> str:
    figures = {}
    if r["histogram"].height:
        figures["histogram"] = _fig_html(histogram_figure(r["histogram"], r["boundaries"]),
                                         "chart-histogram")  # fmt: skip
    if r["rubrieken"].height:
        figures["rubrieken"] = _fig_html(rubriek_figure(r["rubrieken"]), "chart-rubrieken")
    if r["changes"] is not None:
        fig = change_figure(r["changes"])
        if fig is not None:
            figures["changes"] = _fig_html(fig, "chart-changes")
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(num=en_number, money=en_money, trim=trim, ts=_ts)
    tpl = env.from_string(TEMPLATE)
    return tpl.render(
        **r,
        figures=figures,
        plotly_js=Markup(get_plotlyjs()),
        max_rows=MAX_ROWS,
        generated=dt.datetime.now().replace(microsecond=0),
        version=__version__,
        sector_colours=SECTOR_COLOURS,
        near_points=D.NEAR,
        has_reasons=r["changes"] is not None
        and r["changes"].select(pl.col("reasons").is_not_null().any()).item(),
    )


def write_report(db: str | Path, out: str | Path, run_id: str | None = None) -> dict[str, Any]:
    """Write the report of ``run_id`` (default: the latest succeeded run) to ``out``."""
    con = D.connect(db)
    try:
        r = build_report(con, run_id)
    finally:
        con.close()
    html = render_report(r)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    return r


TEMPLATE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WWS report {{ run.run_id }}</title>
<style>
  :root { --ink:#1d2731; --muted:#5b6770; --line:#d9dee3; --bg:#f6f7f9; }
  * { box-sizing: border-box; }
  body { margin:0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
         color:var(--ink); background:var(--bg); line-height:1.4; }
  header { background:#264653; color:#fff; padding:18px 28px; }
  header h1 { margin:0 0 4px 0; font-size:22px; }
  header .meta { color:#d7e3e8; font-size:13px; }
  nav { padding:8px 28px; background:#fff; border-bottom:1px solid var(--line); font-size:14px; }
  nav a { margin-right:16px; color:#264653; }
  main { padding:16px 28px 40px; max-width:1280px; }
  section { background:#fff; border:1px solid var(--line); border-radius:6px;
            padding:14px 18px; margin:16px 0; }
  h2 { font-size:18px; margin:0 0 10px 0; }
  .cards { display:flex; flex-wrap:wrap; gap:12px; }
  .card { border:1px solid var(--line); border-radius:6px; padding:10px 14px; min-width:150px; }
  .card .v { font-size:22px; font-weight:600; }
  .card .k { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.03em; }
  table { border-collapse:collapse; font-size:13px; width:100%; }
  th, td { border-bottom:1px solid var(--line); padding:4px 8px; text-align:left; vertical-align:top; }
  th { background:#eef1f4; position:sticky; top:0; }
  td.n, th.n { text-align:right; font-variant-numeric: tabular-nums; white-space:nowrap; }
  .muted { color:var(--muted); font-size:13px; }
  .pill { display:inline-block; padding:0 6px; border-radius:8px; color:#fff; font-size:12px; }
  details { margin-top:8px; } pre { white-space:pre-wrap; font-size:12px; background:#f3f4f6; padding:8px; }
  .scroll { max-height:520px; overflow:auto; }
  .warn { color:#9b2226; }
</style>
<script>{{ plotly_js }}</script>
</head>
<body>
<header>
  <h1>WWS portfolio report</h1>
  <div class="meta">
    run <b>{{ run.run_id }}</b> · status {{ run.status }}
    {% if run.scenario %} · scenario <b>{{ run.scenario.name }}</b>{% endif %}
    · peildatum {{ run.peildatum }} · rules {{ run.rules }}
    · engine {{ run.engine }} {{ run.engine_version }} · finished {{ run.finished_at|ts }}
  </div>
</header>
<nav>
  <a href="#summary">Summary</a><a href="#points">Points</a><a href="#rubrieken">Rubrieken</a>
  <a href="#near">Near a boundary</a><a href="#rent">Rent above maximum</a>
  <a href="#rejects">Rejects</a><a href="#changes">Changes</a>
</nav>
<main>
<section id="summary">
  <h2>Summary</h2>
  <div class="cards">
    <div class="card"><div class="k">dwellings read</div><div class="v">{{ run.dwellings_read|num }}</div></div>
    <div class="card"><div class="k">scored</div><div class="v" id="n-scored">{{ summary.n|num }}</div></div>
    <div class="card"><div class="k">rejected</div><div class="v">{{ run.dwellings_rejected|num }}</div></div>
    {% for s in ["social", "mid", "free"] %}
    <div class="card"><div class="k"><span class="pill" style="background:{{ sector_colours[s] }}">{{ s }}</span></div>
      <div class="v" id="n-{{ s }}">{{ summary.sectors[s]|num }}</div></div>
    {% endfor %}
  </div>
  {% if summary.n %}
  <p>Points: min {{ summary.p_min }}, p25 {{ summary.p25 }}, median {{ summary.p50 }},
     p75 {{ summary.p75 }}, max {{ summary.p_max }}, mean {{ summary.p_avg|num(1) }}.
     Maximum rent (with surcharges): mean {{ summary.rent_avg|money }} per month,
     {{ summary.rent_sum|money }} per month for the whole portfolio.
     {% if summary.with_rent %}Current rent known for {{ summary.with_rent|num }} dwellings.{% endif %}</p>
  <p class="muted">Kinds: {% for k, n in summary.kinds.items() %}{{ k }} {{ n|num }}{% if not loop.last %}, {% endif %}{% endfor %}.
     WOZ value source: {% for k, n in summary.woz_sources.items() %}{{ k }} {{ n|num }}{% if not loop.last %}, {% endif %}{% endfor %}.
     Sector boundaries of this peildatum: social up to {{ boundaries.social_max }} points,
     mid {{ boundaries.mid_min }}–{{ boundaries.mid_max }}, free from {{ boundaries.free_min }}.</p>
  {% else %}
  <p class="warn">This run has no scored dwellings{% if run.message %} ({{ run.message }}){% endif %}.</p>
  {% endif %}
  <p class="muted">Input {{ run.input_path }} (sha256 {{ (run.input_sha256 or "")[:12] }}…).
  {% if run.scenario %}Scenario: set {{ run.scenario.set_clause }} where {{ run.scenario.where_clause }};
  baseline run {{ run.scenario.baseline_run_id }}.{% endif %}</p>
</section>

<section id="points">
  <h2>Points distribution</h2>
  {% if figures.histogram %}{{ figures.histogram }}{% else %}<p class="muted">No scored dwellings.</p>{% endif %}
  <p class="muted">Dashed lines: the sector boundaries {{ boundaries.social_max }}/{{ boundaries.mid_min }}
  and {{ boundaries.mid_max }}/{{ boundaries.free_min }} points.</p>
</section>

<section id="rubrieken">
  <h2>Average points per rubriek</h2>
  {% if figures.rubrieken %}{{ figures.rubrieken }}{% endif %}
  <details><summary>as a table</summary>
  <table><tr><th>kind</th><th>rubriek</th><th>name</th><th class="n">average points</th><th class="n">dwellings</th></tr>
  {% for r in rubrieken.iter_rows(named=True) %}
  <tr><td>{{ r.kind }}</td><td>{{ r.rubriek }}</td><td>{{ r.rubriek_name }}</td>
      <td class="n">{{ r.avg_points|num(2) }}</td><td class="n">{{ r.dwellings|num }}</td></tr>
  {% endfor %}
  </table></details>
</section>

<section id="near">
  <h2>Within {{ near_points }} points of a sector boundary ({{ near.height|num }})</h2>
  {% set tbl = near %}
  <p class="muted">Independent dwellings only (non-independent dwellings are always social).
  <b>distance</b>: below a boundary, the points a dwelling still needs to reach the next
  sector; above, how many points it can lose before it drops a sector (1 = on the lowest point of its sector).</p>
  {% if tbl.height %}
  <div class="scroll"><table id="table-near">
  <tr><th>dwelling</th><th>kind</th><th class="n">points</th><th>sector</th><th>boundary</th><th>side</th>
      <th class="n">distance</th><th class="n">max rent</th><th class="n">current rent</th></tr>
  {% for r in tbl.head(max_rows).iter_rows(named=True) %}
  <tr><td>{{ r.dwelling_id }}</td><td>{{ r.kind }}</td><td class="n">{{ r.points }}</td><td>{{ r.sector }}</td>
      <td>{{ r.boundary }}</td><td>{{ r.side }}</td><td class="n">{{ r.distance }}</td>
      <td class="n">{{ r.max_rent_with_surcharge|money }}</td><td class="n">{{ r.current_rent|money }}</td></tr>
  {% endfor %}
  </table></div>
  {% if tbl.height > max_rows %}<p class="muted">Showing {{ max_rows }} of {{ tbl.height|num }}.</p>{% endif %}
  {% else %}<p class="muted">None.</p>{% endif %}
  <details><summary>query</summary><pre>{{ near_sql }}</pre></details>
</section>

<section id="rent">
  <h2>Current rent above the maximum rent ({{ over_rent.height }})</h2>
  {% if summary.with_rent %}
  <p class="muted">Compared with <code>max_rent_with_surcharge</code>, for the {{ summary.with_rent|num }} dwellings
  whose current rent is known. In the free sector the maximum is not binding for the rent agreed.</p>
  {% if over_rent.height %}
  <div class="scroll"><table id="table-rent">
  <tr><th>dwelling</th><th>kind</th><th class="n">points</th><th>sector</th><th class="n">current rent</th>
      <th class="n">maximum rent</th><th class="n">excess per month</th></tr>
  {% for r in over_rent.head(max_rows).iter_rows(named=True) %}
  <tr><td>{{ r.dwelling_id }}</td><td>{{ r.kind }}</td><td class="n">{{ r.points }}</td><td>{{ r.sector }}</td>
      <td class="n">{{ r.current_rent|money }}</td><td class="n">{{ r.max_rent_with_surcharge|money }}</td>
      <td class="n">{{ r.excess|money }}</td></tr>
  {% endfor %}
  </table></div>
  {% if over_rent.height > max_rows %}<p class="muted">Showing {{ max_rows }} of {{ over_rent.height|num }}.</p>{% endif %}
  {% else %}<p>No dwelling has a current rent above its maximum rent.</p>{% endif %}
  <details><summary>query</summary><pre>{{ over_rent_sql }}</pre></details>
  {% else %}
  <p class="muted">No current rents in this run's input (column <code>current_rent</code>).</p>
  {% endif %}
</section>

<section id="rejects">
  <h2>Rejects by problem ({{ run.dwellings_rejected|num }} dwellings)</h2>
  {% if rejects.height %}
  <div class="scroll"><table id="table-rejects">
  <tr><th>check</th><th>column</th><th>source</th><th class="n">problems</th><th class="n">dwellings</th>
      <th>example message</th><th>some dwellings</th></tr>
  {% for r in rejects.iter_rows(named=True) %}
  <tr><td>{{ r.check }}</td><td>{{ r.column }}</td><td>{{ r.source }}</td><td class="n">{{ r.problems|num }}</td>
      <td class="n">{{ r.dwellings|num }}</td><td>{{ r.example }}</td>
      <td>{{ (r.some_dwellings or [])|reject("none")|join(", ") }}</td></tr>
  {% endfor %}
  </table></div>
  <p class="muted">Every problem: <code>SELECT * FROM rejects WHERE run_id = '{{ run.run_id }}'</code>.</p>
  {% else %}<p class="muted">No rejects.</p>{% endif %}
</section>

<section id="changes">
  <h2>Changes since {% if run.scenario %}the baseline{% else %}the previous run{% endif %}</h2>
  {% if previous %}
  <p class="muted">Compared with run <b>{{ previous.run_id }}</b> (peildatum {{ previous.peildatum }},
  rules {{ previous.rules }}, finished {{ previous.finished_at|ts }}).</p>
  <div class="cards">
    <div class="card"><div class="k">appeared</div><div class="v" id="n-appeared">{{ change_counts.appeared|num }}</div></div>
    <div class="card"><div class="k">disappeared</div><div class="v" id="n-disappeared">{{ change_counts.disappeared|num }}</div>
      {% if change_counts.rejected %}<div class="muted">{{ change_counts.rejected|num }} rejected this run</div>{% endif %}</div>
    <div class="card"><div class="k">points changed</div><div class="v" id="n-points-changed">{{ change_counts.points_changed|num }}</div></div>
    <div class="card"><div class="k">max rent changed</div><div class="v">{{ change_counts.rent_changed|num }}</div></div>
    <div class="card"><div class="k">sector changed</div><div class="v" id="n-sector-changed">{{ change_counts.sector_changed|num }}</div></div>
  </div>
  {% if figures.changes %}{{ figures.changes }}{% endif %}
  {% if sector_moves.height %}
  <h3>Sector moves</h3>
  <table style="width:auto"><tr><th>from</th><th>to</th><th class="n">dwellings</th></tr>
  {% for r in sector_moves.iter_rows(named=True) %}
  <tr><td>{{ r.sector_before }}</td><td>{{ r.sector_after }}</td><td class="n">{{ r.dwellings|num }}</td></tr>
  {% endfor %}</table>
  {% endif %}
  {% if changes.height %}
  <h3>Dwellings ({{ changes.height|num }})</h3>
  <div class="scroll"><table id="table-changes">
  <tr><th>dwelling</th><th>change</th><th class="n">points before</th><th class="n">after</th><th class="n">Δ</th>
      <th class="n">max rent before</th><th class="n">after</th><th class="n">Δ</th><th>sector before</th><th>after</th>
      {% if has_reasons %}<th>rubrieken moved</th><th>why</th>{% endif %}</tr>
  {% for r in changes.head(max_rows).iter_rows(named=True) %}
  <tr><td>{{ r.dwelling_id }}</td><td>{{ r.change }}</td>
      <td class="n">{{ r.points_before if r.points_before is not none }}</td>
      <td class="n">{{ r.points_after if r.points_after is not none }}</td>
      <td class="n">{% if r.points_delta is not none %}{{ "%+d"|format(r.points_delta) }}{% endif %}</td>
      <td class="n">{{ r.max_rent_before|money }}</td><td class="n">{{ r.max_rent_after|money }}</td>
      <td class="n">{{ r.max_rent_delta|money }}</td>
      <td>{{ r.sector_before or "" }}</td><td>{{ r.sector_after or "" }}</td>
      {% if has_reasons %}<td>{{ r.rubrieken or "" }}</td><td>{{ r.reasons or "" }}</td>{% endif %}</tr>
  {% endfor %}
  </table></div>
  {% if changes.height > max_rows %}<p class="muted">Showing {{ max_rows }} of {{ changes.height|num }}.</p>{% endif %}
  {% else %}<p>No dwelling changed.</p>{% endif %}
  <details><summary>query</summary><pre>{{ changes_sql }}</pre></details>
  {% else %}
  <p class="muted">No earlier succeeded run to compare with.</p>
  {% endif %}
</section>
<p class="muted">wws-batch {{ version }} · generated {{ generated }}</p>
</main>
</body>
</html>
"""
