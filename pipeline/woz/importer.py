"""``import_file``: WOZ values from a CSV or Parquet file into the cache (source ``import``).

For corporations that receive WOZ values from municipalities instead of the API.
Columns (names matched case-insensitively after trimming; aliases in brackets):

- ``dwelling_id`` and/or ``woz_object_number`` [``wozobjectnummer``, ``identificatie``]:
  at least one per row;
- ``valuation_year`` [``woz_valuation_year``, ``waardejaar``] or ``waardepeildatum``
  (``YYYY-MM-DD``, always 1 January); if both are given they must agree;
- ``value`` [``woz_value``, ``vastgestelde_waarde``, ``vastgesteldeWaarde``]: whole
  euros, > 0; ``250000``, ``250.000``, ``250,000``, ``€ 250.000`` and ``250000,00``
  are read as 250,000.

CSV: UTF-8 with or without BOM, ``,`` or ``;`` delimiter. The import is all or
nothing: any bad row rejects the file with one message per problem (row, column,
value). Importing the same key (dwelling, object, waardepeildatum) again replaces
the earlier imported value.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipeline.woz.client import normalise_object_number
from pipeline.woz.errors import WozError
from pipeline.woz.ledger import UTC, utc_now
from pipeline.woz.store import ensure_tables

ALIASES = {
    "dwelling_id": "dwelling_id",
    "woz_object_number": "woz_object_number",
    "wozobjectnummer": "woz_object_number",
    "identificatie": "woz_object_number",
    "valuation_year": "valuation_year",
    "woz_valuation_year": "valuation_year",
    "waardejaar": "valuation_year",
    "waardepeildatum": "waardepeildatum",
    "value": "value",
    "woz_value": "value",
    "vastgestelde_waarde": "value",
    "vastgesteldewaarde": "value",
}

_WHOLE = re.compile(r"^[0-9]+$")
_THOUSANDS = re.compile(r"^[0-9]{1,3}([.,][0-9]{3})+$")
_CENTS = re.compile(r"^([0-9]+)[.,]([0-9]{1,2})$")


class WozImportError(WozError):
    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        shown = "\n  ".join(problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(
            f"{path}: {len(problems)} problem(s), nothing imported:\n  {shown}{more}"
        )


@dataclass(frozen=True)
class ImportReport:
    path: Path
    rows: int
    replaced: int
    dwellings: int
    objects: int


def parse_euros(text: str) -> int | None:
    s = text.strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
    if _WHOLE.match(s):
        return int(s)
    if _THOUSANDS.match(s):
        return int(re.sub(r"[.,]", "", s))
    m = _CENTS.match(s)
    if m and int(m.group(2)) == 0:
        return int(m.group(1))
    return None


def _read(path: Path) -> pl.DataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            df = pl.read_parquet(path)
            return df.select(pl.all().cast(pl.String))
        if suffix in (".csv", ".txt"):
            raw = path.read_bytes()
            text = raw.decode("utf-8-sig")
            header = text.splitlines()[0] if text else ""
            sep = ";" if header.count(";") > header.count(",") else ","
            return pl.read_csv(
                text.encode(), separator=sep, infer_schema=False
            )
    except (OSError, UnicodeDecodeError, pl.exceptions.PolarsError) as exc:
        raise WozImportError(path, [f"cannot read the file: {exc}"]) from None
    raise WozImportError(path, [f"unsupported file type {suffix!r}: use .csv or .parquet"])


def import_file(
    con: duckdb.DuckDBPyConnection, path: str | Path, *, now: dt.datetime | None = None
) -> ImportReport:
    """Load WOZ values from ``path`` into ``woz_values`` with source ``import``."""
    path = Path(path)
    if not path.is_file():
        raise WozImportError(path, ["file not found"])
    df = _read(path)
    rename: dict[str, str] = {}
    problems: list[str] = []
    for col in df.columns:
        key = col.strip().lstrip("\ufeff").lower()
        if key in ALIASES:
            target = ALIASES[key]
            if target in rename.values():
                problems.append(f"column {col!r}: a second column for {target}")
            rename[col] = target
    df = df.select([pl.col(c).alias(t) for c, t in rename.items()])
    if "dwelling_id" not in df.columns and "woz_object_number" not in df.columns:
        problems.append("missing column: dwelling_id and/or woz_object_number")
    if "valuation_year" not in df.columns and "waardepeildatum" not in df.columns:
        problems.append("missing column: valuation_year or waardepeildatum")
    if "value" not in df.columns:
        problems.append("missing column: value")
    if problems:
        raise WozImportError(path, problems)

    rows: list[tuple[str | None, str | None, dt.date, int, int]] = []
    seen: dict[tuple[str | None, str | None, dt.date], tuple[int, int]] = {}
    for i, r in enumerate(df.iter_rows(named=True), start=2):  # row 1 is the header

        def cell(name: str, r: dict[str, str | None] = r) -> str | None:
            v = r.get(name)
            return v.strip() if isinstance(v, str) and v.strip() != "" else None

        did = cell("dwelling_id")
        raw_obj = cell("woz_object_number")
        obj = normalise_object_number(raw_obj) if raw_obj is not None else None
        if raw_obj is not None and obj is None:
            problems.append(f"row {i}, woz_object_number={raw_obj!r}: not a 12-digit number")
            continue
        if did is None and obj is None:
            problems.append(f"row {i}: neither dwelling_id nor woz_object_number")
            continue
        year: int | None = None
        raw_year = cell("valuation_year")
        if raw_year is not None:
            if not re.fullmatch(r"[0-9]{4}", raw_year) or not 1990 <= int(raw_year) <= 2100:
                problems.append(f"row {i}, valuation_year={raw_year!r}: not a year")
                continue
            year = int(raw_year)
        raw_wpd = cell("waardepeildatum")
        wpd: dt.date | None = None
        if raw_wpd is not None:
            try:
                wpd = dt.date.fromisoformat(raw_wpd[:10])
            except ValueError:
                problems.append(f"row {i}, waardepeildatum={raw_wpd!r}: not a date YYYY-MM-DD")
                continue
            if (wpd.month, wpd.day) != (1, 1):
                problems.append(
                    f"row {i}, waardepeildatum={raw_wpd!r}: a waardepeildatum is always "
                    "1 January (is this the ingangsdatum?)"
                )
                continue
            if year is not None and year != wpd.year:
                problems.append(
                    f"row {i}: valuation_year {year} and waardepeildatum {raw_wpd} disagree"
                )
                continue
            year = wpd.year
        if year is None:
            problems.append(f"row {i}: no valuation_year or waardepeildatum")
            continue
        raw_value = cell("value")
        value = parse_euros(raw_value) if raw_value is not None else None
        if value is None or value <= 0:
            problems.append(
                f"row {i}, value={raw_value!r}: not a WOZ value in whole euros greater than 0"
            )
            continue
        key = (did, obj, dt.date(year, 1, 1))
        if key in seen and seen[key][1] != value:
            problems.append(
                f"row {i}: same dwelling/object and year as row {seen[key][0]} with another value"
            )
            continue
        seen[key] = (i, value)
        rows.append((did, obj, dt.date(year, 1, 1), year, value))
    if problems:
        raise WozImportError(path, problems)

    ensure_tables(con)
    stamp = (now or utc_now()).astimezone(UTC).replace(tzinfo=None)
    staged = pl.DataFrame(
        rows,
        schema={
            "dwelling_id": pl.String,
            "woz_object_number": pl.String,
            "waardepeildatum": pl.Date,
            "valuation_year": pl.Int32,
            "woz_value": pl.Int64,
        },
        orient="row",
    ).unique(subset=["dwelling_id", "woz_object_number", "waardepeildatum"], keep="first")
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("__woz_import", staged)
        (replaced,) = con.execute(
            "SELECT count(*) FROM woz_values v JOIN __woz_import s "
            "ON v.dwelling_id IS NOT DISTINCT FROM s.dwelling_id "
            "AND v.woz_object_number IS NOT DISTINCT FROM s.woz_object_number "
            "AND v.waardepeildatum = s.waardepeildatum WHERE v.source = 'import'"
        ).fetchall()[0]
        con.execute(
            "DELETE FROM woz_values v USING __woz_import s "
            "WHERE v.source = 'import' "
            "AND v.dwelling_id IS NOT DISTINCT FROM s.dwelling_id "
            "AND v.woz_object_number IS NOT DISTINCT FROM s.woz_object_number "
            "AND v.waardepeildatum = s.waardepeildatum"
        )
        con.execute(
            "INSERT INTO woz_values SELECT dwelling_id, woz_object_number, NULL, NULL, "
            "waardepeildatum, valuation_year, woz_value, NULL, NULL, ?, 'import', ? "
            "FROM __woz_import",
            [stamp, path.name],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("__woz_import")
    return ImportReport(
        path=path,
        rows=staged.height,
        replaced=int(replaced),
        dwellings=staged["dwelling_id"].drop_nulls().n_unique(),
        objects=staged["woz_object_number"].drop_nulls().n_unique(),
    )
