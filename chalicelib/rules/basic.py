"""Step 3, basic insurance (统筹基金): deductible, ratio, location cut, yearly cap.

basic = min(round((in_policy − deductible) × ratio), cap left). The deductible
(起付线) is per inpatient admission; the ratio is the kind's and level's, with the
policy's bonuses (retirees, assisted residents in county) and the location cut
(异地就医 without referral or filing, ``003:30``, 医保发〔2022〕22号), kept within
[0, 100]. The cap left is the yearly cap less this year's payments, never below 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from typing import NamedTuple

from chalicelib.rules.bill import Bill
from chalicelib.rules.explain import FILING_EN, FILING_ZH, LEVEL_ZH, Line, later, pct, yuan
from chalicelib.rules.money import HUNDRED, ZERO, round_pct
from chalicelib.rules.policy import Cited, Policy


@dataclass(frozen=True)
class Component:
    """One part of the ratio, in points, with its rule and plain words."""

    cited: Cited
    points: Fraction
    zh: str
    en: str


class BasicOutcome(NamedTuple):  # made on every settlement: a tuple is quicker
    deductible: int
    amount: int
    lines: tuple[Line, ...]


_CAP_ZH = {
    "inpatient": "统筹基金住院",
    "outpatient": "普通门诊统筹",
    "chronic_outpatient": "门诊慢特病",
}
_CAP_EN = {
    "inpatient": "basic insurance for inpatient care",
    "outpatient": "general outpatient pooling",
    "chronic_outpatient": "chronic-disease outpatient care",
}


def _ratio_components(policy: Policy, bill: Bill, assisted: bool) -> list[Component]:
    rules, person, visit = policy.basic, bill.person, bill.visit
    level = visit.hospital_level
    if visit.kind == "inpatient":
        table = rules.inpatient_ratio[person.scheme]
        base = table.at(level)
        parts = [
            Component(
                table.cited,
                base,
                f"{LEVEL_ZH[level]}医院住院{pct(base)}%",
                f"{pct(base)}% for inpatient care at a level-{level} hospital",
            )
        ]
        if person.scheme == "employee" and person.retired:
            bonus = rules.retired_bonus
            parts.append(
                Component(
                    bonus.cited,
                    bonus.pct,
                    f"退休人员提高{pct(bonus.pct)}个百分点",
                    f"{pct(bonus.pct)} points more for retirees",
                )
            )
        if person.scheme == "resident" and assisted and visit.location == "in_county":
            bonus = rules.assisted_resident_in_county_bonus
            parts.append(
                Component(
                    bonus.cited,
                    bonus.pct,
                    f"困难群众县域内住院提高{pct(bonus.pct)}个百分点",
                    f"{pct(bonus.pct)} points more for assisted residents treated in the county",
                )
            )
        return parts
    if visit.kind == "outpatient":
        table = rules.outpatient_ratio
        base = table.at(level)
        return [
            Component(
                table.cited,
                base,
                f"{LEVEL_ZH[level]}医疗机构普通门诊{pct(base)}%",
                f"{pct(base)}% for general outpatient care at level {level}",
            )
        ]
    chronic = rules.chronic_ratio
    base = chronic.assisted_pct if assisted else chronic.pct
    who_zh, who_en = ("困难群众", "assisted persons' ") if assisted else ("", "")
    return [
        Component(
            chronic.cited,
            base,
            f"{who_zh}门诊慢特病{pct(base)}%",
            f"{who_en}{pct(base)}% for chronic-disease outpatient care",
        )
    ]


def location_cut(policy: Policy, location: str, referral: bool, remote_filing: str) -> Fraction:
    """The location cut in points (异地就医降低的百分点) for care at ``location``."""
    if location == "out_of_county":
        rule = policy.basic.out_of_county
        exempt = (rule.exempt_with_referral and referral) or remote_filing in rule.exempt_filings
        return ZERO if exempt else rule.pct
    if location == "out_of_province":
        filing = province_filing(policy, referral, remote_filing)
        return policy.basic.out_of_province.by_filing[filing]
    return ZERO


def _location_cut(policy: Policy, bill: Bill) -> tuple[Fraction, str]:
    """The location cut in points, and where it applies (``""`` when there is none)."""
    visit = bill.visit
    cut = location_cut(policy, visit.location, visit.referral, visit.remote_filing)
    return (cut, visit.location) if cut else (ZERO, "")


def province_filing(policy: Policy, referral: bool, remote_filing: str) -> str:
    """The filing that counts out of the province: ``none`` with a referral counts as one."""
    rule = policy.basic.out_of_province
    if remote_filing == "none" and referral and rule.none_with_referral_as:
        return rule.none_with_referral_as
    return remote_filing


def _cut_line(policy: Policy, bill: Bill, where: str, cut: Fraction, cost: int) -> Line:
    basic = policy.basic
    cited = basic.out_of_county.cited if where == "out_of_county" else basic.out_of_province.cited
    return later(cited, cost, partial(_cut_texts, policy, bill, where, cut, cost))


def _cut_texts(policy: Policy, bill: Bill, where: str, cut: Fraction, cost: int) -> tuple[str, str]:
    if where == "out_of_county":
        rule = policy.basic.out_of_county
        ways = [f for f in FILING_ZH if f in rule.exempt_filings]  # in the usual order
        ways_zh = "、".join(FILING_ZH[f] for f in ways)
        ways_en = ", ".join(FILING_EN[f] for f in ways)
        return (
            f"县域外（省内）就医未按规定办理转诊，报销比例降低{pct(cut)}个百分点，少报{yuan(cost)}元；"
            f"按规定办理转诊（或{ways_zh}）的不降低。",
            f"Treated outside the county without a proper referral: the ratio is {pct(cut)} "
            f"points lower, {yuan(cost)} yuan less. With a referral (or {ways_en}) it is not "
            "lowered.",
        )
    province = policy.basic.out_of_province
    filing = province_filing(policy, bill.visit.referral, bill.visit.remote_filing)
    order = list(FILING_ZH)
    better = sorted(
        ((c, f) for f, c in province.by_filing.items() if c < cut),
        key=lambda pair: (pair[0], order.index(pair[1])),
    )
    better_zh = "；".join(
        f"{FILING_ZH[f]}" + (f"降低{pct(c)}个百分点" if c else "不降低") for c, f in better
    )
    better_en = "; ".join(f"{FILING_EN[f]}: {pct(c)} points" for c, f in better)
    return (
        f"省外就医（{FILING_ZH[filing]}），报销比例降低{pct(cut)}个百分点，少报{yuan(cost)}元。"
        + (f"按规定备案的降低得少：{better_zh}。" if better else ""),
        f"Treated outside the province with {FILING_EN[filing]}: the ratio is {pct(cut)} "
        f"points lower, {yuan(cost)} yuan less."
        + (f" A proper filing lowers it less ({better_en})." if better else ""),
    )


def _cap(policy: Policy, bill: Bill, assisted: bool) -> tuple[Cited, int, int]:
    """The yearly cap that applies: its rule, the cap, and what this year already used."""
    rules, person, ytd = policy.basic, bill.person, bill.ytd
    kind = bill.visit.kind
    if kind == "inpatient":
        who = (
            "employee"
            if person.scheme == "employee"
            else ("assisted_resident" if assisted else "resident")
        )
        cap = rules.inpatient_caps[who]
        return cap.cited, cap.fen, ytd.basic_paid
    if kind == "outpatient":
        return rules.outpatient_cap.cited, rules.outpatient_cap.fen, ytd.outpatient_paid
    chronic = rules.chronic_cap
    return chronic.cited, chronic.assisted_fen if assisted else chronic.fen, ytd.chronic_paid


_Ratio = tuple[list[Component], Fraction, str, Fraction, Fraction]


def _ratio(policy: Policy, bill: Bill, assisted: bool) -> _Ratio:
    """The ratio's components, the location cut and where it applies, the ratio, and the
    ratio without the cut (all in points, within [0, 100]).

    The same for every bill with the same kind, scheme, level, retirement, assistance and
    place under a policy, so made once: a bill then does no ``Fraction`` arithmetic.
    """
    person, visit = bill.person, bill.visit
    key = (
        id(policy),
        visit.kind,
        person.scheme,
        visit.hospital_level,
        person.retired,
        assisted,
        visit.location,
        visit.referral,
        visit.remote_filing,
    )
    known = _RATIOS.get(key)
    if known is not None and known[0] is policy:
        return known[1]
    components = _ratio_components(policy, bill, assisted)
    cut, where = _location_cut(policy, bill)
    before_cut = sum((c.points for c in components), ZERO)
    ratio = min(HUNDRED, max(ZERO, before_cut - cut))
    made: _Ratio = (components, cut, where, ratio, min(HUNDRED, before_cut))
    if len(_RATIOS) >= 512:  # policies made on the fly (tests): never an unbounded cache
        _RATIOS.clear()
    _RATIOS[key] = (policy, made)
    return made


_RATIOS: dict[tuple[object, ...], tuple[Policy, _Ratio]] = {}
"""By the policy object's id; the policy is kept in the value, so an id is never reused."""


def basic_fund(policy: Policy, bill: Bill, in_policy: int, assisted: bool) -> BasicOutcome:
    """统筹基金 for a person who qualifies for the visit's kind."""
    person, visit = bill.person, bill.visit
    lines: list[Line] = []
    deductible = 0
    if visit.kind == "inpatient":
        rule = policy.basic.deductible[person.scheme]
        standard = rule.at(visit.hospital_level)
        deductible = min(standard, in_policy)
        lines.append(
            later(
                rule.cited,
                deductible,
                partial(_deductible_texts, visit.hospital_level, standard, deductible),
            )
        )
    components, cut, where, ratio, without_cut = _ratio(policy, bill, assisted)
    above = in_policy - deductible
    cap_cited, cap, used = _cap(policy, bill, assisted)
    cap_left = max(0, cap - used)
    uncapped = round_pct(above, ratio)
    amount = min(uncapped, cap_left)

    lines.append(
        later(
            components[0].cited,
            uncapped,
            partial(_ratio_texts, components, cut, in_policy, deductible, ratio, uncapped),
        )
    )
    if where:
        cost = min(round_pct(above, without_cut), cap_left) - amount
        lines.append(_cut_line(policy, bill, where, cut, cost))
    if uncapped > cap_left:
        lines.append(later(cap_cited, amount, partial(_cap_texts, visit.kind, cap, used, amount)))
    return BasicOutcome(deductible, amount, tuple(lines))


def _deductible_texts(level: int, standard: int, deductible: int) -> tuple[str, str]:
    standard_text, deductible_text = yuan(standard), yuan(deductible)
    return (
        f"起付线：{LEVEL_ZH[level]}医院住院起付标准{standard_text}元，"
        f"本次由您先付{deductible_text}元。",
        f"Deductible: {standard_text} yuan per admission at a level-"
        f"{level} hospital; you pay {deductible_text} yuan of it.",
    )


def _ratio_texts(
    components: list[Component],
    cut: Fraction,
    in_policy: int,
    deductible: int,
    ratio: Fraction,
    uncapped: int,
) -> tuple[str, str]:
    how_zh = "、".join(c.zh for c in components)
    how_en = "; ".join(c.en for c in components)
    if cut:
        how_zh += f"、异地就医降低{pct(cut)}个百分点"
        how_en += f"; {pct(cut)} points less for care away from home"
    formula = f"({yuan(in_policy)}−{yuan(deductible)})" if deductible else f"{yuan(in_policy)}"
    ratio_text, uncapped_text = pct(ratio), yuan(uncapped)
    return (
        f"统筹基金按{ratio_text}%报销（{how_zh}）：{formula}×{ratio_text}%={uncapped_text}元。",
        f"Basic insurance pays {ratio_text}% ({how_en}): {formula} × {ratio_text}% = "
        f"{uncapped_text} yuan.",
    )


def _cap_texts(kind: str, cap: int, used: int, amount: int) -> tuple[str, str]:
    return (
        f"{_CAP_ZH[kind]}每年最多支付{yuan(cap)}元，今年此前已支付{yuan(used)}元，"
        f"本次只能支付{yuan(amount)}元。",
        f"{_CAP_EN[kind].capitalize()} pays at most {yuan(cap)} yuan a year; "
        f"{yuan(used)} yuan were paid earlier this year, so this bill gets "
        f"{yuan(amount)} yuan.",
    )
