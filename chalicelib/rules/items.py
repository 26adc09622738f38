"""Step 1, the bill's items (费用明细): who bears which part before any fund pays.

- A medical material of 600.00 or more used without signed consent is wholly borne
  by the hospital, whatever its catalogue (``003:22``).
- Catalogue A (甲类) is in policy; B (乙类) is in policy except its self-pay share
  (乙类先行自付，rounded half up per item); C (丙类) stays with the patient.
- For an assisted inpatient, out-of-policy cost may not exceed 5% (level 1) or 8%
  (levels 2–3) of the total less the unconsented materials; the hospital bears the
  excess (``004:23``).
"""

from __future__ import annotations

from fractions import Fraction
from functools import partial
from typing import NamedTuple

from chalicelib.rules.bill import Bill
from chalicelib.rules.explain import Line, later, pct, yuan
from chalicelib.rules.money import round_pct
from chalicelib.rules.policy import Policy


class ItemSplit(NamedTuple):
    """The bill split by who bears what, in fen (a named tuple: made on every settlement)."""

    total: int
    unconsented: int
    out_of_policy_excess: int
    out_of_policy: int
    self_first: int
    in_policy: int
    lines: tuple[Line, ...]

    @property
    def hospital_borne(self) -> int:
        """医院承担：unconsented materials and out-of-policy cost above the limit."""
        return self.unconsented + self.out_of_policy_excess


def _limit_line(
    policy: Policy, points: Fraction, limit: int, out_of_policy: int, excess: int
) -> Line:
    cited = policy.items.assisted_out_of_policy_limit.cited
    return later(cited, excess, partial(_limit_texts, points, limit, out_of_policy, excess))


def _limit_texts(points: Fraction, limit: int, out_of_policy: int, excess: int) -> tuple[str, str]:
    if excess:
        return (
            f"困难群众住院，目录外费用不得超过总费用的{pct(points)}%即{yuan(limit)}元；"
            f"超出的{yuan(excess)}元由医院承担，您不用付。",
            f"For an assisted inpatient, out-of-policy cost may not exceed {pct(points)}% of "
            f"the total, {yuan(limit)} yuan; the hospital bears the {yuan(excess)} yuan above.",
        )
    return (
        f"困难群众住院，目录外费用{yuan(out_of_policy)}元，未超过总费用的{pct(points)}%即{yuan(limit)}元。",
        f"For an assisted inpatient, out-of-policy cost {yuan(out_of_policy)} yuan is within "
        f"{pct(points)}% of the total, {yuan(limit)} yuan.",
    )


def _total_texts(total: int) -> tuple[str, str]:
    shown = yuan(total)
    return f"本次医疗费用合计{shown}元。", f"This bill comes to {shown} yuan in all."


def _unconsented_texts(threshold_fen: int, unconsented: int) -> tuple[str, str]:
    threshold = yuan(threshold_fen)
    return (
        f"未经您或家属签字同意使用的{threshold}元及以上医用材料共{yuan(unconsented)}元，"
        "由医院承担，您不用付。",
        f"Medical materials of {threshold} yuan or more used without your signed consent "
        f"({yuan(unconsented)} yuan) are borne by the hospital; you do not pay for them.",
    )


def _self_first_texts(self_first: int) -> tuple[str, str]:
    shown = yuan(self_first)
    return (
        f"乙类项目按各自的自付比例，先由您自付{shown}元，其余纳入报销范围。",
        f"Catalogue B items: you first pay {shown} yuan (each item's "
        "self-pay share); the rest counts for reimbursement.",
    )


def _out_of_policy_texts(out_of_policy: int) -> tuple[str, str]:
    shown = yuan(out_of_policy)
    return (
        f"目录外（丙类）费用{shown}元不在报销范围内，由您自付。",
        f"Out-of-catalogue (C) cost of {shown} yuan is not reimbursed; you pay it.",
    )


def _in_policy_texts(in_policy: int) -> tuple[str, str]:
    shown = yuan(in_policy)
    return (
        f"政策范围内费用{shown}元，按下面的规则报销。",
        f"In-policy cost of {shown} yuan is reimbursed by the rules below.",
    )


def split_items(policy: Policy, bill: Bill, assisted: bool) -> ItemSplit:
    rules = policy.items
    total = unconsented = out_of_policy = self_first = in_policy = 0
    threshold = rules.unconsented_material.fen
    last_ratio: Fraction | None = None
    n = d = 1
    for _code, catalogue, amount, ratio, material, consent in bill.items:  # unpacked: fastest
        total += amount
        if material and not consent and amount >= threshold:
            unconsented += amount
        elif catalogue == "A":
            in_policy += amount
        elif catalogue == "B":
            own = 0
            if ratio is not None:
                # round_share inlined, the ratio's parts read once for a run of items that
                # share it (a bill's "0.1"s are one Fraction): ratio × amount ≥ 0, half up
                if ratio is not last_ratio:
                    last_ratio = ratio
                    n, d = ratio.as_integer_ratio()
                own = (2 * n * amount + d) // (2 * d)
            self_first += own
            in_policy += amount - own
        else:
            out_of_policy += amount

    # the words are made when first read (explain.Line): an estimate never reads them
    lines = [later(rules.catalogues, total, partial(_total_texts, total))]
    if unconsented:
        threshold = rules.unconsented_material.fen
        lines.append(
            later(
                rules.unconsented_material.cited,
                unconsented,
                partial(_unconsented_texts, threshold, unconsented),
            )
        )

    excess = 0
    if assisted and bill.visit.kind == "inpatient":
        points = rules.assisted_out_of_policy_limit.at(bill.visit.hospital_level)
        limit = round_pct(total - unconsented, points)
        excess = max(0, out_of_policy - limit)
        if out_of_policy:
            lines.append(_limit_line(policy, points, limit, out_of_policy, excess))
        out_of_policy -= excess

    if self_first:
        lines.append(later(rules.catalogues, self_first, partial(_self_first_texts, self_first)))
    if out_of_policy:
        lines.append(
            later(rules.catalogues, out_of_policy, partial(_out_of_policy_texts, out_of_policy))
        )
    lines.append(later(rules.catalogues, in_policy, partial(_in_policy_texts, in_policy)))
    return ItemSplit(total, unconsented, excess, out_of_policy, self_first, in_policy, tuple(lines))
