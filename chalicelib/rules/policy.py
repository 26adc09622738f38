"""The policy model (医保待遇政策): a region's numbers, by version and effective date.

Every number the rules use lives in a policy file ``chalicelib/policies/<region>/*.json``,
never in code, each with its ``source`` (a seed citation such as ``000:131``, a
document, or "demo"). A file is checked against ``policy.schema.json`` (Draft
2020-12, the validator compiled once per process) and then for consistency the
schema cannot express: overlapping versions of one region, bands out of order,
a ratio above 100%. Failures raise :class:`PolicyError` naming the file and the
field path. Imports only the stdlib here; ``jsonschema`` is imported when a file
is first validated.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar, cast

from chalicelib.rules.fields import field_path, one_line
from chalicelib.rules.money import parse_pct, parse_policy_yuan, round_half_up

Scheme = Literal["resident", "employee"]
Kind = Literal["inpatient", "outpatient", "chronic_outpatient"]
Group = Literal["tekun", "dibao", "low_income", "poverty_exited"]
LayerId = Literal["basic", "critical_illness", "medical_assistance", "safety_net"]
LayerBase = Literal[
    "in_policy_above_deductible", "in_policy_less_prior", "personal_less_prior", "personal"
]
Where = Literal["anywhere", "in_county_or_referral", "out_of_area_referred_or_filed"]

PACKAGED_POLICIES = Path(__file__).resolve().parent.parent / "policies"
POLICY_SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "policy.schema.json"

_LAYER_BASES: Mapping[str, frozenset[str]] = {
    "basic": frozenset({"in_policy_above_deductible"}),
    "critical_illness": frozenset({"in_policy_less_prior", "personal_less_prior"}),
    "medical_assistance": frozenset({"in_policy_less_prior", "personal_less_prior"}),
    "safety_net": frozenset({"personal"}),
}

T = TypeVar("T")


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names the file and the field path."""

    def __init__(self, file: str, path: str, message: str) -> None:
        self.file = file
        self.path = path
        self.message = one_line(message)
        super().__init__(f"{file}: {path}: {self.message}" if path else f"{file}: {self.message}")


class PolicyNotFound(LookupError):
    """No policy version for a region, or none in force on a date; ``field`` is the bill field."""

    def __init__(self, field: Literal["region", "date"], message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Cited:
    """A rule's id (its path in the policy file, e.g. ``basic.deductible.resident``) and source."""

    rule: str
    source: str


@dataclass(frozen=True)
class ByLevel(Generic[T]):
    """Values at hospital levels 1, 2 and 3 (一级/二级/三级医院)."""

    cited: Cited
    values: tuple[T, T, T]

    def at(self, level: int) -> T:
        return self.values[level - 1]


@dataclass(frozen=True)
class Rate:
    cited: Cited
    pct: Fraction


@dataclass(frozen=True)
class Amount:
    cited: Cited
    fen: int


@dataclass(frozen=True)
class Cap:
    """A yearly cap (封顶线); ``wage_multiple`` when it is set as a multiple of the average wage."""

    cited: Cited
    fen: int
    wage_multiple: Fraction | None = None


@dataclass(frozen=True)
class Tiers:
    """Employees' benefit tiers (待遇档次): contribution as % of the average wage, by kind."""

    cited: Cited
    by_kind: Mapping[str, Fraction]


@dataclass(frozen=True)
class ContributionYears:
    """Contribution years a retiree needs (最低缴费年限)."""

    cited: Cited
    male: int
    female: int


@dataclass(frozen=True)
class ChronicQualification:
    """Whether chronic-disease outpatient care needs a 慢特病 qualification."""

    cited: Cited
    required: bool


@dataclass(frozen=True)
class Layer:
    """One fund layer in settlement order and the base it applies to."""

    id: LayerId
    base: LayerBase
    cited: Cited


@dataclass(frozen=True)
class ItemRules:
    catalogues: Cited
    unconsented_material: Amount
    assisted_out_of_policy_limit: ByLevel[Fraction]


@dataclass(frozen=True)
class ChronicRatio:
    cited: Cited
    pct: Fraction
    assisted_pct: Fraction


@dataclass(frozen=True)
class OutOfCountyCut:
    cited: Cited
    pct: Fraction
    exempt_filings: frozenset[str]
    exempt_with_referral: bool


@dataclass(frozen=True)
class OutOfProvinceCut:
    cited: Cited
    by_filing: Mapping[str, Fraction]
    none_with_referral_as: str | None


@dataclass(frozen=True)
class ChronicCap:
    cited: Cited
    fen: int
    assisted_fen: int


@dataclass(frozen=True)
class BasicRules:
    """统筹基金：deductibles, ratios, location cuts and yearly caps."""

    deductible: Mapping[str, ByLevel[int]]
    inpatient_ratio: Mapping[str, ByLevel[Fraction]]
    retired_bonus: Rate
    assisted_resident_in_county_bonus: Rate
    outpatient_ratio: ByLevel[Fraction]
    chronic_ratio: ChronicRatio
    out_of_county: OutOfCountyCut
    out_of_province: OutOfProvinceCut
    inpatient_caps: Mapping[str, Cap]
    outpatient_cap: Cap
    chronic_cap: ChronicCap


@dataclass(frozen=True)
class Band:
    """A band of the accumulated burden above the threshold, up to ``up_to_fen`` (None: open)."""

    up_to_fen: int | None
    pct: Fraction


@dataclass(frozen=True)
class CriticalIllnessRules:
    """大病保险."""

    cited: Cited
    kinds: frozenset[str]
    threshold_fen: int
    assisted_threshold_fen: int
    bands: tuple[Band, ...]
    assisted_bonus: Fraction


@dataclass(frozen=True)
class AssistanceRate:
    pct: Fraction
    cap_fen: int | None


@dataclass(frozen=True)
class MedicalAssistanceRules:
    """医疗救助."""

    cited: Cited
    kinds: frozenset[str]
    by_group: Mapping[str, AssistanceRate]


@dataclass(frozen=True)
class Guarantee:
    """A safety-net guarantee (兜底): what a person bears never exceeds its limit."""

    cited: Cited
    id: str
    group: Literal["assisted", "poverty_exited"]
    exit_years: tuple[int, int] | None
    kind: str
    where: Where
    personal_max_pct: Fraction | None
    full_up_to_fen: int | None
    pct_above: Fraction | None


@dataclass(frozen=True)
class LivingAssistanceRules:
    """一站式+ 重特大疾病生活救助."""

    cited: Cited
    kind: str
    allowance_fen: int
    major_diseases: frozenset[str]
    rare_diseases: frozenset[str]

    def listed(self, code: str) -> bool:
        """A code is listed when the list holds the code or its category (before the dot)."""
        major, rare = self.major_diseases, self.rare_diseases  # no union made each call
        category = code.partition(".")[0]
        return code in major or code in rare or category in major or category in rare


@dataclass(frozen=True)
class AccountPayment:
    cited: Cited
    schemes: frozenset[str]


@dataclass(frozen=True)
class Days:
    cited: Cited
    days: int


@dataclass(frozen=True)
class CardRules:
    temporary_loss_lapse_days: Days
    replacement_due_days: Days


@dataclass(frozen=True)
class AgeBand:
    up_to_age: int | None
    pct: Fraction


@dataclass(frozen=True)
class RetireePhase:
    starts: date
    pct: Fraction


@dataclass(frozen=True)
class AccountCreditRules:
    """个人账户划入：in service by age band; retirees by phased % of pension or a fixed amount."""

    in_service: Cited
    by_age: tuple[AgeBand, ...]
    retired: Cited
    retiree_phases: tuple[RetireePhase, ...]
    retiree_fixed_fen: int | None


@dataclass(frozen=True)
class EmployeeRates:
    """Employees' monthly contribution: percentage points of the base (individual, employer)."""

    cited: Cited
    individual_pct: Fraction
    employer_pct: Fraction


@dataclass(frozen=True)
class ResidentSubsidy:
    """Subsidy of a resident's contribution by assisted group, in fen; None: the whole standard."""

    cited: Cited
    by_group: Mapping[str, int | None]


@dataclass(frozen=True)
class WindowDay:
    """A day of the enrolment window, in the year before the benefit year or in it."""

    year: Literal["before", "benefit"]
    month: int
    day: int

    def on(self, benefit_year: int) -> date:
        return date(
            benefit_year - 1 if self.year == "before" else benefit_year, self.month, self.day
        )


@dataclass(frozen=True)
class EnrolmentWindowRule:
    """The residents' enrolment window (集中缴费期), both days inclusive."""

    cited: Cited
    start: WindowDay
    end: WindowDay


@dataclass(frozen=True)
class ContributionRules:
    """缴费：employees' rates, the large-amount premium (% of the average wage a year), the
    unemployment-benefit base floor (% of the monthly average wage), flexible workers;
    residents' yearly standard, subsidies by group and enrolment window."""

    rates: EmployeeRates
    large_amount: Rate
    unemployment_floor: Rate
    flexible: Cited
    resident_standard: Amount
    resident_subsidy: ResidentSubsidy
    enrolment_window: EnrolmentWindowRule


FilingTerm = Literal["long_term", "temporary"]
LockException = Literal["wrong_details", "moved_again", "returned_home"]


@dataclass(frozen=True)
class FilingCategory:
    """One kind of remote-care filing (备案类别): who may use it and how it settles."""

    cited: Cited
    id: str
    term: FilingTerm
    settles_as: str  # the bill's visit.remote_filing
    schemes: frozenset[str]
    retired: Literal["only", "never", "any"]
    retroactive_days: int


@dataclass(frozen=True)
class FilingRules:
    """异地就医备案 (医保发〔2022〕22号): categories, validity, start, lock, commitment."""

    cited: Cited
    categories: Mapping[str, FilingCategory]
    validity: Cited
    temporary_min_months: int
    temporary_max_months: int
    start: Cited
    start_days_ahead: int
    lock: Cited
    lock_months: int
    lock_exceptions: tuple[LockException, ...]
    commitment: Cited
    commitment_zh: str
    commitment_en: str
    reminder: Cited
    reminder_days_before: int


@dataclass(frozen=True)
class Policy:
    """One version of one region's policy, in force ``effective_from``..``effective_to``."""

    file: str
    region: str
    version: str
    title_zh: str
    title_en: str
    source: str
    effective_from: date
    effective_to: date | None
    average_wage: Amount
    assisted_groups: tuple[str, ...]
    assisted_cited: Cited
    tiers: Tiers
    contribution_years: ContributionYears
    chronic_qualification: ChronicQualification
    contributions: ContributionRules
    layers: tuple[Layer, ...]
    items: ItemRules
    basic: BasicRules
    critical_illness: CriticalIllnessRules
    medical_assistance: MedicalAssistanceRules
    guarantees: tuple[Guarantee, ...]
    living_assistance: LivingAssistanceRules
    account_payment: AccountPayment
    card: CardRules
    account_credit: AccountCreditRules
    remote_filing: FilingRules | None = None  # versions before online filing have none

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


# --- reading a validated document -------------------------------------------------------------


class _Reader:
    """Reads a schema-valid document; every failure names the file and the field path."""

    def __init__(self, file: str, doc: dict[str, Any]) -> None:
        self.file = file
        self.doc = doc

    def fail(self, path: tuple[str | int, ...], message: str) -> PolicyError:
        return PolicyError(self.file, field_path(path), message)

    def get(self, *path: str | int) -> Any:
        node: Any = self.doc
        for part in path:
            node = node[part]
        return node

    def cited(self, *path: str | int) -> Cited:
        return Cited(field_path(path), str(self.get(*path, "source")))

    def pct(self, *path: str | int) -> Fraction:
        """Percentage points of a ratio: never above 100."""
        value = parse_pct(self.get(*path))
        if value > 100:
            raise self.fail(path, "a ratio above 100%")
        return value

    def points(self, *path: str | int) -> Fraction:
        return parse_pct(self.get(*path))

    def yuan(self, *path: str | int) -> int:
        return parse_policy_yuan(self.get(*path))

    def optional_yuan(self, *path: str | int) -> int | None:
        return None if self.get(*path) is None else self.yuan(*path)

    def day(self, *path: str | int) -> date:
        try:
            return date.fromisoformat(self.get(*path))
        except ValueError:
            raise self.fail(path, "not a real date") from None

    def pct_by_level(self, *path: str | int) -> ByLevel[Fraction]:
        values = tuple(self.pct(*path, "by_level", i) for i in range(3))
        return ByLevel(self.cited(*path), (values[0], values[1], values[2]))

    def yuan_by_level(self, *path: str | int) -> ByLevel[int]:
        values = tuple(self.yuan(*path, "by_level", i) for i in range(3))
        return ByLevel(self.cited(*path), (values[0], values[1], values[2]))

    def cap(self, average_wage: int, *path: str | int) -> Cap:
        node = self.get(*path)
        if "yuan" in node:
            return Cap(self.cited(*path), self.yuan(*path, "yuan"))
        multiple = self.points(*path, "average_wage_multiple")
        return Cap(self.cited(*path), round_half_up(average_wage * multiple), multiple)


def _open_bands(r: _Reader, path: tuple[str | int, ...], key: str, items: list[Any]) -> None:
    """Bands by upper bound: strictly increasing, the last one open (null), only the last."""
    previous: int | None = None
    for i, band in enumerate(items):
        bound = band[key]
        last = i == len(items) - 1
        if bound is None and not last:
            raise r.fail((*path, i, key), "bands out of order: only the last band may be open")
        if bound is not None and last:
            raise r.fail((*path, i, key), "bands out of order: the last band must be open (null)")
        if bound is not None:
            value = int(bound) if isinstance(bound, int) else parse_policy_yuan(bound)
            if previous is not None and value <= previous:
                raise r.fail((*path, i, key), "bands out of order: bounds must increase")
            previous = value


def _layers(r: _Reader) -> tuple[Layer, ...]:
    layers = tuple(
        Layer(layer["id"], layer["base"], r.cited("layers", i))
        for i, layer in enumerate(r.get("layers"))
    )
    ids = [layer.id for layer in layers]
    for i, layer in enumerate(layers):
        if ids.index(layer.id) != i:
            raise r.fail(("layers", i, "id"), f"layer {layer.id} appears twice")
        if layer.base not in _LAYER_BASES[layer.id]:
            raise r.fail(("layers", i, "base"), f"base {layer.base} is not allowed for {layer.id}")
    if ids[0] != "basic":
        raise r.fail(("layers", 0, "id"), "basic must be the first layer")
    if ids[-1] != "safety_net":
        raise r.fail(("layers", len(ids) - 1, "id"), "safety_net must be the last layer")
    return layers


def _basic(r: _Reader, average_wage: int) -> BasicRules:
    b = ("basic",)
    oc = (*b, "location_cut", "out_of_county")
    op = (*b, "location_cut", "out_of_province")
    caps = (*b, "caps")
    return BasicRules(
        deductible={s: r.yuan_by_level(*b, "deductible", s) for s in ("resident", "employee")},
        inpatient_ratio={
            s: r.pct_by_level(*b, "ratio", "inpatient", s) for s in ("resident", "employee")
        },
        retired_bonus=Rate(
            r.cited(*b, "ratio", "inpatient", "retired_bonus"),
            r.pct(*b, "ratio", "inpatient", "retired_bonus", "pct"),
        ),
        assisted_resident_in_county_bonus=Rate(
            r.cited(*b, "ratio", "inpatient", "assisted_resident_in_county_bonus"),
            r.pct(*b, "ratio", "inpatient", "assisted_resident_in_county_bonus", "pct"),
        ),
        outpatient_ratio=r.pct_by_level(*b, "ratio", "outpatient"),
        chronic_ratio=ChronicRatio(
            r.cited(*b, "ratio", "chronic_outpatient"),
            r.pct(*b, "ratio", "chronic_outpatient", "pct"),
            r.pct(*b, "ratio", "chronic_outpatient", "assisted_pct"),
        ),
        out_of_county=OutOfCountyCut(
            r.cited(*oc),
            r.pct(*oc, "pct"),
            frozenset(r.get(*oc, "exempt_filings")),
            bool(r.get(*oc, "exempt_with_referral")),
        ),
        out_of_province=OutOfProvinceCut(
            r.cited(*op),
            {f: r.pct(*op, "by_filing", f) for f in r.get(*op, "by_filing")},
            r.get(*op, "none_with_referral_as"),
        ),
        inpatient_caps={
            who: r.cap(average_wage, *caps, "inpatient", who)
            for who in ("resident", "assisted_resident", "employee")
        },
        outpatient_cap=r.cap(average_wage, *caps, "outpatient"),
        chronic_cap=ChronicCap(
            r.cited(*caps, "chronic_outpatient"),
            r.yuan(*caps, "chronic_outpatient", "yuan"),
            r.yuan(*caps, "chronic_outpatient", "assisted_yuan"),
        ),
    )


def _critical_illness(r: _Reader) -> CriticalIllnessRules:
    c = ("critical_illness",)
    bonus = r.pct(*c, "assisted_bonus_pct")
    bands = r.get(*c, "bands")
    _open_bands(r, (*c, "bands"), "up_to_yuan", bands)
    parsed = []
    for i, band in enumerate(bands):
        pct = r.pct(*c, "bands", i, "pct")
        if pct + bonus > 100:
            raise r.fail((*c, "bands", i, "pct"), "a ratio above 100% with the assisted bonus")
        bound = band["up_to_yuan"]
        parsed.append(Band(None if bound is None else parse_policy_yuan(bound), pct))
    return CriticalIllnessRules(
        r.cited(*c),
        frozenset(r.get(*c, "kinds")),
        r.yuan(*c, "threshold_yuan"),
        r.yuan(*c, "assisted_threshold_yuan"),
        tuple(parsed),
        bonus,
    )


def _medical_assistance(r: _Reader, assisted: tuple[str, ...]) -> MedicalAssistanceRules:
    m = ("medical_assistance",)
    by_group = r.get(*m, "by_group")
    for group in assisted:
        if group not in by_group:
            raise r.fail(
                (*m, "by_group", group), f"missing: the assisted group {group} has no rate"
            )
    return MedicalAssistanceRules(
        r.cited(*m),
        frozenset(r.get(*m, "kinds")),
        {
            g: AssistanceRate(
                r.pct(*m, "by_group", g, "pct"), r.optional_yuan(*m, "by_group", g, "cap_yuan")
            )
            for g in by_group
        },
    )


def _guarantees(r: _Reader) -> tuple[Guarantee, ...]:
    out: list[Guarantee] = []
    for i, g in enumerate(r.get("safety_net", "guarantees")):
        path = ("safety_net", "guarantees", i)
        if any(other.id == g["id"] for other in out):
            raise r.fail((*path, "id"), f"guarantee {g['id']} appears twice")
        years = g.get("exit_years")
        if years is not None and years["from"] > years["to"]:
            raise r.fail((*path, "exit_years", "to"), "exit years out of order")
        tiered = g.get("in_policy_personal_max")
        out.append(
            Guarantee(
                cited=Cited(f"safety_net.{g['id']}", str(g["source"])),
                id=g["id"],
                group=g["group"],
                exit_years=None if years is None else (years["from"], years["to"]),
                kind=g["kind"],
                where=g["where"],
                personal_max_pct=r.pct(*path, "personal_max_pct") if tiered is None else None,
                full_up_to_fen=None
                if tiered is None
                else r.yuan(*path, "in_policy_personal_max", "full_up_to_yuan"),
                pct_above=None
                if tiered is None
                else r.pct(*path, "in_policy_personal_max", "pct_above"),
            )
        )
    return tuple(out)


RetirePhaseArgs = tuple[date, Fraction]


def _account_credit(r: _Reader, effective_from: date) -> AccountCreditRules:
    a = ("account_credit",)
    by_age = r.get(*a, "in_service", "by_age")
    _open_bands(r, (*a, "in_service", "by_age"), "up_to_age", by_age)
    retired = r.get(*a, "retired")
    phases: list[RetirePhaseArgs] = []
    for i in range(len(retired.get("phases", []))):
        starts = r.day(*a, "retired", "phases", i, "from")
        if phases and starts <= phases[-1][0]:
            raise r.fail((*a, "retired", "phases", i, "from"), "phases out of order")
        if not phases and starts > effective_from:
            raise r.fail(
                (*a, "retired", "phases", i, "from"),
                "the first phase starts after effective_from: months between have no rate",
            )
        phases.append((starts, r.pct(*a, "retired", "phases", i, "pct")))
    return AccountCreditRules(
        in_service=r.cited(*a, "in_service"),
        by_age=tuple(
            AgeBand(band["up_to_age"], r.pct(*a, "in_service", "by_age", i, "pct"))
            for i, band in enumerate(by_age)
        ),
        retired=r.cited(*a, "retired"),
        retiree_phases=tuple(RetireePhase(s, p) for s, p in phases),
        retiree_fixed_fen=r.yuan(*a, "retired", "fixed_monthly_yuan")
        if "fixed_monthly_yuan" in retired
        else None,
    )


def _window_day(r: _Reader, *path: str | int) -> WindowDay:
    node = r.get(*path)
    try:
        date(2001, node["month"], node["day"])  # a common year: 29 February is not every year's
    except ValueError:
        raise r.fail((*path, "day"), "not a day of every year") from None
    return WindowDay(node["year"], node["month"], node["day"])


def _contributions(r: _Reader, assisted: tuple[str, ...]) -> ContributionRules:
    e = ("contributions", "employee")
    res = ("contributions", "resident")
    rates = (*e, "rates")
    individual = r.pct(*rates, "individual_pct")
    employer = r.pct(*rates, "employer_pct")
    if individual + employer > 100:
        raise r.fail((*rates, "employer_pct"), "a ratio above 100% with the individual part")
    standard = r.yuan(*res, "standard", "yuan")
    by_group = r.get(*res, "subsidy", "by_group")
    for group in assisted:
        if group not in by_group:
            raise r.fail(
                (*res, "subsidy", "by_group", group),
                f"missing: the assisted group {group} has no subsidy",
            )
    subsidies: dict[str, int | None] = {}
    for group in by_group:
        fen = r.optional_yuan(*res, "subsidy", "by_group", group)
        if fen is not None and fen > standard:
            raise r.fail(
                (*res, "subsidy", "by_group", group),
                "a subsidy above the standard (null: the whole standard)",
            )
        subsidies[group] = fen
    window = (*res, "enrolment_window")
    start = _window_day(r, *window, "from")
    end = _window_day(r, *window, "to")
    if end.on(2001) < start.on(2001):
        raise r.fail((*window, "to"), "the window ends before it starts")
    return ContributionRules(
        rates=EmployeeRates(r.cited(*rates), individual, employer),
        large_amount=Rate(
            r.cited(*e, "large_amount"), r.pct(*e, "large_amount", "average_wage_pct")
        ),
        unemployment_floor=Rate(
            r.cited(*e, "unemployment_fund"),
            r.points(*e, "unemployment_fund", "base_floor_average_wage_pct"),
        ),
        flexible=r.cited(*e, "self"),
        resident_standard=Amount(r.cited(*res, "standard"), standard),
        resident_subsidy=ResidentSubsidy(r.cited(*res, "subsidy"), subsidies),
        enrolment_window=EnrolmentWindowRule(r.cited(*window), start, end),
    )


_CARD_DAYS = ("temporary_loss_lapse_days", "replacement_due_days")


def _remote_filing(r: _Reader) -> FilingRules:
    f = ("remote_filing",)
    categories: dict[str, FilingCategory] = {}
    for name, node in r.get(*f, "categories").items():
        path = (*f, "categories", name)
        if (node["term"] == "long_term") != (node["settles_as"] == "long_term"):
            raise r.fail((*path, "settles_as"), "a long-term category settles as long_term")
        if node["term"] == "long_term" and node["retroactive_days"]:
            raise r.fail((*path, "retroactive_days"), "only a temporary filing may start earlier")
        categories[name] = FilingCategory(
            r.cited(*path),
            name,
            node["term"],
            node["settles_as"],
            frozenset(node["schemes"]),
            node["retired"],
            node["retroactive_days"],
        )
    validity = (*f, "temporary_validity")
    low, high = r.get(*validity, "min_months"), r.get(*validity, "max_months")
    if high < low:
        raise r.fail((*validity, "max_months"), "below min_months")
    lock = (*f, "long_term_lock")
    return FilingRules(
        cited=r.cited(*f),
        categories=categories,
        validity=r.cited(*validity),
        temporary_min_months=low,
        temporary_max_months=high,
        start=r.cited(*f, "start"),
        start_days_ahead=r.get(*f, "start", "days_ahead"),
        lock=r.cited(*lock),
        lock_months=r.get(*lock, "months"),
        lock_exceptions=tuple(r.get(*lock, "exceptions")),
        commitment=r.cited(*f, "commitment"),
        commitment_zh=r.get(*f, "commitment", "text_zh"),
        commitment_en=r.get(*f, "commitment", "text_en"),
        reminder=r.cited(*f, "lapse_reminder"),
        reminder_days_before=r.get(*f, "lapse_reminder", "days_before"),
    )


def _policy(file: str, doc: dict[str, Any]) -> Policy:
    r = _Reader(file, doc)
    effective_from = r.day("effective_from")
    effective_to = None if doc["effective_to"] is None else r.day("effective_to")
    if effective_to is not None and effective_to < effective_from:
        raise r.fail(("effective_to",), "before effective_from")
    average_wage = r.yuan("average_wage", "yuan")
    assisted = tuple(r.get("assisted_groups", "order"))
    tiers = ("eligibility", "tiers")
    years = ("eligibility", "contribution_years")
    items = ("items",)
    living = ("living_assistance",)
    card = ("card",)
    return Policy(
        file=file,
        region=doc["region"],
        version=doc["version"],
        title_zh=doc["title_zh"],
        title_en=doc["title_en"],
        source=doc["source"],
        effective_from=effective_from,
        effective_to=effective_to,
        average_wage=Amount(r.cited("average_wage"), average_wage),
        assisted_groups=assisted,
        assisted_cited=r.cited("assisted_groups"),
        tiers=Tiers(
            r.cited(*tiers),
            {k: r.points(*tiers, k) for k in ("inpatient", "outpatient", "chronic_outpatient")},
        ),
        contribution_years=ContributionYears(
            r.cited(*years), r.get(*years, "male"), r.get(*years, "female")
        ),
        chronic_qualification=ChronicQualification(
            r.cited("eligibility", "chronic_qualification"),
            bool(r.get("eligibility", "chronic_qualification", "required")),
        ),
        contributions=_contributions(r, assisted),
        layers=_layers(r),
        items=ItemRules(
            r.cited(*items, "catalogues"),
            Amount(
                r.cited(*items, "unconsented_material"),
                r.yuan(*items, "unconsented_material", "min_yuan"),
            ),
            r.pct_by_level(*items, "assisted_out_of_policy_limit"),
        ),
        basic=_basic(r, average_wage),
        critical_illness=_critical_illness(r),
        medical_assistance=_medical_assistance(r, assisted),
        guarantees=_guarantees(r),
        living_assistance=LivingAssistanceRules(
            r.cited(*living),
            r.get(*living, "kind"),
            r.yuan(*living, "allowance_yuan"),
            frozenset(r.get(*living, "major_diseases")),
            frozenset(r.get(*living, "rare_diseases")),
        ),
        account_payment=AccountPayment(
            r.cited("account_payment"), frozenset(r.get("account_payment", "schemes"))
        ),
        card=CardRules(
            Days(
                r.cited(*card, "temporary_loss_lapse_days"),
                r.get(*card, "temporary_loss_lapse_days", "days"),
            ),
            Days(
                r.cited(*card, "replacement_due_days"), r.get(*card, "replacement_due_days", "days")
            ),
        ),
        account_credit=_account_credit(r, effective_from),
        remote_filing=_remote_filing(r) if "remote_filing" in doc else None,
    )


# --- schema validation ------------------------------------------------------------------------


@cache
def _schema_validator() -> Any:
    """The policy schema's validator, compiled once per process."""
    import jsonschema

    schema = json.loads(POLICY_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.Draft202012Validator
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)


def _schema_error(file: str, doc: object) -> PolicyError | None:
    from jsonschema.exceptions import best_match

    error = best_match(_schema_validator().iter_errors(doc))
    if error is None:
        return None
    parts: list[str | int] = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [k for k in error.validator_value if k not in error.instance]
        parts += missing[:1]
        return PolicyError(file, field_path(parts), "required")
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        parts += sorted(k for k in error.instance if k not in known)[:1]
        return PolicyError(file, field_path(parts), "unknown field")
    return PolicyError(file, field_path(parts), error.message)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {json.dumps(key[:64])}")
        out[key] = value
    return out


def parse_policy(doc: object, file: str = "(policy)") -> Policy:
    """A policy from an already-parsed JSON document; raises :class:`PolicyError`."""
    error = _schema_error(file, doc)
    if error is not None:
        raise error
    return _policy(file, cast(dict[str, Any], doc))


def load_policy(path: Path, name: str | None = None) -> Policy:
    """Read, validate and check one policy file; ``name`` is how messages call the file."""
    file = name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise PolicyError(file, "", f"cannot read: {e.__class__.__name__}") from None
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as e:
        raise PolicyError(file, "", f"not valid JSON: line {e.lineno} column {e.colno}") from None
    except ValueError as e:
        raise PolicyError(file, "", f"not valid JSON: {e}") from None
    policy = parse_policy(doc, file)
    folder = path.parent.name
    if folder.isdigit() and len(folder) == 6 and folder != policy.region:
        raise PolicyError(file, "region", f"{policy.region} but the file is in folder {folder}")
    return policy


def check_versions(policies: Iterable[Policy]) -> None:
    """Versions of one region must not overlap in time."""
    ordered = sorted(policies, key=lambda p: (p.region, p.effective_from))
    for before, after in pairwise(ordered):
        if before.region != after.region:
            continue
        if before.effective_to is None or before.effective_to >= after.effective_from:
            until = before.effective_to.isoformat() if before.effective_to else "open"
            raise PolicyError(
                after.file,
                "effective_from",
                f"overlaps {before.file} ({before.effective_from.isoformat()}..{until})",
            )


def load_policy_dir(directory: Path) -> tuple[Policy, ...]:
    """Every ``*.json`` under ``directory`` (its region folders), checked, and checked together."""
    if not directory.is_dir():
        raise PolicyError(str(directory), "", "not a folder")
    files = sorted(directory.rglob("*.json"))
    if not files:
        raise PolicyError(str(directory), "", "no policy files (*.json)")
    policies = tuple(load_policy(f, f.relative_to(directory).as_posix()) for f in files)
    check_versions(policies)
    return policies


@cache
def packaged_policies() -> tuple[Policy, ...]:
    """The policies shipped with the Lambda (``chalicelib/policies``), loaded once."""
    return load_policy_dir(PACKAGED_POLICIES)


def policy_in_force(region: str, on: date, policies: Iterable[Policy] | None = None) -> Policy:
    """The version of ``region``'s policy in force on ``on`` (packaged policies by default)."""
    candidates = packaged_policies() if policies is None else tuple(policies)
    of_region = [p for p in candidates if p.region == region]
    if not of_region:
        raise PolicyNotFound("region", f"no policy for region {region}")
    in_force = [p for p in of_region if p.in_force_on(on)]
    if not in_force:
        raise PolicyNotFound("date", f"no policy of region {region} in force on {on.isoformat()}")
    return max(in_force, key=lambda p: p.effective_from)
