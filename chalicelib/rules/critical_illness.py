"""Step 4, critical illness insurance (大病保险), inpatient and chronic outpatient care.

The bill's burden (its layer base: in demo order ``in_policy − basic``, the
deductible included) adds to the year's accumulated burden. Above the threshold
(assisted persons: a lower one, ``000:133``) the accumulated burden is paid in
bands; assisted persons get extra points on every band; no cap.
critical_illness = round(f(burden after) − f(burden before)).
"""

from __future__ import annotations

from functools import partial
from math import lcm
from typing import NamedTuple

from chalicelib.rules.bill import Bill
from chalicelib.rules.explain import Line, later, pct, yuan
from chalicelib.rules.money import ZERO, round_div
from chalicelib.rules.policy import CriticalIllnessRules, Policy


class CriticalIllnessOutcome(NamedTuple):  # made on every settlement: a tuple is quicker
    amount: int
    burden: int
    lines: tuple[Line, ...]


Bands = tuple[int, tuple[tuple[int | None, int], ...]]
"""The bands in integers: a denominator ``d`` and, for each band, its upper bound in fen and
its rate as ``k / d`` of a fen (``(pct + bonus) / 100 = k / d`` exactly)."""


def _bands(rules: CriticalIllnessRules, assisted: bool) -> Bands:
    """The bands' rates over one common denominator: the same for every bill under a policy,
    so made once (:func:`_bands_text` keeps its words the same way)."""
    key = (id(rules), assisted)
    known = _BANDS.get(key)
    if known is not None and known[0] is rules:
        return known[1]
    bonus = rules.assisted_bonus if assisted else ZERO
    rates = [(band.up_to_fen, (band.pct + bonus) / 100) for band in rules.bands]
    d = lcm(*(rate.denominator for _, rate in rates))
    bands: Bands = (d, tuple((up, rate.numerator * (d // rate.denominator)) for up, rate in rates))
    if len(_BANDS) >= 64:  # policies made on the fly (tests): never an unbounded cache
        _BANDS.clear()
    _BANDS[key] = (rules, bands)
    return bands


_BANDS: dict[tuple[int, bool], tuple[CriticalIllnessRules, Bands]] = {}
"""By the rules object's id; the rules are kept in the value, so an id is never reused."""


def _paid_on(bands: Bands, over: int) -> int:
    """f(burden) × d: what the bands pay, exactly, on ``over`` fen above the threshold."""
    paid = low = 0
    for up_to, k in bands[1]:
        if over <= low:
            break
        high = over if up_to is None else min(over, up_to)
        paid += (high - low) * k
        if up_to is None:
            break
        low = up_to
    return paid


def _bands_text(rules: CriticalIllnessRules, assisted: bool) -> tuple[str, str]:
    """The bands in words: the same for every bill under a policy, so formatted once."""
    key = (id(rules), assisted)
    known = _BANDS_TEXT.get(key)
    if known is not None and known[0] is rules:
        return known[1]
    text = _format_bands(rules, assisted)
    if len(_BANDS_TEXT) >= 64:  # policies made on the fly (tests): never an unbounded cache
        _BANDS_TEXT.clear()
    _BANDS_TEXT[key] = (rules, text)
    return text


_BANDS_TEXT: dict[tuple[int, bool], tuple[CriticalIllnessRules, tuple[str, str]]] = {}
"""By the rules object's id; the rules are kept in the value, so an id is never reused."""


def _format_bands(rules: CriticalIllnessRules, assisted: bool) -> tuple[str, str]:
    bonus = rules.assisted_bonus if assisted else ZERO
    zh: list[str] = []
    en: list[str] = []
    low = 0
    for band in rules.bands:
        rate = pct(band.pct + bonus)
        if band.up_to_fen is None:
            zh.append(f"{yuan(low)}元以上部分{rate}%")
            en.append(f"above {yuan(low)}: {rate}%")
        else:
            zh.append(f"{yuan(low)}至{yuan(band.up_to_fen)}元部分{rate}%")
            en.append(f"{yuan(low)} to {yuan(band.up_to_fen)}: {rate}%")
            low = band.up_to_fen
    return "、".join(zh), "; ".join(en)


def critical_illness(
    policy: Policy, bill: Bill, burden: int, assisted: bool, deductible: int
) -> CriticalIllnessOutcome:
    """``deductible`` only for the words: the burden already includes it."""
    rules = policy.critical_illness
    before = bill.ytd.critical_burden
    after = before + burden
    threshold = rules.assisted_threshold_fen if assisted else rules.threshold_fen
    bands = _bands(rules, assisted)  # integers: f(after) − f(before) = n / d, rounded once
    amount = round_div(
        _paid_on(bands, after - threshold) - _paid_on(bands, before - threshold), bands[0]
    )
    # the words are made when first read (explain.Line)
    render = partial(_texts, rules, assisted, burden, after, threshold, amount)
    return CriticalIllnessOutcome(amount, burden, (later(rules.cited, amount, render),))


def _texts(
    rules: CriticalIllnessRules,
    assisted: bool,
    burden: int,
    after: int,
    threshold: int,
    amount: int,
) -> tuple[str, str]:
    who_zh = "困难群众" if assisted else ""
    who_en = "assisted persons' " if assisted else ""
    # each amount formatted once, for both languages
    burden_text, after_text, threshold_text = yuan(burden), yuan(after), yuan(threshold)
    head_zh = (
        f"大病保险：本次政策范围内个人负担{burden_text}元（含起付线），本年累计{after_text}元。"
    )
    head_en = (
        f"Critical illness insurance: this bill's in-policy burden is {burden_text} yuan "
        f"(deductible included); {after_text} yuan so far this year."
    )
    if after <= threshold:
        zh = f"未超过{who_zh}起付标准{threshold_text}元，本次不支付；全年累计超过后开始支付。"
        en = (
            f"That is within the {who_en}threshold of {threshold_text} yuan, so nothing is "
            "paid yet; payment starts once the year's burden passes it."
        )
    else:
        bands_zh, bands_en = _bands_text(rules, assisted)
        amount_text = yuan(amount)
        zh = (
            f"超过{who_zh}起付标准{threshold_text}元的部分分段支付（{bands_zh}，不设封顶），"
            f"本次支付{amount_text}元。"
        )
        en = (
            f"Above the {who_en}threshold of {threshold_text} yuan it pays by bands "
            f"({bands_en}; no cap): {amount_text} yuan on this bill."
        )
    return head_zh + zh, f"{head_en} {en}"
