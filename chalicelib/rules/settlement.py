"""One-stop settlement (一站式结算): ``settle(policy, bill) -> Settlement``.

The steps of SETTLEMENT.md, in the policy's layer order: items (who bears what),
eligibility, the fund layers (统筹基金 → 大病保险 → 医疗救助 → 兜底 in the demo
region), living assistance (一站式+, paid to the person outside the bill), then the
personal account and cash. Money is integer fen throughout; each fund part is
rounded half up once, when computed, and ``cash`` is what remains, so
``hospital_borne + Σ parts = total`` to the fen. No I/O, no clock.
"""

from __future__ import annotations

from functools import partial
from typing import Any, NamedTuple

from chalicelib.rules.assistance import medical_assistance
from chalicelib.rules.basic import basic_fund
from chalicelib.rules.bill import Bill, Ytd
from chalicelib.rules.critical_illness import critical_illness
from chalicelib.rules.eligibility import assisted_group, check_eligibility
from chalicelib.rules.explain import GROUP_EN, GROUP_ZH, KIND_EN, KIND_ZH, Line, later, line, yuan
from chalicelib.rules.family import SOURCE as FAMILY_SOURCE
from chalicelib.rules.items import ItemSplit, split_items
from chalicelib.rules.money import format_fen
from chalicelib.rules.policy import Layer, Policy
from chalicelib.rules.safety_net import safety_net

PART_NAMES = ("basic", "critical_illness", "medical_assistance", "safety_net", "account", "cash")


class Parts(NamedTuple):
    """Who pays the bill (less what the hospital bears), in fen.

    Named tuples, as the bill's values are (see :class:`~chalicelib.rules.bill.Person`):
    made on every settlement, a frozen dataclass's fields cost ~0.15 µs each to set.
    """

    basic: int = 0
    critical_illness: int = 0
    medical_assistance: int = 0
    safety_net: int = 0
    account: int = 0
    cash: int = 0
    # 家庭共济：what a linked relative's account paid of the cash, after the engine; None
    # when the family account was not asked for (the part is then left out of the JSON)
    family_account: int | None = None

    @property
    def funds(self) -> int:
        """统筹 + 大病 + 救助 + 兜底."""
        return self.basic + self.critical_illness + self.medical_assistance + self.safety_net


class Settlement(NamedTuple):
    """The settlement of one bill (结算单); amounts in fen (a named tuple, as :class:`Parts`)."""

    policy_region: str
    policy_version: str
    eligible: bool
    total: int
    hospital_borne: int
    out_of_policy: int
    self_first: int
    in_policy: int
    deductible: int
    parts: Parts
    living_assistance: int
    ytd_after: Ytd
    lines: tuple[Line, ...]

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape: amounts as yuan strings with two decimals."""
        return {
            "total": format_fen(self.total),
            "hospital_borne": format_fen(self.hospital_borne),
            "out_of_policy": format_fen(self.out_of_policy),
            "self_first": format_fen(self.self_first),
            "in_policy": format_fen(self.in_policy),
            "deductible": format_fen(self.deductible),
            "parts": self._parts_json(),
            "payouts": {"living_assistance": format_fen(self.living_assistance)},
            "ytd_after": {k: format_fen(v) for k, v in self.ytd_after.as_dict().items()},
            "lines": [entry.to_json() for entry in self.lines],
            "eligible": self.eligible,
            "policy": {"region": self.policy_region, "version": self.policy_version},
        }

    def _parts_json(self) -> dict[str, str]:
        parts = {name: format_fen(getattr(self.parts, name)) for name in PART_NAMES}
        if self.parts.family_account is not None:
            parts["family_account"] = format_fen(self.parts.family_account)
        return parts


class _Funds(NamedTuple):
    """What the fund layers pay, in fen (a named tuple: made on every settlement)."""

    deductible: int = 0
    basic: int = 0
    critical_illness: int = 0
    medical_assistance: int = 0
    safety_net: int = 0
    burden: int = 0
    lines: tuple[Line, ...] = ()

    @property
    def paid(self) -> int:
        """统筹 + 大病 + 救助 + 兜底."""
        return self.basic + self.critical_illness + self.medical_assistance + self.safety_net


_NO_FUNDS = _Funds()


def _layer_base(layer: Layer, split: ItemSplit, prior: int) -> int:
    if layer.base == "personal_less_prior" or layer.base == "personal":
        return max(0, split.total - split.hospital_borne - prior)
    return max(0, split.in_policy - prior)


def _funds(policy: Policy, bill: Bill, split: ItemSplit, group: str | None) -> _Funds:
    """The fund layers in the policy's order, for a person who qualifies."""
    kind = bill.visit.kind
    deductible = burden = basic = critical = assistance = net = 0
    lines: list[Line] = []
    for layer in policy.layers:  # a layer's base only where it is used
        layer_id = layer.id
        if layer_id == "basic":
            outcome = basic_fund(policy, bill, split.in_policy, group is not None)
            deductible, basic = outcome.deductible, outcome.amount
            lines += outcome.lines
        elif layer_id == "critical_illness" and kind in policy.critical_illness.kinds:
            base = _layer_base(layer, split, basic + critical + assistance + net)
            ci = critical_illness(policy, bill, base, group is not None, deductible)
            burden, critical = ci.burden, ci.amount
            lines += ci.lines
        elif layer_id == "medical_assistance" and group is not None:
            base = _layer_base(layer, split, basic + critical + assistance + net)
            assistance = _assistance(policy, bill, base, group, lines)
        elif layer_id == "safety_net":
            prior = basic + critical + assistance + net
            outcome_net = safety_net(
                policy, bill, split.total - split.hospital_borne, split.in_policy, prior, group
            )
            net = outcome_net.amount
            lines += outcome_net.lines
    return _Funds(deductible, basic, critical, assistance, net, burden, tuple(lines))


def _assistance(policy: Policy, bill: Bill, base: int, group: str, lines: list[Line]) -> int:
    """医疗救助: its amount; its lines are added to ``lines``."""
    rules = policy.medical_assistance
    kind = bill.visit.kind
    if kind not in rules.kinds:
        covered = [k for k in KIND_ZH if k in rules.kinds]
        lines.append(
            line(
                rules.cited,
                0,
                f"医疗救助（{GROUP_ZH[group]}）用于{'和'.join(KIND_ZH[k] for k in covered)}费用，"
                f"本次{KIND_ZH[kind]}不适用。",
                f"Medical assistance ({GROUP_EN[group]}) covers "
                f"{' and '.join(KIND_EN[k] for k in covered)}, not {KIND_EN[kind]}.",
            )
        )
        return 0
    outcome = medical_assistance(policy, bill, base, group)
    lines += outcome.lines
    return outcome.amount


def _living_assistance(policy: Policy, bill: Bill, group: str | None) -> tuple[int, list[Line]]:
    """一站式+: the allowance for an assisted inpatient with a listed major or rare disease."""
    rules = policy.living_assistance
    if group is None or bill.visit.kind != rules.kind:
        return 0, []
    listed = [code for code in bill.visit.diagnoses if rules.listed(code)]
    paid = rules.allowance_fen if listed else 0
    first = listed[0] if listed else None
    # the words are made when first read (explain.Line)
    return paid, [later(rules.cited, paid, partial(_living_texts, rules.allowance_fen, first))]


def _living_texts(allowance_fen: int, listed: str | None) -> tuple[str, str]:
    allowance = yuan(allowance_fen)
    if listed is not None:
        return (
            f"您的诊断{listed}在重特大疾病和罕见病名单内，发放生活救助{allowance}元，"
            "直接发给您本人，不抵扣本次医疗费用。",
            f"Your diagnosis {listed} is on the major and rare disease lists: a living "
            f"allowance of {allowance} yuan is paid to you, separately from this bill.",
        )
    return (
        f"本次诊断不在重特大疾病和罕见病名单内，没有生活救助；名单内的疾病住院可以领取{allowance}元。",
        "No diagnosis on this bill is on the major or rare disease lists, so there is no "
        f"living allowance; inpatient care for a listed disease brings {allowance} yuan.",
    )


def _ytd_after(policy: Policy, bill: Bill, funds: _Funds, eligible: bool) -> Ytd:
    ytd = bill.ytd
    if not eligible:
        return ytd
    kind = bill.visit.kind
    basic = funds.basic
    burden = funds.burden if kind in policy.critical_illness.kinds else 0
    return Ytd(  # one new Ytd, not dataclasses.replace (~2 µs each)
        basic_paid=ytd.basic_paid + (basic if kind == "inpatient" else 0),
        outpatient_paid=ytd.outpatient_paid + (basic if kind == "outpatient" else 0),
        chronic_paid=ytd.chronic_paid + (basic if kind == "chronic_outpatient" else 0),
        critical_burden=ytd.critical_burden + burden,
        assistance_paid=ytd.assistance_paid + funds.medical_assistance,
    )


def _account_and_cash(policy: Policy, bill: Bill, left: int) -> tuple[int, int, list[Line]]:
    payment = policy.account_payment
    account = 0
    lines: list[Line] = []
    if bill.person.scheme in payment.schemes:
        if bill.use_account:
            account = min(bill.account_balance, left)
            rest = bill.account_balance - account
            lines.append(later(payment.cited, account, partial(_account_texts, account, rest)))
        else:
            lines.append(
                line(
                    payment.cited,
                    0,
                    "本次没有选择用个人账户支付。",
                    "You chose not to pay from your personal account this time.",
                )
            )
    elif bill.use_account:
        lines.append(
            line(
                payment.cited,
                0,
                "城乡居民医保没有个人账户，本次不从个人账户支付。",
                "Resident insurance has no personal account, so nothing is paid from one.",
            )
        )
    cash = left - account
    lines.append(_cash_line(policy.source, cash))
    return account, cash, lines


def _account_texts(account: int, rest: int) -> tuple[str, str]:
    return (
        f"个人账户支付{yuan(account)}元，账户余额还剩{yuan(rest)}元。",
        f"Your personal account pays {yuan(account)} yuan; {yuan(rest)} yuan remain in it.",
    )


def _cash_line(source: str, cash: int) -> Line:
    return Line("cash", source, cash, "", "", partial(_cash_texts, cash))


def _cash_texts(cash: int) -> tuple[str, str]:
    shown = yuan(cash)
    return f"您需要现金支付{shown}元。", f"You pay {shown} yuan in cash."


def with_family_payment(result: Settlement, paid: int, text_zh: str, text_en: str) -> Settlement:
    """家庭共济 after the engine: a linked relative's account pays ``paid`` of the cash.

    The parts and lines then agree with what the patient pays: ``family_account`` is
    added to the parts, ``cash`` is what is left, and the last line (the cash line) says
    so, after a line for the family account; the parts still add up to the total.
    """
    if not 0 <= paid <= result.parts.cash:
        raise ValueError("the family account pays at most the cash")
    *before, last = result.lines
    if last.rule != "cash":  # pragma: no cover - the engine always ends with the cash line
        raise ValueError("a settlement ends with its cash line")
    cash = result.parts.cash - paid
    family = Line("family_account", FAMILY_SOURCE, paid, text_zh, text_en)
    return result._replace(
        parts=result.parts._replace(family_account=paid, cash=cash),
        lines=(*before, family, _cash_line(last.source, cash)),
    )


def settle(policy: Policy, bill: Bill) -> Settlement:
    """Settle one bill under one policy version (the caller picks it by region and date)."""
    group = assisted_group(policy, bill.person)
    split = split_items(policy, bill, group is not None)
    eligibility = check_eligibility(policy, bill)
    funds = _funds(policy, bill, split, group) if eligibility.qualifies else _NO_FUNDS
    living, living_lines = _living_assistance(policy, bill, group)
    left = split.total - split.hospital_borne - funds.paid
    account, cash, payment_lines = _account_and_cash(policy, bill, left)
    return Settlement(
        policy_region=policy.region,
        policy_version=policy.version,
        eligible=eligibility.qualifies,
        total=split.total,
        hospital_borne=split.hospital_borne,
        out_of_policy=split.out_of_policy,
        self_first=split.self_first,
        in_policy=split.in_policy,
        deductible=funds.deductible,
        parts=Parts(
            basic=funds.basic,
            critical_illness=funds.critical_illness,
            medical_assistance=funds.medical_assistance,
            safety_net=funds.safety_net,
            account=account,
            cash=cash,
        ),
        living_assistance=living,
        ytd_after=_ytd_after(policy, bill, funds, eligibility.qualifies),
        lines=(
            *split.lines,
            *eligibility.lines,
            *funds.lines,
            *living_lines,
            *payment_lines,
        ),
    )
