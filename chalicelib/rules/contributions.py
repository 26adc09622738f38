"""The contribution ledger's rules (缴费): what is due, what counts, what it entitles to.

Employees (职工医保) contribute monthly: 2% of the contribution base from the
individual and 8% from the employer (``002@1868``), plus the large-amount medical
premium (大额医疗) of 0.8% of last year's average wage a year, paid by the
individual (``002@2238``). Unemployment-benefit recipients are insured on a base of
at least 60% of the average wage, paid by the unemployment fund, the person paying
nothing (``002@2031``); flexible workers (灵活就业) pay both parts themselves
(``002@2109``). Arrears (欠缴) exist and can be paid later (补缴，``001:131``).

Residents (城乡居民医保) contribute yearly in an enrolment window; 特困 get the whole
individual contribution paid, 低保 and registered low-income persons 130 yuan
(``000:135``).

What the ledger gives:

- :func:`contribution_years`: the cumulative months actually paid (regular and
  back-payments; arrears count only once paid) against the years a retiree needs,
  male 30 / female 25 (``002@2327``, from the policy).
- :func:`year_tier`: the year's average monthly base as % of the average wage
  (monthly = annual / 12) → the benefit tier 60 / 80 / 95 (``002@2470``, from the
  policy); below the lowest tier the personal account only *(demo)*.

Every number comes from the policy version in force (its ``contributions`` section:
the rates, the premium, the unemployment floor, the residents' standard, subsidies and
enrolment window; the average wage, the tiers and years); the demo region's values are
the ones above. Pure: values in, values out; amounts in integer fen.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any, Literal, cast, get_args

from chalicelib.rules.explain import BENEFIT_EN, BENEFIT_ZH, Line, line, pct, yuan
from chalicelib.rules.money import MAX_INPUT_FEN, format_fen, format_pct, round_half_up, share
from chalicelib.rules.policy import Policy

Payer = Literal["employer", "unemployment_fund", "self"]
EntryKind = Literal["regular", "arrears", "back_payment"]
SubsidySource = Literal["tekun", "dibao", "low_income"]
Sex = Literal["male", "female"]
Benefit = Literal["personal_account", "inpatient", "outpatient", "chronic_outpatient"]

PAYERS: tuple[Payer, ...] = get_args(Payer)
ENTRY_KINDS: tuple[EntryKind, ...] = get_args(EntryKind)
SUBSIDY_SOURCES: tuple[SubsidySource, ...] = get_args(SubsidySource)
SEXES: tuple[Sex, ...] = get_args(Sex)
TIER_KINDS = ("inpatient", "outpatient", "chronic_outpatient")
ALL_BENEFITS: tuple[Benefit, ...] = get_args(Benefit)

# demo: 002@2470 says nothing below 60%; the demo gives the personal account only.
BELOW_TIERS_INCLUDES: tuple[Benefit, ...] = ("personal_account",)

_PERIOD = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")

INCLUDES_ZH: Mapping[str, str] = {"personal_account": "个人账户", **BENEFIT_ZH}
INCLUDES_EN: Mapping[str, str] = {"personal_account": "the personal account", **BENEFIT_EN}
PAYER_ZH = {"employer": "单位", "unemployment_fund": "失业保险基金", "self": "本人（灵活就业）"}
PAYER_EN = {
    "employer": "the employer",
    "unemployment_fund": "the unemployment fund",
    "self": "yourself (flexible worker)",
}
SUBSIDY_ZH = {"tekun": "特困人员", "dibao": "低保对象", "low_income": "低收入人口"}
SUBSIDY_EN = {
    "tekun": "persons in extreme poverty (tekun)",
    "dibao": "dibao recipients",
    "low_income": "registered low-income persons",
}


# --- small helpers ----------------------------------------------------------------------------


def period_start(period: str) -> date:
    """The first day of a ``YYYY-MM`` period; raises ``ValueError`` for anything else."""
    match = _PERIOD.fullmatch(period) if isinstance(period, str) else None
    if match is None:
        raise ValueError(f"period: must be YYYY-MM, got {period!r}")
    return date(int(match.group(1)), int(match.group(2)), 1)


def _check_fen(name: str, fen: object) -> None:
    if isinstance(fen, bool) or not isinstance(fen, int) or not 0 <= fen <= MAX_INPUT_FEN:
        raise ValueError(f"{name}: must be whole fen between 0 and 100000000.00 yuan")


def _check_policy(policy: Policy, day: date, what: str) -> None:
    if not policy.in_force_on(day):
        raise ValueError(
            f"{what}: policy {policy.region}/{policy.version} is not in force on {day}"
        )


def years_months_zh(months: int) -> str:
    """``63`` → ``"5年3个月"``, ``60`` → ``"5年"``, ``3`` → ``"3个月"``, ``0`` → ``"0个月"``."""
    years, rest = divmod(months, 12)
    if years and rest:
        return f"{years}年{rest}个月"
    return f"{years}年" if years else f"{rest}个月"


def years_months_en(months: int) -> str:
    """``63`` → ``"5 years 3 months"``, ``13`` → ``"1 year 1 month"``, ``0`` → ``"0 months"``."""
    years, rest = divmod(months, 12)
    parts = []
    if years:
        parts.append(f"{years} year" + ("s" if years != 1 else ""))
    if rest or not years:
        parts.append(f"{rest} month" + ("s" if rest != 1 else ""))
    return " ".join(parts)


def _pct_down(value: Fraction) -> str:
    """Points for plain text, cut (never rounded up) to two decimals: 79.999 → "79.99"."""
    return format_pct(Fraction(math.floor(value * 100), 100))


def monthly_average_wage(policy: Policy) -> Fraction:
    """Last year's average wage a month (annual / 12), exact, in fen."""
    return Fraction(policy.average_wage.fen, 12)


def large_amount_annual(policy: Policy) -> int:
    """The large-amount premium for a year: the policy's % (demo 0.8%) of the average wage,
    rounded half up."""
    return round_half_up(share(policy.average_wage.fen, policy.contributions.large_amount.pct))


def large_amount_monthly(policy: Policy) -> int:
    """The premium for a month: round half up of the *exact* annual / 12 (33.33 at 50,000).

    Twelve monthly amounts may differ from the annual amount by a few fen (399.96 vs 400.00).
    """
    return round_half_up(share(policy.average_wage.fen, policy.contributions.large_amount.pct) / 12)


# --- ledger entries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ContributionEntry:
    """One month of an employee's ledger (职工医保缴费记录), amounts in fen.

    ``kind``: ``regular`` (paid on time), ``arrears`` (欠缴：nothing paid yet, ``paid_on``
    None), ``back_payment`` (补缴：paid later for this earlier period). Regular and
    back-payment entries carry ``paid_on``; a back payment is not dated before its period.
    """

    period: str
    base_fen: int
    individual_fen: int
    employer_fen: int
    large_amount_fen: int
    payer: Payer
    kind: EntryKind = "regular"
    paid_on: date | None = None

    def __post_init__(self) -> None:
        start = period_start(self.period)
        for name in ("base_fen", "individual_fen", "employer_fen", "large_amount_fen"):
            _check_fen(name, getattr(self, name))
        if self.payer not in PAYERS:
            raise ValueError(f"payer: must be one of {', '.join(PAYERS)}")
        if self.kind not in ENTRY_KINDS:
            raise ValueError(f"kind: must be one of {', '.join(ENTRY_KINDS)}")
        if self.kind == "arrears" and self.paid_on is not None:
            raise ValueError("paid_on: an arrears entry has nothing paid (use back_payment)")
        if self.kind != "arrears" and self.paid_on is None:
            raise ValueError(f"paid_on: required for a {self.kind} entry")
        if self.kind == "back_payment" and self.paid_on is not None and self.paid_on < start:
            raise ValueError("paid_on: a back payment is not dated before its period")

    @property
    def start(self) -> date:
        return period_start(self.period)

    @property
    def total_fen(self) -> int:
        return self.individual_fen + self.employer_fen + self.large_amount_fen

    def paid_by(self, as_of: date | None = None) -> bool:
        """Paid (regular or back payment) on or before ``as_of`` (any time when None)."""
        if self.kind == "arrears" or self.paid_on is None:
            return False
        return as_of is None or self.paid_on <= as_of

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "base": format_fen(self.base_fen),
            "individual": format_fen(self.individual_fen),
            "employer": format_fen(self.employer_fen),
            "large_amount": format_fen(self.large_amount_fen),
            "total": format_fen(self.total_fen),
            "payer": self.payer,
            "kind": self.kind,
            "paid_on": None if self.paid_on is None else self.paid_on.isoformat(),
        }


def entry_from_line(line: dict[str, Any]) -> ContributionEntry:
    """A contribution ledger line (as stored: period, kind, detail in fen) as an entry."""
    d = line["detail"]
    paid_on = date.fromisoformat(d["paid_on"]) if d.get("paid_on") else None
    return ContributionEntry(
        line["period"],
        d["base"],
        d["individual"],
        d["employer"],
        d["large_amount"],
        d["payer"],
        line["kind"],
        paid_on,
    )


@dataclass(frozen=True)
class EnrolmentWindow:
    """The residents' enrolment window (集中缴费期) for a benefit year, both days inclusive."""

    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def enrolment_window(policy: Policy, year: int) -> EnrolmentWindow:
    """The policy's enrolment window for the benefit ``year`` (demo: 1 September to 31 December
    of the year before)."""
    rule = policy.contributions.enrolment_window
    return EnrolmentWindow(rule.start.on(year), rule.end.on(year))


@dataclass(frozen=True)
class ResidentContribution:
    """A resident's contribution for a benefit year (城乡居民医保缴费), amounts in fen."""

    year: int
    individual_fen: int
    subsidy_fen: int
    subsidy_source: SubsidySource | None
    paid_on: date | None
    window: EnrolmentWindow

    def __post_init__(self) -> None:
        _check_fen("individual_fen", self.individual_fen)
        _check_fen("subsidy_fen", self.subsidy_fen)
        if self.subsidy_source is not None and self.subsidy_source not in SUBSIDY_SOURCES:
            raise ValueError(f"subsidy_source: must be one of {', '.join(SUBSIDY_SOURCES)}")
        if self.subsidy_source is None and self.subsidy_fen:
            raise ValueError("subsidy_source: required when there is a subsidy")
        if self.window.end < self.window.start:
            raise ValueError("window: ends before it starts")

    @property
    def paid(self) -> bool:
        return self.paid_on is not None

    @property
    def in_window(self) -> bool:
        """Paid within the enrolment window."""
        return self.paid_on is not None and self.window.contains(self.paid_on)

    @property
    def total_fen(self) -> int:
        return self.individual_fen + self.subsidy_fen


# --- what is due ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmployeeMonth:
    """An employee's contribution due for a month and who pays which part."""

    period: str
    payer: Payer
    base_fen: int
    individual_fen: int
    employer_fen: int
    large_amount_fen: int
    person_pays_fen: int
    lines: tuple[Line, ...]

    @property
    def total_fen(self) -> int:
        return self.individual_fen + self.employer_fen + self.large_amount_fen

    def entry(self, kind: EntryKind = "regular", paid_on: date | None = None) -> ContributionEntry:
        """The ledger entry for these amounts."""
        return ContributionEntry(
            self.period,
            self.base_fen,
            self.individual_fen,
            self.employer_fen,
            self.large_amount_fen,
            self.payer,
            kind,
            paid_on,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "payer": self.payer,
            "base": format_fen(self.base_fen),
            "individual": format_fen(self.individual_fen),
            "employer": format_fen(self.employer_fen),
            "large_amount": format_fen(self.large_amount_fen),
            "total": format_fen(self.total_fen),
            "person_pays": format_fen(self.person_pays_fen),
            "lines": [x.to_json() for x in self.lines],
        }


def employee_month(base_fen: int, period: str, payer: Payer, policy: Policy) -> EmployeeMonth:
    """The amounts due for ``period`` on a monthly contribution base, in fen.

    The policy's individual and employer % of the base (demo 2% and 8%), each rounded half
    up; the large-amount premium is the monthly share of the policy's % (demo 0.8%) of its
    average wage (last year's), paid by the person. ``unemployment_fund``: the base is
    raised to the policy's floor (demo 60%) of the monthly average wage when lower and the
    fund pays both parts; no large-amount premium.
    ``self`` (flexible worker): the person pays both parts. ``policy`` must be the
    version in force on the period's first day.
    """
    start = period_start(period)
    _check_policy(policy, start, "period")
    _check_fen("base_fen", base_fen)
    if payer not in PAYERS:
        raise ValueError(f"payer: must be one of {', '.join(PAYERS)}")
    rules = policy.contributions
    rates = rules.rates
    unemployed = rules.unemployment_floor
    lines: list[Line] = []
    base = base_fen
    if payer == "unemployment_fund":
        floor = math.ceil(monthly_average_wage(policy) * unemployed.pct / 100)
        if base < floor:
            lines.append(
                line(
                    unemployed.cited,
                    floor,
                    f"领取失业保险金期间，缴费基数不低于上年度在岗职工月平均工资的"
                    f"{pct(unemployed.pct)}%，按{yuan(floor)}元核定。",
                    f"While receiving unemployment benefit the base is at least "
                    f"{pct(unemployed.pct)}% of last year's monthly average wage: "
                    f"{yuan(floor)} yuan.",
                )
            )
            base = floor
    individual_pct, employer_pct = rates.individual_pct, rates.employer_pct
    individual = round_half_up(share(base, individual_pct))
    employer = round_half_up(share(base, employer_pct))
    lines.append(
        line(
            rates.cited,
            individual + employer,
            f"{period}基本医疗保险费：缴费基数{yuan(base)}元，个人{pct(individual_pct)}%"
            f"即{yuan(individual)}元，单位{pct(employer_pct)}%即{yuan(employer)}元。",
            f"Basic medical insurance for {period}: base {yuan(base)} yuan; individual "
            f"{pct(individual_pct)}% = {yuan(individual)} yuan, employer {pct(employer_pct)}% = "
            f"{yuan(employer)} yuan.",
        )
    )
    if payer == "unemployment_fund":
        large = 0
        person = 0
        lines.append(
            line(
                unemployed.cited,
                0,
                "两部分都由失业保险基金支付，个人不缴费。",
                "The unemployment fund pays both parts; you pay nothing.",
            )
        )
    else:
        large = large_amount_monthly(policy)
        annual = large_amount_annual(policy)
        wage = policy.average_wage.fen
        premium = rules.large_amount
        lines.append(
            line(
                premium.cited,
                large,
                f"大额医疗保险费由个人缴纳：上年度在岗职工平均工资{yuan(wage)}元的"
                f"{pct(premium.pct)}%，每年{yuan(annual)}元，按月{yuan(large)}元。",
                f"Large-amount medical premium, paid by you: {pct(premium.pct)}% of last "
                f"year's average wage {yuan(wage)} yuan, {yuan(annual)} yuan a year, "
                f"{yuan(large)} yuan a month.",
            )
        )
        if payer == "self":
            person = individual + employer + large
            lines.append(
                line(
                    rules.flexible,
                    person,
                    f"灵活就业人员单位和个人两部分都由本人缴纳，本月共{yuan(person)}元。",
                    f"As a flexible worker you pay both parts yourself: {yuan(person)} yuan "
                    "this month.",
                )
            )
        else:
            person = individual + large
    return EmployeeMonth(period, payer, base, individual, employer, large, person, tuple(lines))


@dataclass(frozen=True)
class ResidentYear:
    """A resident's contribution due for a benefit year, with the subsidy by group."""

    year: int
    standard_fen: int
    subsidy_fen: int
    subsidy_source: SubsidySource | None
    individual_fen: int
    window: EnrolmentWindow
    lines: tuple[Line, ...]

    def entry(self, paid_on: date | None = None) -> ResidentContribution:
        return ResidentContribution(
            self.year,
            self.individual_fen,
            self.subsidy_fen,
            self.subsidy_source,
            paid_on,
            self.window,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "standard": format_fen(self.standard_fen),
            "subsidy": format_fen(self.subsidy_fen),
            "subsidy_source": self.subsidy_source,
            "individual": format_fen(self.individual_fen),
            "window": {"start": self.window.start.isoformat(), "end": self.window.end.isoformat()},
            "lines": [x.to_json() for x in self.lines],
        }


def resident_year(year: int, groups: Iterable[str], policy: Policy) -> ResidentYear:
    """What a resident pays for benefit ``year`` after the subsidy of the highest group.

    The policy's standard (demo 400 yuan) and subsidy by group: 特困 (tekun) the whole
    standard; 低保 (dibao) and registered low-income: 130 yuan (``000:135``); 脱贫户
    (poverty_exited) alone: no subsidy. The highest group follows the policy's assisted
    order. ``policy`` must be in force on 1 January of ``year``.
    """
    _check_policy(policy, date(year, 1, 1), "year")
    held = set(groups)
    unknown = held - {*SUBSIDY_SOURCES, "poverty_exited"}
    if unknown:
        raise ValueError(f"groups: unknown group {sorted(unknown)[0]!r}")
    rules = policy.contributions
    subsidies = rules.resident_subsidy
    window = enrolment_window(policy, year)
    standard = rules.resident_standard.fen
    source: SubsidySource | None = None
    for group in policy.assisted_groups:
        if group in held and group in subsidies.by_group:
            source = cast(SubsidySource, group)
            break
    lines = [
        line(
            rules.resident_standard.cited,
            standard,
            f"{year}年度城乡居民医保个人缴费标准为{yuan(standard)}元。",
            f"The residents' individual contribution for {year} is {yuan(standard)} yuan.",
        )
    ]
    subsidy = 0
    if source is not None:
        fixed = subsidies.by_group[source]
        subsidy = standard if fixed is None else min(fixed, standard)
        whole_zh = "全额资助" if subsidy == standard else f"资助{yuan(subsidy)}元"
        whole_en = "pays all of it" if subsidy == standard else f"pays {yuan(subsidy)} yuan"
        lines.append(
            line(
                subsidies.cited,
                subsidy,
                f"您是{SUBSIDY_ZH[source]}，医疗救助{whole_zh}，"
                f"个人缴纳{yuan(standard - subsidy)}元。",
                f"As one of the {SUBSIDY_EN[source]}, medical assistance {whole_en}; you pay "
                f"{yuan(standard - subsidy)} yuan.",
            )
        )
    elif "poverty_exited" in held:
        lines.append(
            line(
                subsidies.cited,
                0,
                "脱贫户本身没有个人缴费资助；如同时是特困、低保或低收入人口，按其身份资助。",
                "Households that exited poverty get no contribution subsidy as such; one who is "
                "also tekun, dibao or registered low-income is subsidised as that.",
            )
        )
    lines.append(
        line(
            rules.enrolment_window.cited,
            standard - subsidy,
            f"请在{window.start.year}年{window.start.month}月{window.start.day}日至"
            f"{window.end.month}月{window.end.day}日集中缴费期内缴费，{year}年全年享受待遇。",
            f"Pay within the enrolment window {window.start.isoformat()} to "
            f"{window.end.isoformat()} to be covered for all of {year}.",
        )
    )
    return ResidentYear(year, standard, subsidy, source, standard - subsidy, window, tuple(lines))


# --- entitlements -----------------------------------------------------------------------------


def paid_periods(entries: Iterable[ContributionEntry], as_of: date) -> frozenset[str]:
    """Periods started by ``as_of`` with a regular or back payment made by ``as_of``.

    A period counts once however many paid entries it has; an arrears entry counts only
    when a back payment (or a regular entry) covers its period.
    """
    return frozenset(e.period for e in entries if e.start <= as_of and e.paid_by(as_of))


def open_arrears(
    entries: Iterable[ContributionEntry], as_of: date | None = None
) -> tuple[ContributionEntry, ...]:
    """Arrears entries whose period no payment covers (by ``as_of``), one per period, in order."""
    listed = list(entries)
    paid = {e.period for e in listed if e.paid_by(as_of)}
    out: dict[str, ContributionEntry] = {}
    for e in listed:
        if e.kind == "arrears" and e.period not in paid and (as_of is None or e.start <= as_of):
            out.setdefault(e.period, e)
    return tuple(out[p] for p in sorted(out))


@dataclass(frozen=True)
class ContributionYears:
    """Cumulative contribution years (累计缴费年限) against what a retiree needs."""

    as_of: date
    sex: Sex
    retired: bool
    months_paid: int
    required_months: int
    missing_months: int
    met: bool
    arrears: tuple[ContributionEntry, ...]
    arrears_fen: int
    rule: str
    source: str
    text_zh: str
    text_en: str

    @property
    def years(self) -> int:
        return self.months_paid // 12

    @property
    def months(self) -> int:
        return self.months_paid % 12

    @property
    def required_years(self) -> int:
        return self.required_months // 12

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "paid": {"years": self.years, "months": self.months, "total_months": self.months_paid},
            "required_years": self.required_years,
            "missing": {
                "years": self.missing_months // 12,
                "months": self.missing_months % 12,
                "total_months": self.missing_months,
            },
            "met": self.met,
            "retired": self.retired,
            "arrears": [e.to_json() for e in self.arrears],
            "arrears_total": format_fen(self.arrears_fen),
            "rule": self.rule,
            "source": self.source,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
        }


def contribution_years(
    entries: Iterable[ContributionEntry],
    as_of: date,
    *,
    sex: Sex,
    policy: Policy,
    retired: bool = False,
    months_before: int = 0,
) -> ContributionYears:
    """Months actually paid by ``as_of`` (regular + back payments) vs the policy's years.

    Arrears count only once a payment covers the period; each period counts once.
    ``months_before``: paid months not in ``entries`` (the ledger's earlier pages).
    ``policy`` must be in force on ``as_of``.
    """
    _check_policy(policy, as_of, "as_of")
    if sex not in SEXES:
        raise ValueError("sex: must be male or female")
    listed = list(entries)
    rule = policy.contribution_years
    required_years = rule.male if sex == "male" else rule.female
    required = required_years * 12
    if months_before < 0:
        raise ValueError("months_before: must not be negative")
    paid = months_before + len(paid_periods(listed, as_of))
    missing = max(0, required - paid)
    met = missing == 0
    arrears = open_arrears(listed, as_of)
    arrears_fen = sum(e.total_fen for e in arrears)
    have_zh = (
        f"截至{as_of.year}年{as_of.month}月{as_of.day}日，您累计实际缴费{years_months_zh(paid)}。"
    )
    have_en = f"By {as_of.isoformat()} you have paid for {years_months_en(paid)} in total."
    need_zh = f"{required_years}年"
    if met and retired:
        zh = (
            f"已满{need_zh}缴费年限，退休后不再缴纳基本医疗保险费，享受个人账户、住院报销、"
            "普通门诊统筹和门诊慢特病全部待遇。"
        )
        en = (
            f"You have the {required_years} contribution years: as a retiree you pay no more "
            "basic medical insurance and get every benefit (personal account, inpatient, "
            "general outpatient pooling, chronic-disease outpatient)."
        )
    elif met:
        zh = f"已满{need_zh}缴费年限，退休后不再缴费、享受退休待遇。"
        en = (
            f"You have the {required_years} contribution years: after retirement you stop "
            "paying and get retirees' benefits."
        )
    elif retired:
        zh = (
            f"还差{years_months_zh(missing)}才满{need_zh}缴费年限。补足之前，退休后仍需缴费，"
            "待遇按年均缴费档次确定；请带身份证到医保经办窗口咨询如何补足。"
        )
        en = (
            f"You are {years_months_en(missing)} short of the {required_years} contribution "
            "years. Until they are made up you keep paying after retirement and your benefits "
            "follow your contribution tier; take your ID card to the medical insurance office "
            "to ask how to make them up."
        )
    else:
        zh = (
            f"还差{years_months_zh(missing)}才满{need_zh}缴费年限，"
            "退休后才能不再缴费、享受退休待遇。"
        )
        en = (
            f"You are {years_months_en(missing)} short of the {required_years} contribution "
            "years; once you have them you stop paying after retirement and get retirees' "
            "benefits."
        )
    if arrears:
        listed_periods = "、".join(e.period for e in arrears)
        zh += (
            f"另有{len(arrears)}个月欠缴（{listed_periods}，共{yuan(arrears_fen)}元），"
            "补缴后计入缴费年限。"
        )
        en += (
            f" {len(arrears)} month{'s' if len(arrears) != 1 else ''} in arrears "
            f"({', '.join(e.period for e in arrears)}; {yuan(arrears_fen)} yuan) count once "
            "paid (back payment)."
        )
    return ContributionYears(
        as_of,
        sex,
        retired,
        paid,
        required,
        missing,
        met,
        arrears,
        arrears_fen,
        rule.cited.rule,
        rule.cited.source,
        have_zh + zh,
        f"{have_en} {en}",
    )


@dataclass(frozen=True)
class YearTier:
    """An employee's benefit tier for a year (缴费与待遇挂钩，``002@2470``).

    ``average_pct`` is the exact figure a bill's ``person.tier_pct`` takes; ``tier`` the
    highest threshold it reaches (None: below every threshold); ``includes`` the
    benefits in order.
    """

    year: int
    months: int
    paid_months: int
    average_base_fen: int
    monthly_wage_fen: int
    average_pct: Fraction
    tier: Fraction | None
    includes: tuple[Benefit, ...]
    all_benefits_as_retiree: bool
    arrears: tuple[ContributionEntry, ...]
    pct_if_arrears_paid: Fraction | None
    next_tier: Fraction | None
    base_for_next_fen: int | None
    rule: str
    source: str
    includes_zh: str
    includes_en: str
    text_zh: str
    text_en: str

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "months": self.months,
            "paid_months": self.paid_months,
            "average_base": format_fen(self.average_base_fen),
            "monthly_average_wage": format_fen(self.monthly_wage_fen),
            "average_pct": _pct_down(self.average_pct),
            "tier": None if self.tier is None else format_pct(self.tier),
            "includes": list(self.includes),
            "all_benefits_as_retiree": self.all_benefits_as_retiree,
            "arrears": [e.to_json() for e in self.arrears],
            "pct_if_arrears_paid": None
            if self.pct_if_arrears_paid is None
            else _pct_down(self.pct_if_arrears_paid),
            "next_tier": None if self.next_tier is None else format_pct(self.next_tier),
            "base_for_next": None
            if self.base_for_next_fen is None
            else format_fen(self.base_for_next_fen),
            "rule": self.rule,
            "source": self.source,
            "includes_zh": self.includes_zh,
            "includes_en": self.includes_en,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
        }


def _includes(policy: Policy, pct_value: Fraction) -> tuple[Benefit, ...]:
    kinds: list[Benefit] = ["personal_account"]
    for kind in TIER_KINDS:
        if pct_value >= policy.tiers.by_kind[kind]:
            kinds.append(cast(Benefit, kind))
    return tuple(kinds)


def _includes_text(includes: Iterable[str]) -> tuple[str, str]:
    names = list(includes)
    zh = "、".join(INCLUDES_ZH[n] for n in names)
    en_names = [INCLUDES_EN[n] for n in names]
    en = en_names[0] if len(en_names) == 1 else ", ".join(en_names[:-1]) + " and " + en_names[-1]
    return zh, en


def year_tier(
    entries_of_year: Iterable[ContributionEntry],
    year: int,
    policy: Policy,
    *,
    as_of: date | None = None,
    retiree_years_met: bool = False,
) -> YearTier:
    """The year's average monthly base as % of last year's monthly average wage → tier.

    Entries of other years (and, with ``as_of``, of months not started by then) are
    ignored. The months of the year are those on the ledger (paid or in arrears); a
    month's base is the largest base among its entries paid (by ``as_of`` when given),
    a month not paid counts 0. % = average base / (average
    wage / 12) × 100. A retiree with the contribution years gets every benefit whatever
    the figure. ``policy`` must be in force on 1 January of ``year``.
    """
    _check_policy(policy, date(year, 1, 1), "year")
    of_year = [
        e for e in entries_of_year if e.start.year == year and (as_of is None or e.start <= as_of)
    ]
    months = sorted({e.period for e in of_year})
    paid_base: dict[str, int] = {}
    for e in of_year:
        if e.paid_by(as_of):
            paid_base[e.period] = max(paid_base.get(e.period, 0), e.base_fen)
    arrears = open_arrears(of_year, as_of)
    wage_month = monthly_average_wage(policy)
    base_sum = sum(paid_base.values())
    count = len(months)
    average = Fraction(base_sum, count) if count else Fraction(0)
    average_pct = average / wage_month * 100
    if_paid: Fraction | None = None
    if arrears:
        with_arrears = base_sum + sum(e.base_fen for e in arrears)
        if_paid = Fraction(with_arrears, count) / wage_month * 100
    tiers = policy.tiers
    cited = tiers.cited
    thresholds = sorted({tiers.by_kind[k] for k in TIER_KINDS})
    reached = [t for t in thresholds if average_pct >= t]
    tier = reached[-1] if reached else None
    higher = [t for t in thresholds if t > average_pct]
    next_tier = higher[0] if higher else None
    base_for_next = None if next_tier is None else math.ceil(wage_month * next_tier / 100)
    wage_text = yuan(round_half_up(wage_month))
    if retiree_years_met:
        includes: tuple[Benefit, ...] = ALL_BENEFITS
        inc_zh, inc_en = _includes_text(includes)
        years = policy.contribution_years
        return YearTier(
            year,
            count,
            len(paid_base),
            round_half_up(average),
            round_half_up(wage_month),
            average_pct,
            tier,
            includes,
            True,
            (),
            None,
            None,
            None,
            years.cited.rule,
            years.cited.source,
            inc_zh,
            inc_en,
            f"您是累计缴费年限已满（男{years.male}年、女{years.female}年）的退休人员，"
            f"不再缴费，享受全部待遇：{inc_zh}。",
            f"You are retired with the required contribution years (men {years.male}, women "
            f"{years.female}): you pay no more and get every benefit: {inc_en}.",
        )
    includes = _includes(policy, average_pct) if reached else BELOW_TIERS_INCLUDES
    inc_zh, inc_en = _includes_text(includes)
    shown = _pct_down(average_pct)
    if not count:
        zh = f"{year}年没有缴费记录，按年均缴费0%计，只有{inc_zh}。"
        en = f"No contributions on record for {year}: 0% of the average wage, {inc_en} only."
    else:
        zh = (
            f"{year}年有{count}个月缴费记录，年均月缴费基数{yuan(round_half_up(average))}元，"
            f"为上年度在岗职工月平均工资{wage_text}元的{shown}%，可以享受：{inc_zh}。"
        )
        en = (
            f"{year}: {count} month{'s' if count != 1 else ''} on record, an average monthly "
            f"base of {yuan(round_half_up(average))} yuan, {shown}% of last year's monthly "
            f"average wage {wage_text} yuan. Benefits: {inc_en}."
        )
        if not reached:
            zh += (
                f"年均缴费低于{pct(thresholds[0])}%，暂不能享受住院等统筹待遇（仅个人账户，示范规则）。"
            )
            en += (
                f" Below {pct(thresholds[0])}% no pooled benefits apply, not even inpatient "
                "care (personal account only, demo rule)."
            )
    if next_tier is not None and base_for_next is not None:
        gains = [k for k in TIER_KINDS if tiers.by_kind[k] == next_tier]
        gain_zh = "、".join(BENEFIT_ZH[k] for k in gains)
        gain_en = " and ".join(BENEFIT_EN[k] for k in gains)
        zh += (
            f"年均缴费达到{pct(next_tier)}%（年均月缴费基数{yuan(base_for_next)}元）"
            f"就可以享受{gain_zh}。办法：按实际工资足额申报、提高缴费基数"
        )
        en += (
            f" At {pct(next_tier)}% (an average monthly base of {yuan(base_for_next)} yuan) "
            f"{gain_en} apply. To get there: declare your full wage to raise the base"
        )
        if arrears:
            zh += "，或补缴欠费。"
            en += ", or pay the arrears."
        else:
            zh += "。"
            en += "."
    if arrears and if_paid is not None:
        owed = sum(e.total_fen for e in arrears)
        zh += (
            f"本年有{len(arrears)}个月欠缴（{'、'.join(e.period for e in arrears)}，"
            f"共{yuan(owed)}元），补缴后年均缴费为{_pct_down(if_paid)}%"
        )
        en += (
            f" {len(arrears)} month{'s' if len(arrears) != 1 else ''} of {year} "
            f"{'are' if len(arrears) != 1 else 'is'} in arrears "
            f"({', '.join(e.period for e in arrears)}; {yuan(owed)} yuan); once paid the "
            f"average is {_pct_down(if_paid)}%"
        )
        after = _includes(policy, if_paid) if if_paid >= thresholds[0] else BELOW_TIERS_INCLUDES
        new = [k for k in after if k not in includes]
        if new:
            zh += f"，可以增加享受{'、'.join(INCLUDES_ZH[k] for k in new)}。"
            en += f", adding {' and '.join(INCLUDES_EN[k] for k in new)}."
        else:
            zh += "。"
            en += "."
    return YearTier(
        year,
        count,
        len(paid_base),
        round_half_up(average),
        round_half_up(wage_month),
        average_pct,
        tier,
        includes,
        False,
        arrears,
        if_paid,
        next_tier,
        base_for_next,
        cited.rule,
        cited.source if reached else f"{cited.source}; below the lowest tier demo",
        inc_zh,
        inc_en,
        zh,
        en,
    )
