"""Hand-computed settlements under the demo policy (SETTLEMENT.md, DOMAIN.md §7).

Each expected figure is worked out in the comment above it, from the contract's
numbers, never from the code.
"""

from __future__ import annotations

from typing import Any

import pytest
from rules_kit import a, b, bill, c, out, rules, texts

ZERO_PARTS = {
    "basic": "0.00",
    "critical_illness": "0.00",
    "medical_assistance": "0.00",
    "safety_net": "0.00",
    "account": "0.00",
}


def parts(result: dict[str, Any], **expected: str) -> None:
    """The parts named, others 0.00 (cash must always be named)."""
    assert result["parts"] == {**ZERO_PARTS, **expected}


# --- the worked example --------------------------------------------------------------------


def test_worked_example_low_income_resident_level_2_in_county() -> None:
    result = out(bill(a("20000.00"), person={"groups": ["low_income"]}))
    assert result["total"] == "20000.00"
    assert result["in_policy"] == "20000.00"
    assert result["deductible"] == "500.00"
    # ratio 75 + 10 = 85%: 19,500 × 0.85; burden 3,425 above 3,000 by 425 at 65%;
    # assistance 60% of 3,148.75; personal 1,259.50 ≤ 2,000.
    parts(
        result,
        basic="16575.00",
        critical_illness="276.25",
        medical_assistance="1889.25",
        cash="1259.50",
    )
    assert result["payouts"] == {"living_assistance": "0.00"}
    assert result["ytd_after"] == {
        "basic_paid": "16575.00",
        "outpatient_paid": "0.00",
        "chronic_paid": "0.00",
        "critical_burden": "3425.00",
        "assistance_paid": "1889.25",
    }
    assert result["eligible"] is True
    assert result["policy"] == {"region": "990101", "version": "2022-01-01"}
    assert "safety_net.assisted_inpatient" in rules(result)
    for entry in result["lines"]:
        assert entry["rule"] and entry["source"] and entry["text_zh"] and entry["text_en"]


def test_the_same_bill_under_the_2012_policy_version() -> None:
    result = out(bill(a("20000.00"), person={"groups": ["low_income"]}, date="2015-03-01"))
    assert result["policy"]["version"] == "2012-07-01"
    assert result["parts"]["cash"] == "1259.50"


# --- employees' tiers (002@2470) -----------------------------------------------------------


def employee(tier: float, **extra: Any) -> dict[str, Any]:
    return {"scheme": "employee", "tier_pct": tier, **extra}


def test_employee_tier_60_qualifies_for_inpatient_care() -> None:
    # level 3: deductible 900, ratio 80: 9,100 × 0.8 = 7,280; burden 2,720 < 15,000.
    result = out(bill(a("10000"), person=employee(70), visit={"hospital_level": 3}))
    assert result["deductible"] == "900.00"
    parts(result, basic="7280.00", cash="2720.00")
    assert result["ytd_after"]["basic_paid"] == "7280.00"
    assert result["ytd_after"]["critical_burden"] == "2720.00"


def test_employee_below_60_is_refused_inpatient_care_with_a_reason() -> None:
    result = out(bill(a("10000"), person=employee(59.99)))
    assert result["eligible"] is False
    assert result["deductible"] == "0.00"
    parts(result, cash="10000.00")
    assert set(result["ytd_after"].values()) == {"0.00"}
    assert "年均缴费未达60%，住院报销待遇暂不能享受" in texts(result)


def test_employee_tier_70_is_refused_general_outpatient_below_80() -> None:
    result = out(bill(a("300"), person=employee(70), visit={"kind": "outpatient"}))
    assert result["eligible"] is False
    parts(result, cash="300.00")
    assert "年均缴费未达80%，普通门诊统筹待遇暂不能享受" in texts(result)
    assert "below 80%" in texts(result)


def test_employee_tier_85_general_outpatient_capped_by_the_years_1000() -> None:
    # level 1: 50% of 300 = 150, but 1,000 − 900 used = 100 left; no deductible, no 大病.
    result = out(
        bill(
            a("300"),
            person=employee(85),
            visit={"kind": "outpatient", "hospital_level": 1},
            ytd={"outpatient_paid": "900"},
        )
    )
    assert result["deductible"] == "0.00"
    parts(result, basic="100.00", cash="200.00")
    assert result["ytd_after"]["outpatient_paid"] == "1000.00"
    assert result["ytd_after"]["critical_burden"] == "0.00"
    assert "basic.caps.outpatient" in rules(result)


def test_employee_tier_95_with_a_chronic_qualification() -> None:
    # chronic 60% of 1,000 = 600; the 400 burden adds to 大病 (below its threshold).
    result = out(
        bill(
            a("1000"),
            person=employee(95, chronic=True),
            visit={"kind": "chronic_outpatient"},
        )
    )
    parts(result, basic="600.00", cash="400.00")
    assert result["ytd_after"]["chronic_paid"] == "600.00"
    assert result["ytd_after"]["critical_burden"] == "400.00"


def test_zhang_dedie_chronic_card_refused_below_95_percent() -> None:
    """张爹爹 (002@3038): a retiree without the years, tier 90, 慢特病 card refused."""
    doc = bill(
        a("500"),
        person=employee(90, retired=True, years_met=False, chronic=True),
        visit={"kind": "chronic_outpatient", "hospital_level": 1},
        account_balance="1000",
        use_account=True,
    )
    result = out(doc)
    assert result["eligible"] is False
    parts(result, account="500.00", cash="0.00")
    assert set(result["ytd_after"].values()) == {"0.00"}
    words = texts(result)
    assert "年均缴费未达95%，门诊慢特病待遇暂不能享受" in words
    assert "核对缴费年限" in words  # what to do
    assert "男30年、女25年" in words  # what would change it
    assert "eligibility.tiers" in rules(result)


def test_a_line_that_grants_a_right_names_no_amount() -> None:
    """The eligibility lines say who may have the benefit; the bill's total beside them
    ("金额：20,000.00 元") read as if it were paid. Their amount is 0: the page shows none."""
    retiree = {"scheme": "employee", "retired": True, "years_met": True}
    for person in (retiree, employee(100)):
        result = out(bill(a("20000.00"), person=person))
        lines = [x for x in result["lines"] if x["rule"].startswith("eligibility")]
        assert lines, "an employee's bill says why the benefit applies"
        assert {x["amount"] for x in lines} == {"0.00"}
        for x in lines:
            assert "%," not in x["text_zh"], "Chinese text takes full-width punctuation"


def test_chronic_outpatient_needs_the_qualification() -> None:
    result = out(bill(a("1000"), visit={"kind": "chronic_outpatient"}))
    assert result["eligible"] is False
    parts(result, cash="1000.00")
    assert "慢特病资格" in texts(result)
    assert "eligibility.chronic_qualification" in rules(result)


def test_qualified_retiree_gets_plus_5_on_inpatient_care() -> None:
    # level 2: deductible 600, ratio 85 + 5 = 90%: 10,000 × 0.9 = 9,000.
    person = {"scheme": "employee", "retired": True, "years_met": True}
    result = out(bill(a("10600"), person=person))
    parts(result, basic="9000.00", cash="1600.00")


def test_retiree_without_the_years_qualifies_by_tier_and_still_gets_plus_5() -> None:
    result = out(bill(a("10600"), person=employee(65, retired=True)))
    parts(result, basic="9000.00", cash="1600.00")


def test_retirees_plus_5_is_for_inpatient_care_only() -> None:
    person = {"scheme": "employee", "retired": True, "years_met": True}
    result = out(bill(a("200"), person=person, visit={"kind": "outpatient"}))
    parts(result, basic="90.00", cash="110.00")  # level 2 outpatient 45%


# --- care away from home (003:30, 医保发〔2022〕22号) --------------------------------------


@pytest.mark.parametrize(
    ("location", "filing", "referral", "basic"),
    [
        # resident, level 3: deductible 1,000, base ratio 60%, on 9,000 above it
        ("out_of_province", "long_term", False, "5400.00"),
        ("out_of_province", "referral", False, "4500.00"),
        ("out_of_province", "emergency", False, "4500.00"),
        ("out_of_province", "temporary_other", False, "3600.00"),
        ("out_of_province", "none", False, "3600.00"),
        ("out_of_province", "none", True, "4500.00"),  # counts as the referral filing
        ("out_of_province", "temporary_other", True, "3600.00"),
        ("out_of_county", "none", False, "4500.00"),
        ("out_of_county", "none", True, "5400.00"),
        ("out_of_county", "long_term", False, "5400.00"),
        ("out_of_county", "emergency", False, "5400.00"),
        ("out_of_county", "temporary_other", False, "4500.00"),
        ("in_county", "none", False, "5400.00"),
    ],
)
def test_location_cut_by_filing(location: str, filing: str, referral: bool, basic: str) -> None:
    visit = {
        "hospital_level": 3,
        "location": location,
        "remote_filing": filing,
        "referral": referral,
    }
    result = out(bill(a("10000"), visit=visit))
    assert result["parts"]["basic"] == basic
    cut_rules = [r for r in rules(result) if r.startswith("basic.location_cut")]
    assert bool(cut_rules) == (basic != "5400.00")


def test_location_cut_line_says_what_it_cost_and_what_would_change_it() -> None:
    visit = {"hospital_level": 3, "location": "out_of_province"}
    result = out(bill(a("10000"), visit=visit))
    line = next(x for x in result["lines"] if x["rule"] == "basic.location_cut.out_of_province")
    assert line["amount"] == "1800.00"  # 5,400 − 3,600
    assert "长期异地就医备案不降低" in line["text_zh"]


def test_assisted_resident_out_of_county_gets_no_plus_10() -> None:
    # level 2 out of county with referral: 75% (no +10, no cut) on 9,500.
    visit = {"location": "out_of_county", "referral": True}
    result = out(bill(a("10000"), person={"groups": ["dibao"]}, visit=visit))
    assert result["parts"]["basic"] == "7125.00"


# --- assisted groups ------------------------------------------------------------------------


def test_tekun_assistance_has_no_yearly_cap() -> None:
    # level 1: deductible 200, 85 + 10 = 95%: 99,800 × 0.95 = 94,810; burden 5,190:
    # (5,190 − 3,000) × 65% = 1,423.50; assistance 100% of 3,766.50, ytd far above 60,000.
    doc = bill(
        a("100000"),
        person={"groups": ["tekun", "low_income"]},
        visit={"hospital_level": 1},
        ytd={"assistance_paid": "100000"},
    )
    result = out(doc)
    parts(
        result,
        basic="94810.00",
        critical_illness="1423.50",
        medical_assistance="3766.50",
        cash="0.00",
    )
    assert result["ytd_after"]["assistance_paid"] == "103766.50"


def test_dibao_assistance_stops_at_the_60000_cap() -> None:
    doc = bill(
        a("100000"),
        person={"groups": ["dibao"]},
        visit={"hospital_level": 1},
        ytd={"assistance_paid": "59000"},
    )
    result = out(doc)
    # 70% of 3,766.50 = 2,636.55, but only 1,000 is left this year.
    parts(
        result,
        basic="94810.00",
        critical_illness="1423.50",
        medical_assistance="1000.00",
        cash="2766.50",
    )
    assert "60,000.00元" in texts(result)


def test_assisted_employee_gets_assisted_rules_but_not_the_residents_plus_10() -> None:
    # level 2: deductible 600, 85%: 16,490; burden 3,510: 510 × 65% = 331.50;
    # assistance 60% of 3,178.50 = 1,907.10; personal 1,271.40 ≤ 2,000.
    result = out(bill(a("20000"), person=employee(100, groups=["low_income"])))
    parts(
        result,
        basic="16490.00",
        critical_illness="331.50",
        medical_assistance="1907.10",
        cash="1271.40",
    )


def test_assisted_out_of_area_guarantee_with_a_filing() -> None:
    # dibao, level 3 out of province, long-term filing: deductible 1,000, 60%: 29,400;
    # burden 20,600: 17,600 × 65% = 11,440; assistance capped (ytd 60,000): 0;
    # in-policy personal 9,160 > 3,000 + 5% × 47,000 = 5,350 → safety net 3,810.
    doc = bill(
        a("50000"),
        person={"groups": ["dibao"]},
        visit={"hospital_level": 3, "location": "out_of_province", "remote_filing": "long_term"},
        ytd={"assistance_paid": "60000"},
    )
    result = out(doc)
    parts(
        result, basic="29400.00", critical_illness="11440.00", safety_net="3810.00", cash="5350.00"
    )
    assert "safety_net.assisted_out_of_area" in rules(result)


def test_assisted_out_of_county_without_referral_or_filing_has_no_safety_net() -> None:
    doc = bill(
        a("50000"),
        person={"groups": ["dibao"]},
        visit={"hospital_level": 3, "location": "out_of_county"},
        ytd={"assistance_paid": "60000"},
    )
    result = out(doc)
    assert result["parts"]["safety_net"] == "0.00"
    assert "办理转诊或备案后就可以享受" in texts(result)


# --- 脱贫户 (000:85, 000:87) -----------------------------------------------------------------


def test_poverty_exited_2016_inpatient_bears_at_most_20_percent() -> None:
    # level 2: deductible 500, 75%: 37,125; burden 12,875 < 15,000; personal 12,875
    # > 20% × 50,000 = 10,000 → safety net 2,875.
    person = {"groups": ["poverty_exited"], "poverty_exit_year": 2016}
    result = out(bill(a("50000"), person=person))
    parts(result, basic="37125.00", safety_net="2875.00", cash="10000.00")
    assert "safety_net.poverty_exited_inpatient" in rules(result)


def test_poverty_exited_2018_is_outside_the_years() -> None:
    person = {"groups": ["poverty_exited"], "poverty_exit_year": 2018}
    result = out(bill(a("50000"), person=person))
    parts(result, basic="37125.00", cash="12875.00")
    assert "2014至2017年" in texts(result)


def test_poverty_exited_out_of_county_without_referral() -> None:
    # 75 − 10 = 65%: 32,175; burden 17,825: 2,825 × 60% = 1,695; no safety net.
    person = {"groups": ["poverty_exited"], "poverty_exit_year": 2016}
    result = out(bill(a("50000"), person=person, visit={"location": "out_of_county"}))
    parts(result, basic="32175.00", critical_illness="1695.00", cash="16130.00")
    assert "按规定办理转诊后就可以享受" in texts(result)


def test_poverty_exited_chronic_outpatient_bears_at_most_30_percent() -> None:
    # chronic 60% of 10,000 = 6,000 (cap 6,500); personal 4,000 > 3,000 → 1,000.
    person = {"groups": ["poverty_exited"], "poverty_exit_year": 2015, "chronic": True}
    result = out(bill(a("10000"), person=person, visit={"kind": "chronic_outpatient"}))
    parts(result, basic="6000.00", safety_net="1000.00", cash="3000.00")


def test_assisted_chronic_outpatient_near_its_7000_cap() -> None:
    # low income, chronic 65% of 2,000 = 1,300 but 7,000 − 6,500 = 500 left;
    # burden 1,500 < 3,000; assistance 60% × 1,500 = 900; personal 600 > 20% → 200.
    person = {"groups": ["low_income"], "chronic": True}
    doc = bill(
        a("2000"),
        person=person,
        visit={"kind": "chronic_outpatient"},
        ytd={"chronic_paid": "6500"},
    )
    result = out(doc)
    parts(result, basic="500.00", medical_assistance="900.00", safety_net="200.00", cash="400.00")
    assert result["ytd_after"]["chronic_paid"] == "7000.00"


# --- items (003:22, 004:23) ------------------------------------------------------------------


def test_unconsented_material_of_600_or_more_is_borne_by_the_hospital() -> None:
    doc = bill(
        a("10000"),
        c("600.00", code="M1", material=True, consent=False),
        a("599.99", code="M2", material=True, consent=False),
        b("800", "0.2", code="M3", material=True, consent=True),
    )
    result = out(doc)
    assert result["total"] == "11999.99"
    assert result["hospital_borne"] == "600.00"
    assert result["self_first"] == "160.00"
    assert result["in_policy"] == "11239.99"
    # (11,239.99 − 500) × 75% = 8,054.9925 → 8,054.99
    parts(result, basic="8054.99", cash="3345.00")
    assert "items.unconsented_material" in rules(result)


def test_low_income_out_of_policy_limit_5_percent_at_level_1() -> None:
    # total 10,000: out-of-policy ≤ 500, the other 500 to the hospital; 95% of 8,800;
    # assistance 60% of 640; personal 756 ≤ 10% of 9,500.
    doc = bill(a("9000"), c("1000"), person={"groups": ["low_income"]}, visit={"hospital_level": 1})
    result = out(doc)
    assert result["hospital_borne"] == "500.00"
    assert result["out_of_policy"] == "500.00"
    parts(result, basic="8360.00", medical_assistance="384.00", cash="756.00")


def test_low_income_out_of_policy_limit_8_percent_at_level_2() -> None:
    # limit 800, 200 to the hospital; 85% of 8,500 = 7,225; assistance 60% × 1,775 =
    # 1,065; personal 1,510 > 10% of 9,800 = 980 → safety net 530.
    doc = bill(a("9000"), c("1000"), person={"groups": ["low_income"]})
    result = out(doc)
    assert result["hospital_borne"] == "200.00"
    assert result["out_of_policy"] == "800.00"
    parts(result, basic="7225.00", medical_assistance="1065.00", safety_net="530.00", cash="980.00")


def test_out_of_policy_limit_leaves_out_unconsented_materials() -> None:
    # total 11,000 less 1,000 unconsented = 10,000: limit 5% = 500 of the 1,000 C.
    doc = bill(
        a("9000"),
        c("1000"),
        c("1000", code="M", material=True, consent=False),
        person={"groups": ["dibao"]},
        visit={"hospital_level": 1},
    )
    result = out(doc)
    assert result["hospital_borne"] == "1500.00"
    assert result["out_of_policy"] == "500.00"


def test_out_of_policy_limit_applies_even_when_not_qualified() -> None:
    doc = bill(
        a("9000"),
        c("1000"),
        person=employee(10, groups=["low_income"]),
        visit={"hospital_level": 1},
    )
    result = out(doc)
    assert result["eligible"] is False
    assert result["hospital_borne"] == "500.00"
    parts(result, cash="9500.00")


def test_b_self_share_rounds_half_up_per_item() -> None:
    # 0.05 × 0.5 = 0.025 → 0.03 on each of two items.
    result = out(bill(b("0.05", "0.5"), b("0.05", "0.5", code="B2"), a("1000")))
    assert result["self_first"] == "0.06"


def test_basic_rounds_half_up_once() -> None:
    # (500.02 − 500) × 75% = 0.015 → 0.02
    result = out(bill(a("500.02")))
    assert result["parts"]["basic"] == "0.02"


# --- caps and bands near their limits --------------------------------------------------------


def test_resident_inpatient_cap_nearly_used() -> None:
    # 14,625 due but 1,000 left; burden 19,000: 4,000 × 60% = 2,400.
    result = out(bill(a("20000"), ytd={"basic_paid": "119000"}))
    parts(result, basic="1000.00", critical_illness="2400.00", cash="16600.00")
    assert "basic.caps.inpatient.resident" in rules(result)


def test_resident_inpatient_cap_exceeded_leaves_nothing() -> None:
    result = out(bill(a("20000"), ytd={"basic_paid": "130000"}))
    parts(result, basic="0.00", critical_illness="3000.00", cash="17000.00")
    assert result["ytd_after"]["basic_paid"] == "130000.00"


def test_employee_cap_is_6_times_the_average_wage() -> None:
    result = out(bill(a("50000"), person=employee(100), ytd={"basic_paid": "299000"}))
    assert result["parts"]["basic"] == "1000.00"


def test_assisted_resident_cap_is_200000() -> None:
    doc = bill(a("20000"), person={"groups": ["dibao"]}, ytd={"basic_paid": "199000"})
    assert out(doc)["parts"]["basic"] == "1000.00"


def test_critical_illness_across_bands() -> None:
    # basic capped out; burden 10,000 on top of 60,000: f(70,000) − f(60,000)
    # = (30,000 + 5,000 × 70%) − 27,000 = 6,500.
    doc = bill(
        a("10000"),
        visit={"hospital_level": 3},
        ytd={"basic_paid": "120000", "critical_burden": "60000"},
    )
    result = out(doc)
    assert result["deductible"] == "1000.00"
    parts(result, critical_illness="6500.00", cash="3500.00")
    assert result["ytd_after"]["critical_burden"] == "70000.00"


def test_critical_illness_top_band_has_no_cap() -> None:
    doc = bill(a("100000"), ytd={"basic_paid": "120000", "critical_burden": "500000"})
    assert out(doc)["parts"]["critical_illness"] == "80000.00"


# --- living assistance (004:22) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("groups", "kind", "diagnoses", "allowance"),
    [
        (["low_income"], "inpatient", ["C34.9"], "1000.00"),
        (["dibao"], "inpatient", ["I10", "D66"], "1000.00"),
        (["tekun"], "inpatient", ["C97"], "1000.00"),
        (["low_income"], "inpatient", ["D68.0", "C98"], "0.00"),
        ([], "inpatient", ["C34.9"], "0.00"),
        (["poverty_exited"], "inpatient", ["C34.9"], "0.00"),
        (["low_income"], "outpatient", ["C34.9"], "0.00"),
    ],
)
def test_living_assistance(
    groups: list[str], kind: str, diagnoses: list[str], allowance: str
) -> None:
    person: dict[str, Any] = {"groups": groups}
    if "poverty_exited" in groups:
        person["poverty_exit_year"] = 2016
    result = out(bill(a("1000"), person=person, visit={"kind": kind, "diagnoses": diagnoses}))
    assert result["payouts"]["living_assistance"] == allowance


def test_living_assistance_whatever_eligibility_decides() -> None:
    doc = bill(a("1000"), person=employee(30, groups=["dibao"]), visit={"diagnoses": ["C50.9"]})
    result = out(doc)
    assert result["eligible"] is False
    assert result["payouts"]["living_assistance"] == "1000.00"
    assert result["parts"]["cash"] == "1000.00"  # outside the bill


# --- personal account ------------------------------------------------------------------------


def test_employee_account_pays_up_to_its_balance() -> None:
    # outpatient level 2: 45% of 500 = 225; 275 left: 100 from the account.
    doc = bill(
        a("500"),
        person=employee(100),
        visit={"kind": "outpatient"},
        account_balance="100",
        use_account=True,
    )
    parts(out(doc), basic="225.00", account="100.00", cash="175.00")


def test_employee_account_pays_what_is_left_when_the_balance_is_larger() -> None:
    doc = bill(
        a("500"),
        person=employee(100),
        visit={"kind": "outpatient"},
        account_balance="5000",
        use_account=True,
    )
    parts(out(doc), basic="225.00", account="275.00", cash="0.00")


def test_employee_who_does_not_use_the_account_pays_cash() -> None:
    doc = bill(a("500"), person=employee(100), visit={"kind": "outpatient"}, account_balance="5000")
    parts(out(doc), basic="225.00", cash="275.00")


def test_residents_use_account_is_ignored() -> None:
    doc = bill(a("500"), visit={"kind": "outpatient"}, account_balance="5000", use_account=True)
    result = out(doc)
    parts(result, basic="225.00", cash="275.00")
    assert "没有个人账户" in texts(result)
