"""Step 5, medical assistance (医疗救助) for assisted persons, inpatient and chronic outpatient.

The highest assisted group the person holds (特困 > 低保 > 低收入) sets the rate and
the yearly cap (none for 特困); the base is the layer's (in demo order
``in_policy − basic − critical_illness``).
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

from chalicelib.rules.bill import Bill
from chalicelib.rules.explain import GROUP_EN, GROUP_ZH, Line, later, pct, yuan
from chalicelib.rules.money import round_pct
from chalicelib.rules.policy import AssistanceRate, Policy


class AssistanceOutcome(NamedTuple):  # made on every settlement: a tuple is quicker
    amount: int
    lines: tuple[Line, ...]


def medical_assistance(policy: Policy, bill: Bill, base: int, group: str) -> AssistanceOutcome:
    rules = policy.medical_assistance
    rate = rules.by_group[group]
    computed = round_pct(base, rate.pct)
    amount = computed
    used = bill.ytd.assistance_paid
    if rate.cap_fen is not None:
        amount = min(computed, max(0, rate.cap_fen - used))
    # the words are made when first read (explain.Line)
    render = partial(_texts, group, rate, base, computed, used, amount)
    return AssistanceOutcome(amount, (later(rules.cited, amount, render),))


def _texts(
    group: str, rate: AssistanceRate, base: int, computed: int, used: int, amount: int
) -> tuple[str, str]:
    zh = (
        f"医疗救助（{GROUP_ZH[group]}）：基本医保和大病保险报销后，政策范围内个人负担"
        f"{yuan(base)}元，按{pct(rate.pct)}%救助{yuan(computed)}元。"
    )
    en = (
        f"Medical assistance ({GROUP_EN[group]}): after basic and critical illness insurance "
        f"the in-policy burden is {yuan(base)} yuan; {pct(rate.pct)}% of it is "
        f"{yuan(computed)} yuan."
    )
    if rate.cap_fen is None:
        zh += "不设年度救助上限。"
        en += " There is no yearly cap."
    elif computed > amount:
        zh += (
            f"每年最多救助{yuan(rate.cap_fen)}元，今年此前已救助{yuan(used)}元，"
            f"本次只能救助{yuan(amount)}元。"
        )
        en += (
            f" It is capped at {yuan(rate.cap_fen)} yuan a year; {yuan(used)} yuan were "
            f"paid earlier this year, so this bill gets {yuan(amount)} yuan."
        )
    return zh, en
