"""The benefit balance for a year (本年度待遇余额) from the figures settlement writes.

Demo policy 990101 (both versions): inpatient caps residents 120,000, assisted
residents 200,000, employees 6 × 50,000 = 300,000; general outpatient 1,000; chronic
6,500 / assisted 7,000; critical illness threshold 15,000 / assisted 3,000, bands
60/70/80% at 0/50,000/100,000 above it, assisted +5; assistance cap 60,000 (none for
特困); deductibles residents 200/500/1,000, employees 300/600/900.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules_kit import a, bill, run
from rules_strategies import EXAMPLES, bills, fen_near

from chalicelib.rules.benefits import BenefitBalance, as_ytd, benefit_balance
from chalicelib.rules.bill import YTD_FIELDS, Person, Ytd, parse_bill
from chalicelib.rules.policy import policy_in_force

AS_OF = date(2024, 6, 1)
POLICY = policy_in_force("990101", AS_OF)
PROFILE = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def balance(person: Person, ytd: Ytd | dict[str, int] | None = None) -> BenefitBalance:
    return benefit_balance(POLICY, person, ytd or Ytd(), as_of=AS_OF)


RESIDENT = Person("resident", chronic=True)


def test_a_resident_with_nothing_used_has_every_cap_left() -> None:
    b = balance(RESIDENT)
    assert [(c.benefit, c.cap_fen, c.used_fen, c.left_fen) for c in b.caps] == [
        ("inpatient", 12_000_000, 0, 12_000_000),
        ("outpatient", 100_000, 0, 100_000),
        ("chronic_outpatient", 650_000, 0, 650_000),
    ]
    assert all(c.available for c in b.caps)
    assert b.medical_assistance is None
    ci = b.critical_illness
    assert (ci.threshold_fen, ci.burden_fen, ci.until_paying_fen, ci.reached) == (
        1_500_000,
        0,
        1_500_000,
        False,
    )
    assert ci.rate_pct == 60
    assert b.inpatient.rule == "basic.caps.inpatient.resident" and b.inpatient.source == "002@5680"


def test_the_worked_example_leaves_what_settlement_did_not_use() -> None:
    """SETTLEMENT.md's example: low-income resident, 20,000.00 at level 2 in county."""
    settled = run(bill(a("20000"), person={"groups": ["low_income"]}))
    b = balance(Person("resident", groups=frozenset({"low_income"})), settled.ytd_after)
    # basic 16,575.00 of the assisted 200,000.00 cap → 183,425.00 left
    assert (b.inpatient.cap_fen, b.inpatient.used_fen, b.inpatient.left_fen) == (
        20_000_000,
        1_657_500,
        18_342_500,
    )
    # burden 3,425.00 above the assisted threshold 3,000.00: paying, the next yuan at 60 + 5
    ci = b.critical_illness
    assert (ci.burden_fen, ci.until_paying_fen, ci.reached, ci.rate_pct) == (
        342_500,
        0,
        True,
        Fraction(65),
    )
    # assistance 1,889.25 of 60,000.00 → 58,110.75 left
    assert b.medical_assistance is not None
    assert (b.medical_assistance.used_fen, b.medical_assistance.left_fen) == (188_925, 5_811_075)
    assert b.chronic_outpatient.cap_fen == 700_000  # assisted 7,000
    data = b.to_json()
    assert data["caps"]["inpatient"]["left"] == "183425.00"
    assert data["medical_assistance"]["left"] == "58110.75"
    assert data["critical_illness"]["until_paying"] == "0.00"
    assert "还可支付183,425.00元" in data["caps"]["inpatient"]["text_zh"]
    assert "已达到困难群众起付标准3,000.00元" in data["critical_illness"]["text_zh"]


def test_an_employees_inpatient_cap_is_six_times_the_average_wage() -> None:
    b = balance(Person("employee", tier_pct=Fraction(100)), Ytd(basic_paid=10_000_000))
    # 6 × 50,000.00 = 300,000.00; 100,000.00 used → 200,000.00 left
    assert (b.inpatient.cap_fen, b.inpatient.left_fen) == (30_000_000, 20_000_000)
    assert "上年度在岗职工平均工资50,000.00元的6倍" in b.inpatient.text_zh
    assert b.inpatient.source == "002@2791"
    assert b.deductible.by_level == (30_000, 60_000, 90_000)
    assert b.deductible.to_json()["by_level"] == {"1": "300.00", "2": "600.00", "3": "900.00"}


def test_an_assisted_employee_keeps_the_employee_inpatient_cap_but_the_assisted_chronic_one() -> (
    None
):
    b = balance(Person("employee", tier_pct=Fraction(100), groups=frozenset({"dibao"})))
    assert b.inpatient.cap_fen == 30_000_000  # 200,000 is for assisted residents
    assert b.chronic_outpatient.cap_fen == 700_000
    assert b.critical_illness.threshold_fen == 300_000
    assert b.medical_assistance is not None and b.medical_assistance.cap_fen == 6_000_000


def test_tekun_has_no_assistance_cap() -> None:
    b = balance(Person("resident", groups=frozenset({"tekun", "dibao"})), {"assistance_paid": 9})
    assert b.assisted_group == "tekun"
    assert b.medical_assistance is not None
    assert (b.medical_assistance.cap_fen, b.medical_assistance.left_fen) == (None, None)
    data = b.to_json()["medical_assistance"]
    assert (data["cap"], data["left"], data["used"]) == (None, None, "0.09")
    assert "不设年度上限" in data["text_zh"] and "100%" in data["text_zh"]


def test_poverty_exited_alone_is_not_assisted() -> None:
    b = balance(Person("resident", groups=frozenset({"poverty_exited"}), poverty_exit_year=2016))
    assert b.inpatient.cap_fen == 12_000_000 and b.medical_assistance is None
    assert b.critical_illness.threshold_fen == 1_500_000
    assert b.to_json()["medical_assistance"] is None


def test_a_used_up_cap_has_nothing_left_never_less() -> None:
    b = balance(RESIDENT, {"outpatient_paid": 120_000, "chronic_paid": 650_000})
    assert (b.outpatient.used_fen, b.outpatient.left_fen) == (120_000, 0)  # over: still 0
    assert b.chronic_outpatient.left_fen == 0
    assert "本年额度已用完，明年1月1日起重新计算" in b.outpatient.text_zh
    assert "nothing left this year" in b.chronic_outpatient.text_en


@pytest.mark.parametrize(
    ("burden", "assisted", "until", "rate"),
    [
        (1_200_000, False, 300_000, 60),  # 15,000 − 12,000 = 3,000 more
        (1_500_000, False, 0, 60),  # at the threshold: the next yuan is paid at 60%
        (6_499_999, False, 0, 60),  # 49,999.99 above: still the first band
        (6_500_000, False, 0, 70),  # 50,000 above: the next yuan in the second band
        (11_500_000, False, 0, 80),  # 100,000 above: the open band
        (200_000, True, 100_000, 65),  # assisted: 3,000 − 2,000 = 1,000 more, 60 + 5
        (10_300_000, True, 0, 85),  # assisted, 100,000 above: 80 + 5
    ],
)
def test_critical_illness_progress_and_the_rate_of_the_next_yuan(
    burden: int, assisted: bool, until: int, rate: int
) -> None:
    person = Person("resident", groups=frozenset({"dibao"}) if assisted else frozenset())
    ci = balance(person, {"critical_burden": burden}).critical_illness
    assert (ci.until_paying_fen, ci.rate_pct, ci.reached) == (until, Fraction(rate), until == 0)


def test_critical_illness_words_say_how_much_more_until_it_pays() -> None:
    ci = balance(RESIDENT, {"critical_burden": 1_200_000}).critical_illness
    assert "再累计3,000.00元后开始支付，超过部分先按60%支付" in ci.text_zh
    assert "3,000.00 yuan more and it starts paying, first at 60%" in ci.text_en
    assert ci.rule == "critical_illness" and "000:133" in ci.source


@pytest.mark.parametrize(
    ("person", "available"),
    [
        (Person("employee", tier_pct=Fraction(85), chronic=True), (True, True, False)),
        (Person("employee", tier_pct=Fraction(59), chronic=True), (False, False, False)),
        (Person("employee", tier_pct=Fraction(95), chronic=False), (True, True, False)),
        (Person("employee", retired=True, years_met=True, chronic=True), (True, True, True)),
        (Person("employee", chronic=True), (None, None, None)),  # tier not known
        (Person("resident"), (True, True, False)),  # no 慢特病 qualification
    ],
)
def test_availability_follows_settlements_eligibility(
    person: Person, available: tuple[bool | None, ...]
) -> None:
    b = balance(person)
    assert tuple(c.available for c in b.caps) == available
    inpatient_or_chronic = available[::2]  # the critical-illness kinds
    expected = (
        True if True in inpatient_or_chronic else (None if None in inpatient_or_chronic else False)
    )
    assert b.critical_illness.available is expected


def test_refusals_say_why_and_what_would_change_it() -> None:
    b = balance(Person("employee", tier_pct=Fraction(85), chronic=True))
    assert "年均缴费未达95%，门诊慢特病待遇暂不能享受" in b.chronic_outpatient.text_zh
    assert "提高缴费基数或补缴欠费" in b.chronic_outpatient.text_zh
    low = balance(Person("employee", tier_pct=Fraction(50)))
    assert "大病保险也暂不支付" in low.critical_illness.text_zh
    resident = balance(Person("resident"))
    assert "还没有门诊慢特病资格" in resident.chronic_outpatient.text_zh


def test_the_deductible_is_per_admission_by_level() -> None:
    note = balance(RESIDENT).deductible
    assert note.by_level == (20_000, 50_000, 100_000)
    assert (
        "每次住院" in note.text_zh
        and "一级医院200.00元、二级医院500.00元、三级医院1,000.00元" in note.text_zh
    )
    assert note.rule == "basic.deductible.resident"


def test_json_has_two_decimal_yuan_strings_labels_and_the_policy() -> None:
    data = balance(RESIDENT, {"basic_paid": 123_456}).to_json()
    inpatient = data["caps"]["inpatient"]
    assert (inpatient["cap"], inpatient["used"], inpatient["left"]) == (
        "120000.00",
        "1234.56",
        "118765.44",
    )
    assert inpatient["label_zh"] == "住院统筹基金年度最高支付限额"
    assert inpatient["label_en"] == "Inpatient basic insurance: yearly cap"
    assert set(data["caps"]) == {"inpatient", "outpatient", "chronic_outpatient"}
    assert data["policy"] == {"region": "990101", "version": "2022-01-01"}
    assert (data["year"], data["as_of"]) == (2024, "2024-06-01")
    assert data["critical_illness"]["rate_pct"] == "60"


def test_the_2012_version_has_the_same_caps() -> None:
    old = policy_in_force("990101", date(2015, 3, 1))
    b = benefit_balance(old, RESIDENT, Ytd(), as_of=date(2015, 3, 1))
    assert b.policy_version == "2012-07-01"
    assert [c.cap_fen for c in b.caps] == [12_000_000, 100_000, 650_000]


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match=r"ytd\.basic: unknown"):
        as_ytd({"basic": 1})
    with pytest.raises(ValueError, match=r"ytd\.basic_paid"):
        as_ytd({"basic_paid": -1})
    with pytest.raises(ValueError, match=r"ytd\.chronic_paid"):
        as_ytd({"chronic_paid": True})
    with pytest.raises(ValueError, match="as_of"):
        benefit_balance(POLICY, RESIDENT, Ytd(), as_of=date(2021, 12, 31))
    assert as_ytd({"basic_paid": 5}) == Ytd(basic_paid=5)


# --- properties -------------------------------------------------------------------------------

persons = st.builds(
    Person,
    scheme=st.sampled_from(["resident", "employee"]),
    retired=st.booleans(),
    years_met=st.booleans(),
    tier_pct=st.one_of(st.none(), st.sampled_from([Fraction(x) for x in (0, 59, 60, 80, 95)])),
    groups=st.frozensets(st.sampled_from(["tekun", "dibao", "low_income", "poverty_exited"])),
    chronic=st.booleans(),
)
ytds = st.fixed_dictionaries({name: fen_near for name in YTD_FIELDS})


@PROFILE
@given(persons, ytds)
def test_used_plus_left_is_the_cap_and_left_is_never_negative(
    person: Person, ytd: dict[str, int]
) -> None:
    b = balance(person, ytd)
    for cap in b.caps:
        if cap.cap_fen is None:
            assert cap.left_fen is None
            continue
        assert cap.left_fen is not None and cap.left_fen >= 0
        if cap.used_fen <= cap.cap_fen:
            assert cap.used_fen + cap.left_fen == cap.cap_fen
        else:
            assert cap.left_fen == 0
    ci = b.critical_illness
    assert ci.until_paying_fen >= 0
    if ci.burden_fen <= ci.threshold_fen:
        assert ci.burden_fen + ci.until_paying_fen == ci.threshold_fen
    json: dict[str, Any] = b.to_json()
    for cap in json["caps"].values():
        for key in ("cap", "used", "left"):
            assert cap[key] is None or len(cap[key].split(".")[1]) == 2


@PROFILE
@given(bills())
def test_settlement_never_pays_more_than_the_balance_left_and_agrees_on_eligibility(
    doc: dict[str, Any],
) -> None:
    parsed = parse_bill(doc)
    policy = policy_in_force(parsed.region, parsed.date)
    b = benefit_balance(policy, parsed.person, parsed.ytd, as_of=parsed.date)
    settled = run(doc)
    kind = parsed.visit.kind
    cap = {c.benefit: c for c in b.caps}[kind]
    assert cap.left_fen is not None and settled.parts.basic <= cap.left_fen
    assert cap.available == settled.eligible
    after = benefit_balance(policy, parsed.person, settled.ytd_after, as_of=parsed.date)
    used_after = {c.benefit: c for c in after.caps}[kind]
    assert used_after.used_fen == cap.used_fen + settled.parts.basic
    assert after.critical_illness.until_paying_fen <= b.critical_illness.until_paying_fen
