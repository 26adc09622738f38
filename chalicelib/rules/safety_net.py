"""Step 6, the safety net (兜底), for a person who qualifies for the visit's kind.

personal = total − hospital_borne − the funds before this layer. Each guarantee
that applies limits what the person bears: ``personal`` to a percentage of
``total − hospital_borne`` (assisted inpatients in county or referred 10%,
``000:91``; assisted chronic outpatients 20%; 脱贫户 who exited 2014–2017 20% / 30%,
``000:85``, ``000:87``), or the in-policy personal share to all of the first 3,000
and 5% above (assisted, out of the area with a referral or filing, ``004:21``).
Each limit is rounded half up to the fen; safety_net is the largest excess,
between 0 and personal. A guarantee lost to a missing referral says so.
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

from chalicelib.rules.bill import Bill, Visit
from chalicelib.rules.explain import (
    GROUP_EN,
    GROUP_ZH,
    KIND_EN,
    KIND_ZH,
    Line,
    later,
    line,
    pct,
    yuan,
)
from chalicelib.rules.money import ZERO, round_pct
from chalicelib.rules.policy import Guarantee, Policy


class SafetyNetOutcome(NamedTuple):  # made on every settlement: a tuple is quicker
    amount: int
    lines: tuple[Line, ...]


class _Applied(NamedTuple):
    guarantee: Guarantee
    limit: int
    limited: int

    @property
    def excess(self) -> int:
        return self.limited - self.limit


def _place_ok(guarantee: Guarantee, visit: Visit) -> bool:
    if guarantee.where == "in_county_or_referral":
        return visit.location == "in_county" or visit.referral
    if guarantee.where == "out_of_area_referred_or_filed":
        return visit.location != "in_county" and (visit.referral or visit.remote_filing != "none")
    return True


def _label(guarantee: Guarantee, group: str | None) -> tuple[str, str]:
    who = "poverty_exited" if guarantee.group == "poverty_exited" else (group or "")
    return (
        f"{GROUP_ZH.get(who, '')}{KIND_ZH[guarantee.kind]}兜底",
        f"the safety net of {KIND_EN[guarantee.kind]} for {GROUP_EN.get(who, '')}",
    )


def _refusal(guarantee: Guarantee, bill: Bill, group: str | None) -> Line:
    label_zh, label_en = _label(guarantee, group)
    if guarantee.exit_years and not _in_years(guarantee, bill):
        low, high = guarantee.exit_years
        year = bill.person.poverty_exit_year
        return line(
            guarantee.cited,
            0,
            f"您的脱贫年份是{year}年，{label_zh}只适用于{low}至{high}年退出的脱贫户。",
            f"You exited poverty in {year}; {label_en} covers those who exited in {low} to {high}.",
        )
    if guarantee.where == "in_county_or_referral":
        return line(
            guarantee.cited,
            0,
            f"县域外就医未按规定办理转诊，不享受{label_zh}；按规定办理转诊后就可以享受。",
            f"Treated outside the county without a proper referral, so {label_en} does not "
            "apply; with a referral it does.",
        )
    return line(
        guarantee.cited,
        0,
        f"县域外就医未办理转诊或异地就医备案，不享受{label_zh}；办理转诊或备案后就可以享受。",
        f"Treated away from home without a referral or remote-care filing, so {label_en} "
        "does not apply; with a referral or filing it does.",
    )


def _applies_to(guarantee: Guarantee, bill: Bill, group: str | None) -> bool:
    """The guarantee is for this person's group and this kind of visit (place aside)."""
    if guarantee.kind != bill.visit.kind:
        return False
    if guarantee.group == "assisted":
        return group is not None
    return "poverty_exited" in bill.person.groups


def _in_years(guarantee: Guarantee, bill: Bill) -> bool:
    year = bill.person.poverty_exit_year
    if guarantee.exit_years is None:
        return True
    return year is not None and guarantee.exit_years[0] <= year <= guarantee.exit_years[1]


def _limit(guarantee: Guarantee, base_total: int, in_policy: int) -> int:
    if guarantee.personal_max_pct is not None:
        return round_pct(base_total, guarantee.personal_max_pct)
    full = guarantee.full_up_to_fen or 0
    above = guarantee.pct_above if guarantee.pct_above is not None else ZERO
    return min(in_policy, full) + round_pct(max(0, in_policy - full), above)


def _applied_line(applied: _Applied, amount: int, base_total: int, group: str | None) -> Line:
    # the words are made when first read (explain.Line)
    render = partial(_applied_texts, applied, amount, base_total, group)
    return later(applied.guarantee.cited, amount, render)


def _applied_texts(
    applied: _Applied, amount: int, base_total: int, group: str | None
) -> tuple[str, str]:
    g = applied.guarantee
    label_zh, label_en = _label(g, group)
    limited, limit = yuan(applied.limited), yuan(applied.limit)  # formatted once, both languages
    if g.personal_max_pct is not None:
        zh = (
            f"{label_zh}：经基本医保、大病保险和医疗救助后，您个人负担{limited}元；"
            f"按规定不超过医疗费用{yuan(base_total)}元的{pct(g.personal_max_pct)}%，"
            f"即{limit}元。"
        )
        en = (
            f"{label_en.capitalize()}: after basic insurance, critical illness insurance and "
            f"medical assistance you bear {limited} yuan; you never bear more "
            f"than {pct(g.personal_max_pct)}% of the {yuan(base_total)} yuan cost, "
            f"{limit} yuan."
        )
    else:
        full = yuan(g.full_up_to_fen or 0)
        above = pct(g.pct_above or ZERO)
        zh = (
            f"{label_zh}（异地就医）：政策范围内个人负担{limited}元；按规定政策范围内"
            f"费用{full}元以内由个人负担，超过部分个人最多负担{above}%，即最多{limit}元。"
        )
        en = (
            f"{label_en.capitalize()} (care away from home): your in-policy share is "
            f"{limited} yuan; you bear in-policy cost up to {full} yuan and at "
            f"most {above}% above it, {limit} yuan."
        )
    if amount:
        shown = yuan(amount)
        zh += f"超出的{shown}元由兜底资金支付。"
        en += f" The safety net pays the {shown} yuan above that."
    else:
        zh += "没有超出，不需要兜底。"
        en += " That limit is not exceeded, so the safety net pays nothing."
    return zh, en


def safety_net(
    policy: Policy, bill: Bill, base_total: int, in_policy: int, paid: int, group: str | None
) -> SafetyNetOutcome:
    """``base_total`` = total − hospital_borne; ``paid`` = the fund layers before this one."""
    personal = max(0, base_total - paid)
    in_policy_personal = max(0, in_policy - paid)
    best: _Applied | None = None  # the largest excess; the first of equals, in policy order
    refused: list[Guarantee] = []  # their lines are made only when none applies
    kind = bill.visit.kind
    for guarantee in policy.guarantees:
        if guarantee.kind != kind or not _applies_to(guarantee, bill, group):  # kind first: cheap
            continue
        if not _in_years(guarantee, bill) or not _place_ok(guarantee, bill.visit):
            refused.append(guarantee)
            continue
        limited = personal if guarantee.personal_max_pct is not None else in_policy_personal
        limit = _limit(guarantee, base_total, in_policy)
        if best is None or limited - limit > best.excess:
            best = _Applied(guarantee, limit, limited)
    if best is None:
        return SafetyNetOutcome(0, tuple(_refusal(g, bill, group) for g in refused))
    amount = min(max(0, best.excess), personal)
    return SafetyNetOutcome(amount, (_applied_line(best, amount, base_total, group),))
