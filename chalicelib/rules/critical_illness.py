"""Step 4, critical illness insurance (大病保险), inpatient and chronic outpatient care.

The bill's burden (its layer base: in demo order ``in_policy − basic``, the
deductible included) adds to the year's accumulated burden. Above the threshold
(assisted persons: a lower one, ``000:133``) the accumulated burden is paid in
bands; assisted persons get extra points on every band; no cap.
critical_illness = round(f(burden after) − f(burden before)).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from chalicelib.rules.bill import Bill
from chalicelib.rules.explain import Line, line, pct, round_yuan, yuan
from chalicelib.rules.money import round_half_up, share
from chalicelib.rules.policy import CriticalIllnessRules, Policy


@dataclass(frozen=True)
class CriticalIllnessOutcome:
    amount: int
    burden: int
    lines: tuple[Line, ...]


def paid_on(rules: CriticalIllnessRules, burden: int, assisted: bool) -> Fraction:
    """f(burden): what the bands pay, exactly, on an accumulated burden in fen."""
    threshold = rules.assisted_threshold_fen if assisted else rules.threshold_fen
    bonus = rules.assisted_bonus if assisted else Fraction(0)
    over = burden - threshold
    paid = Fraction(0)
    low = 0
    for band in rules.bands:
        if over <= low:
            break
        high = over if band.up_to_fen is None else min(over, band.up_to_fen)
        paid += share(high - low, band.pct + bonus)
        if band.up_to_fen is None:
            break
        low = band.up_to_fen
    return paid


def _bands_text(rules: CriticalIllnessRules, assisted: bool) -> tuple[str, str]:
    bonus = rules.assisted_bonus if assisted else Fraction(0)
    zh: list[str] = []
    en: list[str] = []
    low = 0
    for band in rules.bands:
        rate = pct(band.pct + bonus)
        if band.up_to_fen is None:
            zh.append(f"{round_yuan(low)}元以上部分{rate}%")
            en.append(f"above {round_yuan(low)}: {rate}%")
        else:
            zh.append(f"{round_yuan(low)}至{round_yuan(band.up_to_fen)}元部分{rate}%")
            en.append(f"{round_yuan(low)} to {round_yuan(band.up_to_fen)}: {rate}%")
            low = band.up_to_fen
    return "、".join(zh), "; ".join(en)


def critical_illness(
    policy: Policy, bill: Bill, burden: int, assisted: bool, deductible: int
) -> CriticalIllnessOutcome:
    """``deductible`` only for the words: the burden already includes it."""
    rules = policy.critical_illness
    before = bill.ytd.critical_burden
    after = before + burden
    amount = round_half_up(paid_on(rules, after, assisted) - paid_on(rules, before, assisted))
    threshold = rules.assisted_threshold_fen if assisted else rules.threshold_fen
    who_zh = "困难群众" if assisted else ""
    who_en = "assisted persons' " if assisted else ""
    head_zh = (
        f"大病保险：本次政策范围内个人负担{yuan(burden)}元（含起付线），"
        f"本年累计{yuan(after)}元。"
    )
    head_en = (
        f"Critical illness insurance: this bill's in-policy burden is {yuan(burden)} yuan "
        f"(deductible included); {yuan(after)} yuan so far this year."
    )
    if after <= threshold:
        zh = f"未超过{who_zh}起付标准{yuan(threshold)}元，本次不支付；全年累计超过后开始支付。"
        en = (
            f"That is within the {who_en}threshold of {yuan(threshold)} yuan, so nothing is "
            "paid yet; payment starts once the year's burden passes it."
        )
    else:
        bands_zh, bands_en = _bands_text(rules, assisted)
        zh = (
            f"超过{who_zh}起付标准{yuan(threshold)}元的部分分段支付（{bands_zh}，不设封顶），"
            f"本次支付{yuan(amount)}元。"
        )
        en = (
            f"Above the {who_en}threshold of {yuan(threshold)} yuan it pays by bands "
            f"({bands_en}; no cap): {yuan(amount)} yuan on this bill."
        )
    return CriticalIllnessOutcome(
        amount, burden, (line(rules.cited, amount, head_zh + zh, f"{head_en} {en}"),)
    )
