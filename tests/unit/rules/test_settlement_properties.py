"""Property tests: the invariants of SETTLEMENT.md over generated bills.

Bills cover both schemes, every group, kind, level, location, filing and
catalogue, with year-to-date figures near the caps and thresholds. The checks
re-derive from the contract's words which caps and guarantees apply, rather than
asking the code.
"""

from __future__ import annotations

import copy
import re
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules_kit import policy_for, run
from rules_strategies import ASSISTED, EXAMPLES, bills, ratios, yuan

from chalicelib.rules.bill import parse_bill
from chalicelib.rules.explain import yuan as shown_yuan
from chalicelib.rules.money import round_half_up
from chalicelib.rules.settlement import Settlement, settle, with_family_payment

PROFILE = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _assisted(doc: dict[str, Any]) -> bool:
    return any(g in ASSISTED for g in doc["person"]["groups"])


def _qualifies(doc: dict[str, Any]) -> bool:
    person, kind = doc["person"], doc["visit"]["kind"]
    if kind == "chronic_outpatient" and not person["chronic"]:
        return False
    if person["scheme"] == "resident" or (person["retired"] and person["years_met"]):
        return True
    need = {"inpatient": 60, "outpatient": 80, "chronic_outpatient": 95}[kind]
    return Fraction(person["tier_pct"]) >= need


def _cap_left(doc: dict[str, Any]) -> int:
    kind, ytd = doc["visit"]["kind"], doc["ytd"]
    paid = lambda name: round(Fraction(ytd[name]) * 100)  # noqa: E731
    assisted = _assisted(doc)
    if kind == "inpatient":
        if doc["person"]["scheme"] == "employee":
            cap = 30_000_000
        else:
            cap = 20_000_000 if assisted else 12_000_000
        return max(0, cap - paid("basic_paid"))
    if kind == "outpatient":
        return max(0, 100_000 - paid("outpatient_paid"))
    return max(0, (700_000 if assisted else 650_000) - paid("chronic_paid"))


def _guarantee_limits(doc: dict[str, Any], s: Settlement) -> list[tuple[str, int, int]]:
    """(name, what is limited after the safety net, its limit) for each guarantee that applies."""
    person, visit = doc["person"], doc["visit"]
    kind, referred = visit["kind"], visit["referral"]
    in_county = visit["location"] == "in_county"
    base = s.total - s.hospital_borne
    personal_after = s.parts.cash + s.parts.account
    pct = lambda points: round_half_up(Fraction(base * points, 100))  # noqa: E731
    out: list[tuple[str, int, int]] = []
    if _assisted(doc):
        if kind == "inpatient" and (in_county or referred):
            out.append(("assisted inpatient 10%", personal_after, pct(10)))
        if kind == "chronic_outpatient":
            out.append(("assisted chronic 20%", personal_after, pct(20)))
        if kind == "inpatient" and not in_county and (referred or visit["remote_filing"] != "none"):
            share = s.in_policy - s.parts.funds
            limit = round_half_up(
                Fraction(min(s.in_policy, 300_000)) + Fraction(max(0, s.in_policy - 300_000), 20)
            )
            out.append(("assisted out of area", share, limit))
    if "poverty_exited" in person["groups"] and 2014 <= person["poverty_exit_year"] <= 2017:
        if kind == "inpatient" and (in_county or referred):
            out.append(("poverty exited inpatient 20%", personal_after, pct(20)))
        if kind == "chronic_outpatient":
            out.append(("poverty exited chronic 30%", personal_after, pct(30)))
    return out


@PROFILE
@given(bills())
def test_invariants_hold_for_every_valid_bill(doc: dict[str, Any]) -> None:
    s = run(doc)
    p = s.parts
    bill = parse_bill(doc)
    # 1. the item split adds up
    assert s.hospital_borne + s.out_of_policy + s.self_first + s.in_policy == s.total
    # 2. the parts add up to the fen
    assert s.hospital_borne + p.funds + p.account + p.cash == s.total
    # 3. nothing negative; basic within the cap left; account within the balance
    for value in (s.hospital_borne, s.out_of_policy, s.self_first, s.in_policy, s.deductible):
        assert value >= 0
    for name in ("basic", "critical_illness", "medical_assistance", "safety_net", "account"):
        assert getattr(p, name) >= 0, name
    assert p.cash >= 0
    assert p.basic <= _cap_left(doc)
    assert p.account <= bill.account_balance
    if not (doc["person"]["scheme"] == "employee" and doc["use_account"]):
        assert p.account == 0
    # 5. guarantees hold after the safety net, for a person who qualifies
    assert s.eligible == _qualifies(doc)
    if s.eligible:
        for name, limited, limit in _guarantee_limits(doc, s):
            assert limited <= limit, name
    else:
        assert p.funds == 0 and s.deductible == 0
        assert s.ytd_after == bill.ytd
    # ytd_after is ytd plus this bill
    gained = {k: v - bill.ytd.as_dict()[k] for k, v in s.ytd_after.as_dict().items()}
    field = {"inpatient": "basic_paid", "outpatient": "outpatient_paid"}.get(
        doc["visit"]["kind"], "chronic_paid"
    )
    assert gained[field] == p.basic
    assert gained["assistance_paid"] == p.medical_assistance
    assert sum(gained.values()) == p.basic + p.medical_assistance + gained["critical_burden"]
    if doc["visit"]["kind"] == "outpatient":
        assert gained["critical_burden"] == 0
    elif s.eligible:
        assert gained["critical_burden"] == s.in_policy - p.basic
    # living assistance only for assisted inpatients, one allowance
    assert s.living_assistance in (0, 100_000)
    if s.living_assistance:
        assert _assisted(doc) and doc["visit"]["kind"] == "inpatient"
    # the public JSON: two-decimal strings, one explained line per step at least
    data = s.to_json()
    money = re.compile(r"^[0-9]+\.[0-9]{2}$")
    for key in ("total", "hospital_borne", "out_of_policy", "self_first", "in_policy"):
        assert money.match(data[key])
    assert all(money.match(v) for v in data["parts"].values())
    assert all(x["rule"] and x["source"] and x["text_zh"] and x["text_en"] for x in data["lines"])
    if not s.eligible:
        assert any(
            "暂不能享受" in x["text_zh"] or "慢特病资格" in x["text_zh"]
            for x in s.to_json()["lines"]
        )


@PROFILE
@given(bills(), st.integers(0, 5_000_000), st.sampled_from(["A", "B"]), ratios)
def test_adding_an_in_policy_item_never_lowers_the_funds(
    doc: dict[str, Any], fen: int, catalogue: str, ratio: str
) -> None:
    """Invariant 4: basic + critical_illness + medical_assistance + safety_net."""
    before = run(doc).parts.funds
    bigger = copy.deepcopy(doc)
    item: dict[str, Any] = {"code": "NEW", "catalogue": catalogue, "amount": yuan(fen)}
    if catalogue == "B":
        item["b_self_ratio"] = ratio
    bigger["items"].append(item)
    assert run(bigger).parts.funds >= before


@settings(max_examples=60, deadline=None)
@given(bills())
def test_settling_is_pure_and_repeatable(doc: dict[str, Any]) -> None:
    policy = policy_for(doc)
    bill = parse_bill(doc)
    assert settle(policy, bill) == settle(policy, bill)


@settings(max_examples=60, deadline=None)
@given(bills(), st.data())
def test_a_family_payment_keeps_parts_and_lines_in_agreement(
    doc: dict[str, Any], data: st.DataObject
) -> None:
    """家庭共济 after the engine: the parts still add up, cash is what is left, and the last
    line says that cash (no line asks for cash the patient does not owe)."""
    s = run(doc)
    paid = data.draw(st.integers(0, s.parts.cash))
    after = with_family_payment(s, paid, "家人的共济账户支付。", "The family account pays.")
    parts = after.to_json()["parts"]
    assert parts["family_account"] == yuan(paid)
    assert after.parts.cash == s.parts.cash - paid
    assert s.hospital_borne + after.parts.funds + after.parts.account + after.parts.cash + paid == (
        s.total
    )
    *_, family, cash = after.lines
    assert family.rule == "family_account" and family.amount == paid
    assert cash.rule == "cash" and cash.amount == after.parts.cash
    assert cash.text_zh == f"您需要现金支付{shown_yuan(after.parts.cash)}元。"
    assert after.lines[:-2] == s.lines[:-1]
    assert "family_account" not in s.to_json()["parts"]
