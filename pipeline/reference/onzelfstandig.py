"""Per-dwelling reference scorer for onzelfstandige woonruimten (Bhw Bijlage I onder B).

The executable specification: written straight from ``shared/spec/wws/onzelfstandig.md``
(section numbers cited per rubriek), exact ``Decimal`` arithmetic, half-up rounding only
where the law or the chosen profile rounds. Profile: the package reading "H" with the
overrides O1-O8 of spec §4 (recorded in the rule folder's ``manifest.toml`` and, per
rubriek, in ``docs/onzelfstandig.md``). It shares schemas and rule-set parameters with the
vectorised engine but no rule code; property tests require both to agree line by line.

Notation of the spec: ``A`` = r2(area), ``n`` = shared_spaces, ``m`` = shared_addresses
(both already read as 1 when missing or 0 by :mod:`schemas.dwelling`), ``Q`` = quarter
rounding (:func:`schemas.numbers.q`).

Divisions by ``n`` and ``m·n`` are kept as exact fractions (``Fraction``) wherever their sum
is rounded later (areas, rubriek 4, 8, 9, 12): a sum of quotients like 1/3 + 1/6 can land
exactly on a rounding tie that 28-digit decimals would miss. Lines are still decimals
(4 places, half away from zero); values that the profile rounds to cents stay ``Decimal``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from pipeline.corop import resolve_corop
from pipeline.rules.onzelfstandig import PARKING_TYPES, OnzelfstandigRules
from schemas.dwelling import KITCHEN_FEATURES, Dwelling
from schemas.numbers import exact, q, r2, rint
from schemas.results import DwellingResult, Line

RUBRIEKEN = (
    "OVZ", "OOZ", "VKV", "ENE", "KEU", "SAN", "GEH", "BUI", "GBA", "GPA", "WOZ", "BIJ", "AFT",
    "PMO",
)  # fmt: skip

ZERO = Decimal(0)
ONE = Decimal(1)
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

Item = tuple[str, Decimal, "Decimal | int | None"]  # (line suffix, points, quantity)
Num = Decimal | Fraction | int


def _round(x: Num, places: int) -> Decimal:
    """``x`` rounded to ``places`` decimals, half away from zero, exactly (also a Fraction)."""
    f = Fraction(x)
    scale = 10**places
    num = abs(f.numerator) * scale * 2 + f.denominator
    units = num // (2 * f.denominator)
    sign = -1 if f < 0 else 1
    return Decimal(sign * units).scaleb(-places)


def fr2(x: Num) -> Decimal:
    """r2 of an exact number."""
    return _round(x, 2)


def fint(x: Num) -> Decimal:
    """rint of an exact number."""
    return _round(x, 0)


def fq(x: Num) -> Decimal:
    """Quarter rounding (spec §1.2) of an exact number."""
    return _round(Fraction(x) * 4, 0) / 4


def line4(x: Num) -> Decimal:
    """A line's points or quantity: 4 decimals, half away from zero."""
    return _round(x, 4)


def F(x: Num) -> Fraction:
    return Fraction(x)


@dataclass(frozen=True)
class Space:
    """An indoor space with its §1.5 class: V (vertrek), O (overige ruimte), OA (attic
    without fixed staircase: an overige ruimte with the §2.2 deduction) or N (no area)."""

    block: str
    ref: str
    order: int  # input order over rooms, kitchen, sanitary, toilet (H caps, 8+ tie-break)
    item: object
    raw: Decimal  # the exact input area
    a: Decimal  # A = r2(area)
    n: int  # shared_spaces
    m: int  # shared_addresses
    cls: str

    @property
    def path(self) -> str:
        return f"{self.block}[{self.ref}]"

    @property
    def mn(self) -> int:
        return self.m * self.n

    @property
    def same_address(self) -> bool:
        """§1.4: valued in rubrieken 1-6 (``m = 1``); otherwise only in rubriek 9."""
        return self.m == 1

    @property
    def heated(self) -> bool:
        return bool(self.item.heated)

    @property
    def cooled(self) -> bool:
        return bool(self.item.cooled)


def _ref(item, position: int) -> str:
    return item.space_id if item.space_id not in (None, "") else str(position)


def classify(block: str, item, raw: Decimal, rules: OnzelfstandigRules) -> str:
    """§1.5 classification; thresholds on the unrounded area.

    ``kitchen`` / ``sanitary`` rows follow the project decision on ``type_of_room``
    (``shared/spec/README.md``): ``room`` = a vertrek whatever its area, ``other`` = an
    overige ruimte from 2 m². A ``toilet`` row is at most an overige ruimte. O5: an attic
    without fixed staircase is never a vertrek, an overige ruimte from 2 m².
    """
    v_min, o_min = rules.min_vertrek_m2, rules.min_overige_m2
    if block == "rooms":
        if item.attic_without_fixed_staircase:
            return "OA" if raw >= o_min else "N"
        if item.type_of_room == "room":
            return "V" if raw >= v_min else ("O" if raw >= o_min else "N")
        return "O" if raw >= o_min else "N"
    if block in ("kitchen", "sanitary") and item.type_of_room == "room":
        return "V"
    return "O" if raw >= o_min else "N"


def spaces_of(d: Dwelling, rules: OnzelfstandigRules) -> list[Space]:
    out = []
    order = 0
    for block in INDOOR_BLOCKS:
        for pos, item in enumerate(getattr(d, block), start=1):
            raw = exact(item.surface_area)
            out.append(
                Space(
                    block,
                    _ref(item, pos),
                    order,
                    item,
                    raw,
                    r2(raw),
                    max(1, item.shared_spaces),
                    max(1, item.shared_addresses),
                    classify(block, item, raw, rules),
                )
            )
            order += 1
    return out


class Lines:
    """Collects the lines of one rubriek and closes it with its quarter rounding."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.items: list[Line] = []
        self.exact = Fraction(0)  # the unrounded sum the law rounds

    def add(self, what: str, points: Num, quantity: Num | None = None, *, always=False) -> None:
        self.exact += Fraction(points)
        value = line4(points)
        if value != 0 or always:  # a line too small for 4 decimals is left to `afronding`
            qty = None if quantity is None else line4(quantity)
            self.items.append(Line(self.code, f"{self.code.lower()}.{what}", qty, value))

    def close(self, value: Decimal | None = None) -> tuple[Decimal, list[Line]]:
        """``value`` overrides Q(sum) where the rubriek is not a plain quarter-rounded sum."""
        total = fq(self.exact) if value is None else value
        rest = total - sum((ln.points for ln in self.items), ZERO)
        if rest != 0:
            self.items.append(Line(self.code, f"{self.code.lower()}.afronding", None, rest))
        return total, self.items


def _div_h(points: Decimal, divisor: int) -> Decimal:
    """Profile H on shared item lines of rubrieken 3, 5, 6, 10 (spec Q4): round2(round2(p)/d)."""
    return points if divisor == 1 else r2(r2(points) / divisor)


# --- rubriek 1 and 2 ---------------------------------------------------------------------


def vertrekken(spaces: list[Space]) -> list[Space]:
    """The same-address vertrekken of rubriek 1 (also the area of rubrieken 4 and 13)."""
    return [s for s in spaces if s.same_address and s.cls == "V"]


def r1_ovz(spaces: list[Space]) -> Lines:
    """§2.1: P1 = round0( Σ A(s) / n(s) ) over same-address vertrekken."""
    lines = Lines("OVZ")
    total = Fraction(0)
    for s in vertrekken(spaces):
        share = F(s.a) / s.n
        total += share
        if s.a > 0:
            lines.add(s.path, share, s.a, always=True)
    lines.add("afronding_m2", F(fint(total)) - total)
    return lines


def effective_vertrek_area(spaces: list[Space]) -> Decimal:
    """§2.1: E1 = round2( Σ round2( A(s) / n(s) ) ), used by the rubriek-13 deduction."""
    return r2(sum((fr2(F(s.a) / s.n) for s in vertrekken(spaces)), ZERO))


def attic_corrections(group: list[Space], rules: OnzelfstandigRules) -> list[tuple[Space, Decimal]]:
    """§2.2: c_s = −min(5, (round0(S) − round0(S − A(s))) × 0.75) per attic of the group."""
    total = sum((s.a for s in group), ZERO)
    out = []
    for s in group:
        if s.cls == "OA":
            drop = (rint(total) - rint(total - s.a)) * rules.overige_rate
            out.append((s, -min(rules.attic_max_deduction, drop)))
    return out


def r2_ooz(spaces: list[Space], rules: OnzelfstandigRules) -> Lines:
    """§2.2 profile H: per sharing group G_n = Q(round0(S_n) × 0.75 / n), attic corrections
    (÷ n and round2 when n ≥ 2), P2 = Q(Σ G_n + Σ c_s)."""
    lines = Lines("OOZ")
    rate = rules.overige_rate
    groups: dict[int, list[Space]] = {}
    for s in spaces:
        if s.same_address and s.cls in ("O", "OA"):
            groups.setdefault(s.n, []).append(s)
    area_rounding = group_rounding = Fraction(0)
    corrections: list[tuple[Space, Decimal]] = []
    for n, group in sorted(groups.items()):
        total = sum((s.a for s in group), ZERO)
        for s in group:
            lines.add(s.path, F(rate * s.a) / n, s.a, always=True)
        area_rounding += F(rate * (rint(total) - total)) / n
        g = F(rint(total) * rate) / n
        group_rounding += F(fq(g)) - g
        for s, c in attic_corrections(group, rules):
            corrections.append((s, c if n == 1 else fr2(F(c) / n)))
    lines.add("afronding_m2", area_rounding)
    lines.add("afronding_groep", group_rounding)
    for s, c in corrections:
        lines.add(f"zolder.{s.path}", c)
    return lines


# --- rubriek 3 -----------------------------------------------------------------------------


def heating_items(
    spaces: list[Space], d: Dwelling, rules: OnzelfstandigRules, *, circulation: int
) -> list[tuple[Space | None, str, Decimal]]:
    """§2.3 profile H: one pool in input order; heated vertrek 2; heated overige ruimte (and
    verkeersruimte) 1 for the first 4; heated+cooled vertrek +1 for the first 2. Returns
    (space, kind, points before division); ``space`` None = heated circulation spaces."""
    out: list[tuple[Space | None, str, Decimal]] = []
    cooled = other = 0
    for s in sorted(spaces, key=lambda s: s.order):
        if not s.heated:
            continue
        if s.cls == "V":
            out.append((s, "verwarmd", rules.heated_vertrek))
            is_cooled = s.cooled or d.low_overheating_risk_label
            if is_cooled and cooled < rules.max_cooled_vertrek_spaces:
                out.append((s, "gekoeld", rules.cooled_vertrek))
                cooled += 1
        elif s.cls in ("O", "OA") and other < rules.max_heated_overige_spaces:
            out.append((s, "verwarmd_overig", rules.heated_overige))
            other += 1
    if circulation:
        take = min(circulation, rules.max_heated_overige_spaces - other)
        if take > 0:
            out.append((None, "verkeersruimten", take * rules.heated_overige))
    return out


def r3_vkv(d: Dwelling, spaces: list[Space], rules: OnzelfstandigRules) -> Lines:
    """§2.3: same-address spaces, each contribution ÷ n (H: round2 per item)."""
    lines = Lines("VKV")
    same = [s for s in spaces if s.same_address]
    for s, kind, pts in heating_items(same, d, rules, circulation=d.heated_circulation_spaces):
        if s is None:
            count = int(pts / rules.heated_overige)
            lines.add(kind, pts, count)
        else:
            lines.add(f"{kind}.{s.path}", _div_h(pts, s.n), 1)
    return lines


# --- rubriek 4 -----------------------------------------------------------------------------


def energy_valid(d: Dwelling, peildatum: dt.date) -> bool:
    """§2.4 validity: registered on or before the peildatum and not yet expired."""
    if d.energy_label_registered_on is not None and d.energy_label_registered_on > peildatum:
        return False
    if d.energy_label_valid_until is not None and peildatum >= d.energy_label_valid_until:
        return False
    return True


def r4_ene(
    d: Dwelling, spaces: list[Space], peildatum: dt.date, rules: OnzelfstandigRules
) -> Lines:
    """§2.4 with O1: points = E4 × rate, E4 = Σ A(s)/n(s) over same-address vertrekken (exact).

    Rate: EPV 0.50, else a valid label, else a valid energy index, else the build year,
    else nothing; a monument (national/municipal/provincial) never goes below 0.
    """
    lines = Lines("ENE")
    area = sum((F(s.a) / s.n for s in vertrekken(spaces)), Fraction(0))
    valid = energy_valid(d, peildatum)
    ei = exact(d.energy_index) if d.energy_index is not None else ZERO
    if d.energy_performance_compensation:
        what, ppm = "epv_per_m2", rules.epv_per_m2
    elif d.energy_label and valid:
        what, ppm = "label_per_m2", rules.label_per_m2[d.energy_label]
    elif d.energy_index_existence and ei > 0 and valid:
        what, ppm = "energie_index_per_m2", rules.energy_index_ppm(ei)
    elif d.build_year is not None:
        what, ppm = "bouwjaar_per_m2", rules.build_year_ppm(d.build_year)
    else:
        return lines
    pts = area * F(ppm)
    lines.add(what, pts, area, always=True)
    if d.monument and pts < 0:
        lines.add("monument_minimum", -pts)
    return lines


# --- rubriek 5 -----------------------------------------------------------------------------


def countertop_mm(length_m: float) -> int:
    """The countertop length in whole mm (the project's convention for both kinds)."""
    return int(rint(exact(length_m) * 1000))


def kitchen_items(kitchen, n: int, rules: OnzelfstandigRules) -> list[Item]:
    """§2.5 per kitchen, before division: base B (O4 boundaries, 13 only when n ≥ 8), each
    feature, and the cap of the extras to B. A countertop without sink is no kitchen."""
    l_mm = countertop_mm(kitchen.countertop_length)
    if not kitchen.has_sink:
        return []
    base = rules.countertop_points(Decimal(l_mm) / 1000, n)
    if base == 0:
        return []
    items: list[Item] = [("aanrecht", base, Decimal(l_mm) / 1000)]
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


def r5_keu(spaces: list[Space], rules: OnzelfstandigRules) -> Lines:
    """§2.5: P5 = Q(Σ kitchens (B + min(X, B)) / n), H: every item line round2(line / n)."""
    lines = Lines("KEU")
    for s in spaces:
        if s.block == "kitchen" and s.same_address:
            for what, pts, qty in kitchen_items(s.item, s.n, rules):
                lines.add(f"{s.path}.{what}", _div_h(pts, s.n), qty)
    return lines


# --- rubriek 6 -----------------------------------------------------------------------------


def _is_bathroom(s: Space) -> bool:
    return s.block == "sanitary" and (s.item.shower_count() > 0 or s.item.bath_count() > 0)


def washbasin_counts(s: Space, rules: OnzelfstandigRules) -> tuple[int, int]:
    """(washbasins, multi-person washbasins) of a space; a kitchen's countertop with sink
    shorter than 1 m counts as a washbasin (§2.6)."""
    item = s.item
    if s.block == "kitchen":
        l_mm = countertop_mm(item.countertop_length)
        short_sink = 1 if (0 < l_mm < 1000 and item.has_sink) else 0
        return short_sink + item.washbasin, 0
    if s.block == "sanitary":
        f = item.sanitary_features
        return f.washbasin, f.multi_person_washbasin
    return item.washbasin, item.multi_person_washbasin


def exception_space(d: Dwelling, spaces: list[Space], rules: OnzelfstandigRules) -> Space | None:
    """§2.6 / §8.8: the one non-bathroom space whose washbasin maxima are lifted when the
    address has 8+ units (approximated: some space of the dwelling has n ≥ 8). Chosen by
    the highest gain Σ max(count − 1, 0) × unit / (m·n), ties by input order; in a care home
    address-shared spaces are not candidates."""
    limit = rules.units_for_washbasin_exception
    blocks = [getattr(d, b) for b in ("rooms", "kitchen", "sanitary", "toilet", "outdoor")]
    if not any(max(1, x.shared_spaces) >= limit for block in blocks for x in block):
        return None
    best, best_gain = None, Fraction(0)
    for s in sorted(spaces, key=lambda s: s.order):
        if _is_bathroom(s) or (d.care_home and not s.same_address):
            continue
        wb, mp = washbasin_counts(s, rules)
        gain = (
            F(max(wb - 1, 0) * rules.washbasin + max(mp - 1, 0) * rules.multi_person_washbasin)
            / s.mn
        )
        if gain > best_gain:
            best, best_gain = s, gain
    return best


def _washbasin_items(wb: int, mp: int, capped: bool, rules: OnzelfstandigRules) -> list[Item]:
    items: list[Item] = []
    if wb:
        items.append(("washbasin", wb * rules.washbasin, wb))
    if mp:
        items.append(("multi_person_washbasin", mp * rules.multi_person_washbasin, mp))
    if capped and wb > 1:
        items.append(("max_wastafel", -(wb - 1) * rules.washbasin, None))
    if capped and mp > 1:
        items.append(("max_meerpersoonswastafel", -(mp - 1) * rules.multi_person_washbasin, None))
    return items


def _bath_shower_items(showers: int, baths: int, rules: OnzelfstandigRules) -> list[Item]:
    pairs = min(showers, baths)
    items: list[Item] = []
    if pairs:
        items.append(("shower_bath", pairs * rules.bath_and_shower, pairs))
    if baths - pairs:
        items.append(("bath", (baths - pairs) * rules.bath, baths - pairs))
    if showers - pairs:
        items.append(("shower", (showers - pairs) * rules.shower, showers - pairs))
    return items


def sanitary_items(s: Space, exempt: bool, rules: OnzelfstandigRules) -> list[Item]:
    """§2.6 rubriek-6 items of one space (any indoor block), before division.

    ``exempt``: this space is the 8+ exception space (no per-space washbasin maxima).
    """
    item = s.item
    wb, mp = washbasin_counts(s, rules)
    if s.block == "toilet":
        rate = rules.toilet_room_wall_hung if item.wall_hung_toilet else rules.toilet_room_standing
        what = "wall_hung_toilet" if item.wall_hung_toilet else "toilet"
        out: list[Item] = [(what, item.toilets * rate, item.toilets)] if item.toilets else []
        return out + _washbasin_items(wb, mp, not exempt, rules)
    if s.block == "kitchen":
        return _washbasin_items(wb, mp, not exempt, rules)
    if s.block == "rooms":
        return _washbasin_items(wb, mp, not exempt, rules) + _bath_shower_items(
            item.showers, item.baths, rules
        )
    showers, baths = item.shower_count(), item.bath_count()
    bathroom = showers > 0 or baths > 0
    items: list[Item] = []
    standing = rules.bathroom_standing if bathroom else rules.toilet_room_standing
    hung = rules.bathroom_wall_hung if bathroom else rules.toilet_room_wall_hung
    if item.toilet:
        items.append(("toilet", item.toilet * standing, item.toilet))
    if item.wall_hung_toilet:
        items.append(("wall_hung_toilet", item.wall_hung_toilet * hung, item.wall_hung_toilet))
    items += _washbasin_items(wb, mp, not bathroom and not exempt, rules)
    bath_shower = _bath_shower_items(showers, baths, rules)
    items += bath_shower
    if bathroom and (wb + mp) >= 1:
        bs_points = sum((p for _, p, _ in bath_shower), ZERO)
        feats = item.sanitary_features
        extras = ZERO
        for f in SANITARY_EXTRAS:
            count = getattr(feats, f)
            if not count:
                continue
            unit = rules.sanitary_extra_points[f]
            pts = count * unit
            items.append((f, pts, count))
            extras += pts
            if f == "cupboard_space" and pts > rules.cupboard_space_cap:
                cap = rules.cupboard_space_cap - pts
                items.append(("max_cupboard_space", cap, None))
                extras += cap
            allowed = rules.power_outlets_per_washbasin * (wb + mp)
            if f == "power_outlet" and count > allowed:
                cap = -(count - allowed) * unit
                items.append(("max_power_outlet", cap, None))
                extras += cap
        if extras > bs_points:
            items.append(("max_extras", bs_points - extras, None))
    return items


def r6_san(spaces: list[Space], exempt: Space | None, rules: OnzelfstandigRules) -> Lines:
    """§2.6: P6 = Q(Σ raw / n) over same-address spaces, H: every item line round2(line / n)."""
    lines = Lines("SAN")
    for s in spaces:
        if s.same_address:
            for what, pts, qty in sanitary_items(s, s is exempt, rules):
                lines.add(f"{s.path}.{what}", _div_h(pts, s.n), qty)
    return lines


# --- rubriek 7 and 8 -----------------------------------------------------------------------


def r7_geh(d: Dwelling, rules: OnzelfstandigRules) -> Lines:
    """§2.7 with O8: Q(disability_costs / 332 / max(1, disabled_people)), pro rata."""
    lines = Lines("GEH")
    if d.disability_costs:
        costs = exact(d.disability_costs)
        people = max(1, d.disabled_people)
        lines.add("kosten", F(costs) / F(rules.disability_eur_per_point) / people, costs)
    return lines


def r8_bui(d: Dwelling, rules: OnzelfstandigRules) -> Lines:
    """§2.8: private 0.35 × a (+2 once, O6: only with a private space of area > 0), shared
    0.75 × a / (m·n) (only when meeting the shared minimum dimensions); P8 = Q(min(15, Σ))."""
    lines = Lines("BUI")
    value = Fraction(0)
    bonus = False
    for pos, o in enumerate(d.outdoor, start=1):
        a = exact(o.surface_area)
        m, n = max(1, o.shared_addresses), max(1, o.shared_spaces)
        path = f"outdoor[{_ref(o, pos)}]"
        if m == 1 and n == 1:
            pts = F(rules.outdoor_private_rate * a)
            bonus = bonus or a > 0
        elif o.meets_shared_min_dimensions:
            pts = F(rules.outdoor_shared_rate * a) / (m * n)
        else:
            pts = Fraction(0)
        lines.add(path, pts, a, always=True)
        value += pts
    if bonus:
        lines.add("prive_aanwezig", rules.outdoor_private_bonus)
        value += F(rules.outdoor_private_bonus)
    if value > rules.outdoor_cap:
        lines.add("maximum", F(rules.outdoor_cap) - value)
    return lines


# --- rubriek 9 -----------------------------------------------------------------------------


def r9_gba(
    d: Dwelling, spaces: list[Space], exempt: Space | None, rules: OnzelfstandigRules
) -> Lines:
    """§2.9: indoor spaces shared with other addresses (m ≥ 2), every part ÷ (m·n) exactly;
    care home: a fixed 3 and nothing else."""
    lines = Lines("GBA")
    if d.care_home:
        lines.add("zorgwoning", rules.care_home_gba_points)
        return lines
    shared = sorted((s for s in spaces if not s.same_address), key=lambda s: s.order)
    # 1. area, grouped by (m, n, vertrek / overige ruimte)
    groups: dict[tuple[int, int, str], list[Space]] = {}
    for s in shared:
        if s.cls != "N":
            groups.setdefault((s.m, s.n, "V" if s.cls == "V" else "O"), []).append(s)
    rounding = Fraction(0)
    for (m, n, kind), group in sorted(groups.items()):
        rate = rules.gba_vertrek_rate if kind == "V" else rules.gba_overige_rate
        total = sum((s.a for s in group), ZERO)
        for s in group:
            if kind == "O" or s.a > 0:
                lines.add(s.path, F(rate * s.a) / (m * n), s.a, always=True)
        rounding += F(rate * (rint(total) - total)) / (m * n)
        if kind == "O":
            for s, c in attic_corrections(group, rules):
                lines.add(f"zolder.{s.path}", fr2(F(c) / (m * n)))
    lines.add("afronding_m2", rounding)
    # 2. heating and cooling: H caps over the rubriek-9 spaces, input order
    for s, kind, pts in heating_items(shared, d, rules, circulation=0):
        lines.add(f"{kind}.{s.path}", F(pts) / s.mn, 1)
    # 3. kitchens and 4. sanitary
    for s in shared:
        items = kitchen_items(s.item, s.n, rules) if s.block == "kitchen" else []
        items += sanitary_items(s, s is exempt, rules)
        for what, pts, qty in items:
            lines.add(f"{s.path}.{what}", F(pts) / s.mn, qty)
    return lines


# --- rubriek 10 ----------------------------------------------------------------------------


def parking_in_gpa(p, rules: OnzelfstandigRules) -> bool:
    """A parking row scores in rubriek 10 when its spots are at least 12 m² (§2.10)."""
    return p.count > 0 and exact(p.surface_area) >= rules.parking_min_m2


def r10_gpa(d: Dwelling, rules: OnzelfstandigRules) -> Lines:
    """§2.10 with O3: per row r2(points × count / (m·n)), charger r2(2 × count / (m·n)),
    also for private rows (huurprijscheck practice)."""
    lines = Lines("GPA")
    for pos, p in enumerate(d.parking, start=1):
        if not parking_in_gpa(p, rules):
            continue
        mn = max(1, p.shared_addresses) * max(1, p.shared_spaces)
        path = f"parking[{_ref(p, pos)}]"
        pts = rules.parking_points[PARKING_TYPES[p.parking_type]] * p.count
        lines.add(path, _div_h(pts, mn), p.count)
        if p.charging_station:
            lines.add(
                f"{path}.laadpaal", _div_h(rules.parking_charger_points * p.count, mn), p.count
            )
    return lines


# --- rubriek 11 ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WozBasis:
    value: Decimal | None  # None: no WOZ and no appraisal (10 points)
    valuation_year: int | None  # the waardepeildatum year whose COROP average applies
    source: str


def woz_basis(
    d: Dwelling, peildatum: dt.date, rules: OnzelfstandigRules, source: str | None
) -> WozBasis:
    """§2.11.1-2: a WOZ value with waardepeildatum 1-1-(Y−1) or 1-1-(Y−2), else 85 % of an
    appraisal (average of the newest usable year), else none."""
    years = (peildatum.year - 1, peildatum.year - 2)
    if d.woz_value and d.woz_value > 0 and d.woz_valuation_year in years:
        return WozBasis(exact(d.woz_value), d.woz_valuation_year, source or "portfolio")
    if d.taxation_value and d.taxation_value > 0:
        return WozBasis(rules.appraisal_factor * exact(d.taxation_value), years[0], "appraisal")
    return WozBasis(None, None, "fallback")


def r11_woz(
    d: Dwelling, peildatum: dt.date, rules: OnzelfstandigRules, source: str | None
) -> tuple[Lines, WozBasis, list[str]]:
    """§2.11: WOZ per m² of the address against the COROP average of the same waardepeildatum
    year: > +10 % 14, within ±10 % 12, below 10; no WOZ 10. Unscorable (no usable area,
    unknown COROP, no average) contributes 0 and says so in the notes."""
    lines = Lines("WOZ")
    basis = woz_basis(d, peildatum, rules, source)
    if basis.value is None:
        lines.add("geen_woz", rules.woz_none)
        return lines, basis, []
    slug = resolve_corop(d.corop_region)
    area = exact(d.usable_surface_area) if d.usable_surface_area is not None else ZERO
    avg = rules.corop_average.get((slug, basis.valuation_year)) if slug else None
    if area <= 0 or avg is None:
        why = (
            "usable_surface_area is 0" if area <= 0 else f"no COROP average for {d.corop_region!r}"
        )
        return lines, basis, [f"WOZ not scored: {why}"]
    w, band = basis.value, rules.woz_band_pct
    if 100 * w > (100 + band) * area * avg:
        what, pts = "boven_gemiddelde", rules.woz_high
    elif 100 * w >= (100 - band) * area * avg:
        what, pts = "rond_gemiddelde", rules.woz_middle
    else:
        what, pts = "onder_gemiddelde", rules.woz_low
    lines.add(what, pts, F(w) / F(area))
    return lines, basis, []


# --- rubriek 12, 13, 14 --------------------------------------------------------------------


def r12_bij(d: Dwelling, base: Decimal, rules: OnzelfstandigRules) -> Lines:
    """§2.12 with O2: care home Q(0.35 × Σ Q(P1..P11)), doorbell 0.25, chargers that did not
    score in rubriek 10: 2 × count / (m·n) per parking row, 2 per private charging station."""
    lines = Lines("BIJ")
    if d.care_home:
        lines.add("zorgwoning", q(rules.care_home_uplift * base), base)
    if d.doorbell:
        lines.add("deurbel", rules.doorbell_points, 1)
    for pos, p in enumerate(d.parking, start=1):
        if p.charging_station and p.count and not parking_in_gpa(p, rules):
            mn = max(1, p.shared_addresses) * max(1, p.shared_spaces)
            pts = F(rules.charging_station_points * p.count) / mn
            lines.add(f"laadpaal.parking[{_ref(p, pos)}]", pts, p.count)
    if d.private_charging_stations:
        n = d.private_charging_stations
        lines.add("laadpalen", rules.charging_station_points * n, n)
    return lines


def _window_field(v: float | bool | None) -> Decimal | bool | None:
    """A living-room window field: the measured number (exact) or the caller's flag."""
    if v is None or isinstance(v, bool):
        return v
    return exact(v)


def r13_aft(d: Dwelling, spaces: list[Space], rules: OnzelfstandigRules) -> Lines:
    """§2.13 with O7: −4 for each of the four situations."""
    lines = Lines("AFT")
    minus = rules.deduction_points
    e1 = effective_vertrek_area(spaces)
    if e1 < rules.min_effective_vertrek_m2:
        lines.add("oppervlakte_vertrekken", minus, e1)
    if d.accessibility_via_landlord:
        lines.add("toegang_via_verhuurder", minus)
    glass = _window_field(d.glass_surface_living_room)
    if glass is True or (isinstance(glass, Decimal) and glass < rules.min_glass_m2):
        lines.add("glasoppervlak", minus, None if glass is True else glass)
    frame = _window_field(d.lowest_window_frame_living_room)
    if frame is True or (isinstance(frame, Decimal) and frame > rules.max_window_frame_m):
        lines.add("raamkozijn", minus, None if frame is True else frame)
    return lines


def _old_lease(d: Dwelling, rules: OnzelfstandigRules) -> bool:
    """§2.14: no lease date = the peildatum is the lease date (always after 2024-07-01)."""
    return d.lease_signed_date is not None and d.lease_signed_date < rules.wbh_lease_date


def r14_pmo(d: Dwelling, rules: OnzelfstandigRules) -> Lines:
    """§2.14: +10 points for a rijksmonument let before 2024-07-01 (percentages: below)."""
    lines = Lines("PMO")
    if d.monument == "national" and _old_lease(d, rules):
        lines.add("rijksmonument", rules.national_monument_points)
    return lines


def surcharge_pct(d: Dwelling, rules: OnzelfstandigRules) -> Decimal:
    """§2.14: rijksmonument (new lease) 35 %, gemeentelijk/provinciaal 15 %, protected
    cityscape (built before 1965, not a monument) 5 %."""
    if d.monument == "national":
        return ZERO if _old_lease(d, rules) else rules.national_monument_pct
    if d.monument in ("municipal", "provincial"):
        return rules.other_monument_pct
    if (
        d.protected_cityscape
        and d.build_year is not None
        and d.build_year < rules.cityscape_build_year_before
    ):
        return rules.cityscape_pct
    return ZERO


# --- totals --------------------------------------------------------------------------------


def score(
    d: Dwelling, peildatum: dt.date, rules: OnzelfstandigRules, woz_source: str | None = None
) -> DwellingResult:
    """Score one non-independent dwelling on ``peildatum`` with ``rules`` (§1.1 order)."""
    spaces = spaces_of(d, rules)
    exempt = exception_space(d, spaces, rules)
    parts = [
        r1_ovz(spaces),
        r2_ooz(spaces, rules),
        r3_vkv(d, spaces, rules),
        r4_ene(d, spaces, peildatum, rules),
        r5_keu(spaces, rules),
        r6_san(spaces, exempt, rules),
        r7_geh(d, rules),
        r8_bui(d, rules),
        r9_gba(d, spaces, exempt, rules),
        r10_gpa(d, rules),
    ]
    rubrieken: dict[str, Decimal] = {}
    lines: list[Line] = []
    for part in parts:
        value, ls = part.close()
        rubrieken[part.code] = value
        lines += ls
    woz, basis, notes = r11_woz(d, peildatum, rules, woz_source)
    rubrieken["WOZ"], woz_lines = woz.close()
    lines += woz_lines
    base = sum(rubrieken.values(), ZERO)  # Σ Q(P1..P11)
    for part in (r12_bij(d, base, rules), r13_aft(d, spaces, rules), r14_pmo(d, rules)):
        value, ls = part.close()
        rubrieken[part.code] = value
        lines += ls
    points_exact = sum(rubrieken.values(), ZERO)
    points = int(rint(points_exact))
    max_rent = rules.max_rent_for(points)
    pct = surcharge_pct(d, rules)
    amount = r2(max_rent * pct / 100)
    return DwellingResult(
        dwelling_id=d.dwelling_id,
        kind="non_independent",
        peildatum=peildatum,
        rubrieken={code: r2(rubrieken[code]) for code in RUBRIEKEN},
        lines=lines,
        points_exact=r2(points_exact),
        points=points,
        max_rent=max_rent,
        surcharge_pct=r2(pct),
        max_rent_with_surcharge=max_rent + amount,
        sector="social",
        woz_source=basis.source,
        woz_value_used=None if basis.value is None else r2(basis.value),
        woz_valuation_year_used=basis.valuation_year,
        notes=notes,
    )
