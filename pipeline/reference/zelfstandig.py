"""Per-dwelling reference scorer for zelfstandige woonruimten (Bhw Bijlage I onder A).

The executable specification: written straight from ``shared/spec/wws/zelfstandig.md``
(section numbers cited per rubriek), exact ``Decimal`` arithmetic, half-up rounding only
where the law rounds. It shares schemas and rule-set parameters with the vectorised
engine but no rule code; property tests require both to agree line by line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pipeline.rules.zelfstandig import ZelfstandigRules
from schemas.dwelling import KITCHEN_FEATURES, Dwelling, Sanitary
from schemas.numbers import exact, floor, line4, q, r2, rint
from schemas.results import DwellingResult, Line

RUBRIEKEN = (
    "OVZ",
    "OOZ",
    "VKV",
    "ENE",
    "KEU",
    "SAN",
    "GEH",
    "BUI",
    "GVR",
    "GPA",
    "WOZ",
    "BIJ",
    "PMN",
)

ZERO = Decimal(0)
ONE = Decimal(1)
TWO = Decimal(2)
FOUR = Decimal(4)
INDOOR_BLOCKS = ("rooms", "kitchen", "sanitary", "toilet")
SANITARY_EXTRAS = (
    "bath_with_bubble_function",
    "complete_separation_of_shower",
    "towel_radiator",
    "build_in_cupboard",
    "cupboard_space",
    "power_outlet",
    "one_hand_mixer_tap",
    "thermostatic_mixer_tap",
)
LEASE_REGIME_CHANGE = dt.date(2024, 7, 1)


@dataclass(frozen=True)
class Space:
    """An indoor space with its §2.4 class: V (vertrek), O (overige ruimte), OA (attic
    without fixed staircase, an overige ruimte with a deduction) or N (not valued)."""

    block: str
    ref: str
    order: int  # input order over rooms, kitchen, sanitary, toilet (rubriek 9 caps)
    item: object
    raw: Decimal
    a: Decimal
    n: int
    cls: str

    @property
    def path(self) -> str:
        return f"{self.block}[{self.ref}]"

    @property
    def heated(self) -> bool:
        return bool(self.item.heated)

    @property
    def cooled(self) -> bool:
        return bool(self.item.cooled)


def _ref(item, position: int) -> str:
    return item.space_id if item.space_id not in (None, "") else str(position)


def classify(block: str, item, raw: Decimal, n: int) -> str:
    """§2.4 space classification, thresholds on the unrounded area."""
    if block == "rooms":
        if item.attic_without_fixed_staircase:
            cls = "OA" if raw >= 2 else "N"
        elif item.type_of_room == "room":
            cls = "V" if raw >= 4 else ("O" if raw >= 2 else "N")
        else:
            cls = "O" if raw >= 2 else "N"
        # shared storage is valued only from 2 m2 per address (PB25 rubriek 9)
        if cls == "O" and n >= 2 and raw / n < 2:
            cls = "N"
        return cls
    if block in ("kitchen", "sanitary"):
        if item.type_of_room == "room":
            return "V" if raw > 0 else "N"
        return "O" if raw >= 2 else "N"
    return "O" if raw >= 2 else "N"  # toilet: at most an overige ruimte


def spaces_of(d: Dwelling) -> list[Space]:
    out = []
    order = 0
    for block in INDOOR_BLOCKS:
        for pos, item in enumerate(getattr(d, block), start=1):
            raw = exact(item.surface_area)
            n = max(1, item.shared_addresses)
            out.append(
                Space(
                    block,
                    _ref(item, pos),
                    order,
                    item,
                    raw,
                    r2(raw),
                    n,
                    classify(block, item, raw, n),
                )
            )
            order += 1
    return out


class Lines:
    """Collects the lines of one rubriek and closes it with its quarter rounding."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.items: list[Line] = []
        self.exact = ZERO  # the unrounded sum the law rounds

    def add(
        self, what: str, points: Decimal, quantity: Decimal | int | None = None, *, always=False
    ) -> None:
        self.exact += points
        if line4(points) != 0 or always:
            qty = None if quantity is None else line4(Decimal(quantity))
            self.items.append(Line(self.code, f"{self.code.lower()}.{what}", qty, line4(points)))

    def close(self, value: Decimal | None = None) -> tuple[Decimal, list[Line]]:
        """``value`` overrides q(sum) where the rubriek is not a plain quarter-rounded sum."""
        total = q(self.exact) if value is None else value
        rest = total - sum((ln.points for ln in self.items), ZERO)
        if rest != 0:
            self.items.append(Line(self.code, f"{self.code.lower()}.afronding", None, rest))
        return total, self.items


# --- rubriek 1 and 2 -------------------------------------------------------------------


def attic_corrections(group: list[Space]) -> list[tuple[Space, Decimal]]:
    """§3.2: c_i = -min(5, 0.75 x (rint(T) - rint(T - a_i))) for each attic in the group."""
    total = sum((s.a for s in group), ZERO)
    out = []
    for s in group:
        if s.cls == "OA":
            gain = Decimal("0.75") * (rint(total) - rint(total - s.a))
            out.append((s, -min(Decimal(5), gain)))
    return out


def r1_ovz(spaces: list[Space]) -> Lines:
    """§3.1: R1 = rint(sum of r2 areas of private vertrekken) x 1.00."""
    lines = Lines("OVZ")
    vs = [s for s in spaces if s.n == 1 and s.cls == "V"]
    total = sum((s.a for s in vs), ZERO)
    for s in vs:
        lines.add(s.path, s.a, s.a, always=True)
    lines.add("afronding_m2", rint(total) - total)
    return lines


def r2_ooz(spaces: list[Space]) -> Lines:
    """§3.2: R2 = q(0.75 x rint(T) + attic corrections)."""
    lines = Lines("OOZ")
    os_ = [s for s in spaces if s.n == 1 and s.cls in ("O", "OA")]
    total = sum((s.a for s in os_), ZERO)
    rate = Decimal("0.75")
    for s in os_:
        lines.add(s.path, rate * s.a, s.a, always=True)
    lines.add("afronding_m2", rate * (rint(total) - total))
    for s, c in attic_corrections(os_):
        lines.add(f"zolder.{s.path}", c)
    return lines


# --- rubriek 3 -------------------------------------------------------------------------


def _is_heated_open_kitchen(s: Space) -> bool:
    return s.block == "kitchen" and s.cls == "N" and s.item.open_kitchen and s.heated


def r3_vkv(d: Dwelling, spaces: list[Space]) -> Lines:
    """§3.3: R3 = 2 x HV + min(CV, 2) + min(HO, 4) over private spaces."""
    lines = Lines("VKV")
    private = [s for s in spaces if s.n == 1]
    vertrekken = [s for s in private if s.cls == "V" or _is_heated_open_kitchen(s)]
    cooled = 0
    for s in vertrekken:
        if s.heated:
            lines.add(f"verwarmd.{s.path}", TWO, 1)
        if (s.heated and s.cooled) or d.low_overheating_risk_label:
            lines.add(f"gekoeld.{s.path}", ONE, 1)
            cooled += 1
    if cooled > 2:
        lines.add("max_koeling", Decimal(2 - cooled))
    heated_other = 0
    for s in private:
        if s.cls in ("O", "OA") and s.heated:
            lines.add(f"verwarmd_overig.{s.path}", ONE, 1)
            heated_other += 1
    if d.heated_circulation_spaces:
        lines.add(
            "verkeersruimten", Decimal(d.heated_circulation_spaces), d.heated_circulation_spaces
        )
        heated_other += d.heated_circulation_spaces
    if heated_other > 4:
        lines.add("max_overig", Decimal(4 - heated_other))
    return lines


# --- rubriek 4 -------------------------------------------------------------------------


def energy_valid(d: Dwelling, peildatum: dt.date) -> bool:
    """§3.4 validity: registered on or before the peildatum and not yet expired."""
    if d.energy_label_registered_on is not None and d.energy_label_registered_on > peildatum:
        return False
    if d.energy_label_valid_until is not None and peildatum >= d.energy_label_valid_until:
        return False
    return True


def index_label(ei: Decimal, rules: ZelfstandigRules) -> str:
    for lo, hi, label in rules.index_bands:
        if (lo is None or ei > lo) and (hi is None or ei <= hi):
            return label
    raise ValueError(f"energy index {ei} outside every band")  # pragma: no cover


def build_year_points(year: int, col: int, rules: ZelfstandigRules) -> Decimal:
    for lo, hi, egw, mgw in rules.build_year_bands:
        if (lo is None or year >= lo) and (hi is None or year <= hi):
            return (egw, mgw)[col]
    raise ValueError(f"build year {year} outside every band")  # pragma: no cover


def r4_ene(d: Dwelling, peildatum: dt.date, rules: ZelfstandigRules) -> Lines:
    """§3.4: EPV, else a valid label, else a valid index, else the build year; monuments >= 0."""
    lines = Lines("ENE")
    col = 0 if d.category == "EGW" else 1
    valid = energy_valid(d, peildatum)
    ei = exact(d.energy_index) if d.energy_index is not None else ZERO
    if d.energy_performance_compensation:
        pts, what, qty = rules.epv_points[col], "epv", None
    elif d.energy_label and valid:
        pts, what, qty = rules.label_points[d.energy_label][col], "label", None
    elif d.energy_index_existence and ei > 0 and valid:
        pts, what, qty = rules.index_points[index_label(ei, rules)][col], "energie_index", ei
    else:
        pts, what, qty = build_year_points(d.build_year, col, rules), "bouwjaar", d.build_year
    lines.add(what, pts, qty, always=True)
    if d.monument and pts < 0:
        lines.add("monument_minimum", -pts)
    return lines


# --- rubriek 5 -------------------------------------------------------------------------


def countertop_mm(length_m: float) -> int:
    """§2.1: L_mm = round_half_up(countertop_length x 1000)."""
    return int(rint(exact(length_m) * 1000))


def kitchen_base(l_mm: int, rules: ZelfstandigRules) -> Decimal:
    if l_mm >= rules.countertop_long_mm:
        return rules.countertop_points_long
    if l_mm >= rules.countertop_short_mm:
        return rules.countertop_points_short
    return ZERO


def kitchen_items(
    kitchen, rules: ZelfstandigRules
) -> list[tuple[str, Decimal, Decimal | int | None]]:
    """§3.5 per kitchen: (line suffix, points, quantity): counter, each feature, extras cap."""
    l_mm = countertop_mm(kitchen.countertop_length)
    base = kitchen_base(l_mm, rules)
    if base == 0:
        return []
    items: list[tuple[str, Decimal, Decimal | int | None]] = [
        ("aanrecht", base, Decimal(l_mm) / 1000)
    ]
    extras = ZERO
    for f in KITCHEN_FEATURES:
        count = getattr(kitchen.kitchen_features, f)
        if count:
            pts = count * rules.kitchen_feature_points[f]
            items.append((f, pts, count))
            extras += pts
    if extras > base:
        items.append(("max_extras", base - extras, None))
    return items


def r5_keu(spaces: list[Space], rules: ZelfstandigRules) -> Lines:
    lines = Lines("KEU")
    for s in spaces:
        if s.block == "kitchen" and s.n == 1:
            for what, pts, qty in kitchen_items(s.item, rules):
                lines.add(f"{s.path}.{what}", pts, qty)
    return lines


# --- rubriek 6 -------------------------------------------------------------------------


def _washbasin_items(
    wb: int, mp: int, capped: bool, rules
) -> list[tuple[str, Decimal, int | None]]:
    items: list[tuple[str, Decimal, int | None]] = []
    if wb:
        items.append(("washbasin", wb * rules.washbasin, wb))
    if mp:
        items.append(("multi_person_washbasin", mp * rules.multi_person_washbasin, mp))
    if capped:
        over = (max(wb - 1, 0)) * rules.washbasin + (max(mp - 1, 0)) * rules.multi_person_washbasin
        if over:
            items.append(("max_wastafel", -over, None))
    return items


def _bath_shower_items(showers: int, baths: int, rules) -> list[tuple[str, Decimal, int | None]]:
    pairs = min(showers, baths)
    items: list[tuple[str, Decimal, int | None]] = []
    if pairs:
        items.append(("shower_bath", pairs * rules.shower_bath, pairs))
    if baths - pairs:
        items.append(("bath", (baths - pairs) * rules.bath, baths - pairs))
    if showers - pairs:
        items.append(("shower", (showers - pairs) * rules.shower, showers - pairs))
    return items


def sanitary_items(s: Space, rules: ZelfstandigRules) -> list[tuple[str, Decimal, int | None]]:
    """§3.6 rubriek-6 items of one space (any block), before division by addresses."""
    item = s.item
    if s.block == "toilet":
        rate = rules.toilet_room_wall_hung if item.wall_hung_toilet else rules.toilet_room_standing
        what = "wall_hung_toilet" if item.wall_hung_toilet else "toilet"
        out = [(what, item.toilets * rate, item.toilets)] if item.toilets else []
        return out + _washbasin_items(item.washbasin, item.multi_person_washbasin, True, rules)
    if s.block == "kitchen":
        l_mm = countertop_mm(item.countertop_length)
        sink = 1 if (0 < l_mm < rules.countertop_short_mm and item.has_sink) else 0
        return _washbasin_items(sink + item.washbasin, 0, True, rules)
    if s.block == "rooms":
        return _washbasin_items(item.washbasin, item.multi_person_washbasin, True, rules) + (
            _bath_shower_items(item.showers, item.baths, rules)
        )
    return _sanitary_room_items(item, rules)


def _sanitary_room_items(item: Sanitary, rules: ZelfstandigRules):
    showers, baths = item.shower_count(), item.bath_count()
    bathroom = showers > 0 or baths > 0
    feats = item.sanitary_features
    wb, mp = feats.washbasin, feats.multi_person_washbasin
    items: list[tuple[str, Decimal, int | None]] = []
    standing = rules.bathroom_standing if bathroom else rules.toilet_room_standing
    hung = rules.bathroom_wall_hung if bathroom else rules.toilet_room_wall_hung
    if item.toilet:
        items.append(("toilet", item.toilet * standing, item.toilet))
    if item.wall_hung_toilet:
        items.append(("wall_hung_toilet", item.wall_hung_toilet * hung, item.wall_hung_toilet))
    items += _washbasin_items(wb, mp, not bathroom, rules)
    bath_shower = _bath_shower_items(showers, baths, rules)
    items += bath_shower
    if bathroom and (wb + mp) >= 1:
        bs_points = sum((p for _, p, _ in bath_shower), ZERO)
        extras = ZERO
        for f in SANITARY_EXTRAS:
            count = getattr(feats, f)
            if not count:
                continue
            pts = count * rules.sanitary_extra_points[f]
            items.append((f, pts, count))
            extras += pts
            if f == "cupboard_space" and count > 1:
                cap = rules.sanitary_extra_points[f] - pts
                items.append(("max_cupboard_space", cap, None))
                extras += cap
            if f == "power_outlet" and count > 2 * (wb + mp):
                cap = -(count - 2 * (wb + mp)) * rules.sanitary_extra_points[f]
                items.append(("max_power_outlet", cap, None))
                extras += cap
        if extras > bs_points:
            items.append(("max_extras", bs_points - extras, None))
    return items


def r6_san(spaces: list[Space], rules: ZelfstandigRules) -> Lines:
    lines = Lines("SAN")
    for s in spaces:
        if s.n == 1:
            for what, pts, qty in sanitary_items(s, rules):
                lines.add(f"{s.path}.{what}", pts, qty)
    return lines


# --- rubriek 7 and 8 -------------------------------------------------------------------


def r7_geh(d: Dwelling, rules: ZelfstandigRules) -> Lines:
    """§3.7: q(disability_costs / 332) when at least one disabled resident."""
    lines = Lines("GEH")
    if d.disabled_people >= 1 and d.disability_costs:
        costs = exact(d.disability_costs)
        lines.add("kosten", costs / rules.c("disability adaptation"), costs)
    return lines


def r8_bui(d: Dwelling, rules: ZelfstandigRules) -> Lines:
    """§3.8: private 2 + 0.35/m2 (whole m2), shared 0.75/m2 per group of n / n; none -5; max 15."""
    lines = Lines("BUI")
    present = [(pos, o) for pos, o in enumerate(d.outdoor, start=1) if exact(o.surface_area) > 0]
    if not present:
        lines.add("geen_buitenruimte", rules.c("no outdoor space at all"))
        return lines
    p_rate = rules.c("private outdoor per m2")
    s_rate = rules.c("shared outdoor per m2")
    private = [(pos, o) for pos, o in present if max(1, o.shared_addresses) == 1]
    groups: dict[int, list] = {}
    for pos, o in present:
        n = max(1, o.shared_addresses)
        if n >= 2 and o.meets_shared_min_dimensions:
            groups.setdefault(n, []).append((pos, o))
    value = ZERO
    rounding = ZERO
    if private:
        lines.add("prive_aanwezig", rules.c("private outdoor presence"))
        total = ZERO
        for pos, o in private:
            a = r2(exact(o.surface_area))
            total += a
            lines.add(f"outdoor[{_ref(o, pos)}]", p_rate * a, a, always=True)
        rounding += p_rate * (rint(total) - total)
        value += rules.c("private outdoor presence") + p_rate * rint(total)
    for n, group in sorted(groups.items()):
        total = ZERO
        for pos, o in group:
            a = r2(exact(o.surface_area))
            total += a
            lines.add(f"outdoor[{_ref(o, pos)}]", s_rate * a / n, a, always=True)
        rounding += s_rate * (rint(total) - total) / n
        value += s_rate * rint(total) / n
    lines.add("afronding_m2", rounding)
    cap = rules.c("maximum")
    if value > cap:
        lines.add("maximum", cap - value)
    return lines


# --- rubriek 9 -------------------------------------------------------------------------


def r9_gvr(d: Dwelling, spaces: list[Space], rules: ZelfstandigRules) -> Lines:
    """§3.9: shared indoor spaces, per address; care homes a flat 3."""
    lines = Lines("GVR")
    if d.care_home:
        lines.add("zorgwoning", rules.c("care home (zorgwoning) flat value"))
        return lines
    shared = sorted((s for s in spaces if s.n >= 2), key=lambda s: s.order)
    # 1. area, grouped by (n, vertrek vs overige ruimte)
    groups: dict[tuple[int, str], list[Space]] = {}
    for s in shared:
        if s.cls != "N":
            groups.setdefault((s.n, "V" if s.cls == "V" else "O"), []).append(s)
    rounding = ZERO
    for (n, kind), group in sorted(groups.items()):
        rate = (
            rules.c("shared vertrek per m2")
            if kind == "V"
            else rules.c("shared overige ruimte per m2")
        )
        total = sum((s.a for s in group), ZERO)
        for s in group:
            lines.add(s.path, rate * s.a / n, s.a, always=True)
        rounding += rate * (rint(total) - total) / n
        if kind == "O":
            for s, c in attic_corrections(group):
                lines.add(f"zolder.{s.path}", c / n)
    lines.add("afronding_m2", rounding)
    # 2. heating and cooling, one shared pool, caps in input order
    cooled = heated_other = 0
    for s in shared:
        if s.cls == "V" and s.heated:
            lines.add(f"verwarmd.{s.path}", r2(TWO / s.n), 1)
            if s.cooled and cooled < 2:
                lines.add(f"gekoeld.{s.path}", r2(ONE / s.n), 1)
                cooled += 1
        elif s.cls in ("O", "OA") and s.heated and heated_other < 4:
            lines.add(f"verwarmd.{s.path}", r2(ONE / s.n), 1)
            heated_other += 1
    # 3. kitchens and 4. sanitary, every item divided by n and rounded to cents
    for s in shared:
        if s.block == "kitchen":
            items = kitchen_items(s.item, rules)
        elif s.block in ("sanitary", "toilet"):
            items = sanitary_items(s, rules)
        else:
            continue
        for what, pts, qty in items:
            lines.add(f"{s.path}.{what}", r2(pts / s.n), qty)
    return lines


# --- rubriek 10 ------------------------------------------------------------------------


def r10_gpa(d: Dwelling, rules: ZelfstandigRules) -> Lines:
    """§3.10: per parking item r2(type points x count / n), shared chargers r2(2 x count / n)."""
    lines = Lines("GPA")
    type_points = {
        1: rules.c("parking type I (closed garage of the complex)"),
        2: rules.c("parking type II (outside with roof / carport)"),
        3: rules.c("parking type III (outside without roof)"),
    }
    minimum = rules.c("minimum parking space")
    for pos, p in enumerate(d.parking, start=1):
        if exact(p.surface_area) < minimum or not p.count:
            continue
        n = max(1, p.shared_addresses)
        path = f"parking[{_ref(p, pos)}]"
        lines.add(path, r2(type_points[p.parking_type] * p.count / n), p.count)
        if p.charging_station and n >= 2:
            charger = rules.c("charging station on parking space")
            lines.add(f"{path}.laadpaal", r2(charger * p.count / n), p.count)
    return lines


# --- rubriek 11 and 12 -----------------------------------------------------------------


@dataclass(frozen=True)
class WozBasis:
    value: Decimal
    factor_year: int
    source: str
    valuation_year: int | None


def woz_basis(
    d: Dwelling, peildatum: dt.date, rules: ZelfstandigRules, source: str | None
) -> WozBasis:
    """§3.11.1: a relevant WOZ value, else 85 % of an appraisal, else the minimum WOZ."""
    py = peildatum.year
    if d.woz_value and d.woz_value > 0 and d.woz_valuation_year in (py - 1, py - 2):
        return WozBasis(
            exact(d.woz_value), d.woz_valuation_year, source or "portfolio", d.woz_valuation_year
        )
    year = rules.minimum_woz_factor_year
    if d.taxation_value and d.taxation_value > 0:
        return WozBasis(Decimal("0.85") * exact(d.taxation_value), year, "appraisal", None)
    return WozBasis(rules.minimum_woz, year, "fallback", None)


def woz_area(spaces: list[Space], d: Dwelling, rules: ZelfstandigRules) -> Decimal:
    """§3.11.2: A = rint(private V + O/OA areas + shared type-I parking area / n)."""
    total = sum((s.a for s in spaces if s.n == 1 and s.cls in ("V", "O", "OA")), ZERO)
    minimum = rules.c("minimum parking space")
    for p in d.parking:
        n = max(1, p.shared_addresses)
        area = exact(p.surface_area)
        if p.parking_type == 1 and n >= 2 and area >= minimum:
            total += area * p.count / n
    return rint(total)


def r12_parts(d: Dwelling, base: Decimal, rules: ZelfstandigRules) -> Lines:
    """§3.12: care home 35 % of R1-R10 + R11 (without 11.2), doorbell, private chargers."""
    lines = Lines("BIJ")
    if d.care_home:
        lines.add("zorgwoning", rules.c("care home uplift") / 100 * base, base)
    if d.doorbell:
        lines.add("deurbel", rules.c("video/audio doorbell with remote door opener"), 1)
    charger = rules.c("charging station (exclusive for residents)")
    for pos, p in enumerate(d.parking, start=1):
        if p.charging_station and max(1, p.shared_addresses) == 1 and p.count:
            lines.add(f"laadpaal.parking[{_ref(p, pos)}]", charger * p.count, p.count)
    if d.private_charging_stations:
        lines.add("laadpalen", charger * d.private_charging_stations, d.private_charging_stations)
    return lines


def r11_woz_r12_bij(
    d: Dwelling,
    spaces: list[Space],
    other: Decimal,
    peildatum: dt.date,
    rules: ZelfstandigRules,
    source: str | None,
) -> tuple[tuple[Decimal, list[Line]], Lines, WozBasis]:
    """§3.11.3-3.11.6 and §3.12. ``other`` = O = sum of q(R1..R10)."""
    basis = woz_basis(d, peildatum, rules, source)
    woz = Lines("WOZ")
    area = woz_area(spaces, d, rules)
    if area == 0:
        return woz.close(), r12_parts(d, other, rules), basis
    f = rules.woz_factors[basis.factor_year]
    year = d.completion_year
    usable = exact(d.usable_surface_area) if d.usable_surface_area is not None else ZERO
    corop = (
        d.corop_area_amsterdam_or_utrecht
        and 2018 <= year <= 2022
        and 0 < usable < rules.c("COROP small new-build max size")
    )
    f2 = f.f2_corop if corop else f.f2
    part1, part2 = basis.value / f.f1, basis.value / area / f2
    woz.add("waarde", part1, basis.value)
    woz.add("oppervlakte", part2, area)
    w = part1 + part2
    w0 = q(w)
    # 11.2 new-build 2015-2019 minimum; S = q(R1..R10) + R12 without the 11.2 uplift
    minimum = rules.c("new-build 2015-2019 minimum")
    newbuild = False
    if 2015 <= year <= 2019:
        bij_uncapped, _ = r12_parts(d, other + w0, rules).close()
        newbuild = other + bij_uncapped >= rules.c("new-build 2015-2019 threshold")
    if newbuild:
        if w < minimum:
            woz.add("minimum_nieuwbouw", minimum - w)
        r11 = q(max(w, minimum))
        r11_excl = w0
    elif corop:
        r11 = r11_excl = w0
    else:
        r11 = r11_excl = cap_woz(other, w, w0, rules)
        if r11 != w0:
            woz.add("maximering", r11 - w0)
    return woz.close(r11), r12_parts(d, other + r11_excl, rules), basis


def cap_woz(other: Decimal, w: Decimal, w0: Decimal, rules: ZelfstandigRules) -> Decimal:
    """§3.11.6: the 33 % cap at 187 points and the 186-point floor."""
    threshold = rules.c("cap threshold (total without cap)")
    if rint(other + w0) < threshold:
        return w0
    share = rules.c("cap share of WOZ points")
    m = other * share / (100 - share)
    if w <= m:
        return w0
    capped = floor(m)
    if rint(other + capped) < threshold:
        return rules.c("cap floor total") - other
    return capped


# --- surcharges, totals ----------------------------------------------------------------


def surcharge_pct(d: Dwelling, peildatum: dt.date, points: int, rules: ZelfstandigRules) -> Decimal:
    """§3.13 (Bhw art. 8a): percentages, added together."""
    pct = ZERO
    old_lease = d.lease_signed_date is not None and d.lease_signed_date < LEASE_REGIME_CHANGE
    if d.monument == "national" and not old_lease:
        pct += rules.c("rijksmonument (lease signed >= 2024-07-01)")
    elif d.monument in ("municipal", "provincial"):
        pct += rules.c("gemeentelijk or provinciaal monument")
    elif not d.monument and d.protected_cityscape and d.build_year < 1965:
        pct += rules.c("rijksbeschermd stads-/dorpsgezicht (built < 1965; not a monument)")
    if newbuild_surcharge(d, peildatum, points, rules):
        pct += rules.c("nieuwbouw in middensector")
    return pct


def newbuild_surcharge(
    d: Dwelling, peildatum: dt.date, points: int, rules: ZelfstandigRules
) -> bool:
    first, start = d.first_occupancy_date, d.construction_start_date
    if first is None or start is None or d.created_by_splitting:
        return False
    try:
        end = first.replace(year=first.year + 20)
    except ValueError:  # 29 February
        end = first.replace(year=first.year + 20, day=28)
    return (
        first > LEASE_REGIME_CHANGE
        and start < dt.date(2028, 1, 1)
        and rules.social_max_points < points < rules.free_min_points
        and peildatum < end
    )


def score(
    d: Dwelling, peildatum: dt.date, rules: ZelfstandigRules, woz_source: str | None = None
) -> DwellingResult:
    """Score one independent dwelling on ``peildatum`` with ``rules`` (§2.5 order)."""
    spaces = spaces_of(d)
    parts = [
        r1_ovz(spaces),
        r2_ooz(spaces),
        r3_vkv(d, spaces),
        r4_ene(d, peildatum, rules),
        r5_keu(spaces, rules),
        r6_san(spaces, rules),
        r7_geh(d, rules),
        r8_bui(d, rules),
        r9_gvr(d, spaces, rules),
        r10_gpa(d, rules),
    ]
    rubrieken: dict[str, Decimal] = {}
    lines: list[Line] = []
    for part in parts:
        value, ls = part.close()
        rubrieken[part.code] = value
        lines += ls
    other = sum(rubrieken.values(), ZERO)
    woz, bij, basis = r11_woz_r12_bij(d, spaces, other, peildatum, rules, woz_source)
    rubrieken["WOZ"], woz_lines = woz
    lines += woz_lines
    bij_value, bij_lines = bij.close()
    rubrieken["BIJ"] = bij_value
    lines += bij_lines
    pmn = Lines("PMN")
    if (
        d.monument == "national"
        and d.lease_signed_date is not None
        and d.lease_signed_date < LEASE_REGIME_CHANGE
    ):
        pmn.add("rijksmonument", rules.c("rijksmonument (lease signed < 2024-07-01)"))
    rubrieken["PMN"], pmn_lines = pmn.close()
    lines += pmn_lines
    points_exact = sum(rubrieken.values(), ZERO)
    points = int(rint(points_exact))
    max_rent = rules.max_rent_for(points)
    pct = surcharge_pct(d, peildatum, points, rules)
    amount = r2(max_rent * pct / 100)
    return DwellingResult(
        dwelling_id=d.dwelling_id,
        kind="independent",
        peildatum=peildatum,
        rubrieken={code: r2(rubrieken[code]) for code in RUBRIEKEN},
        lines=lines,
        points_exact=r2(points_exact),
        points=points,
        max_rent=max_rent,
        surcharge_pct=r2(pct),
        max_rent_with_surcharge=max_rent + amount,
        sector=rules.sector_for(points),
        woz_source=basis.source,
        woz_value_used=r2(basis.value),
        woz_valuation_year_used=basis.valuation_year,
    )
