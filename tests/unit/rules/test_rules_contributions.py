"""The contribution ledger's rules (缴费): amounts due, contribution years, the year's tier.

Hand-computed with the demo policy (990101): average wage 50,000.00 a year, so
4,166.67 a month (exactly 416,666⅔ fen); tiers 60/80/95; years male 30 / female 25.
The account-credit cases (age 45→46, the 2021 era) live in test_rules_account_credit.py.
"""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rules_kit import a, bill, out, texts
from rules_strategies import EXAMPLES

from chalicelib.rules.contributions import (
    ContributionEntry,
    EmployeeMonth,
    contribution_years,
    employee_month,
    enrolment_window,
    large_amount_annual,
    large_amount_monthly,
    open_arrears,
    paid_periods,
    resident_year,
    year_tier,
    years_months_en,
    years_months_zh,
)
from chalicelib.rules.policy import PACKAGED_POLICIES, Policy, parse_policy, policy_in_force

POLICY = policy_in_force("990101", date(2024, 1, 1))  # the 2022-01-01 version
OLD_POLICY = policy_in_force("990101", date(2015, 1, 1))  # the 2012-07-01 version
PROFILE = settings(max_examples=EXAMPLES, deadline=None)


def month(
    period: str, base: int, payer: str = "employer", policy: Policy = POLICY
) -> EmployeeMonth:
    return employee_month(base, period, payer, policy)  # type: ignore[arg-type]


def _entry(period: str, base: int, kind: str, on: date | None) -> ContributionEntry:
    """A ledger record at 2% + 8% of the base and a 33.33 premium (history before any policy)."""
    individual, employer = base * 2 // 100, base * 8 // 100
    return ContributionEntry(period, base, individual, employer, 3_333, "employer", kind, on)  # type: ignore[arg-type]


def paid(period: str, base: int = 300_000, on: date | None = None) -> ContributionEntry:
    """A regular month paid on the 15th of the period (or ``on``)."""
    return _entry(period, base, "regular", on or date(int(period[:4]), int(period[5:]), 15))


def owed(period: str, base: int = 300_000) -> ContributionEntry:
    return _entry(period, base, "arrears", None)


def back(period: str, on: date, base: int = 300_000) -> ContributionEntry:
    return _entry(period, base, "back_payment", on)


def periods(start_year: int, count: int) -> list[str]:
    """``count`` consecutive periods from January of ``start_year``."""
    return [f"{start_year + i // 12}-{i % 12 + 1:02d}" for i in range(count)]


# --- what an employee's month costs -----------------------------------------------------------


def test_an_employees_month_splits_2_and_8_percent_plus_the_large_amount_premium() -> None:
    m = month("2024-03", 500_000)  # base 5,000.00
    # individual 2% × 5,000.00 = 100.00; employer 8% = 400.00;
    # large amount 0.8% × 50,000.00 = 400.00 a year, /12 = 33.333… → 33.33
    assert (m.individual_fen, m.employer_fen, m.large_amount_fen) == (10_000, 40_000, 3_333)
    assert m.person_pays_fen == 10_000 + 3_333  # the employer's 8% is not the person's
    assert m.total_fen == 53_333
    assert [x.rule for x in m.lines] == [
        "contributions.employee.rates",
        "contributions.employee.large_amount",
    ]
    assert "002@1868" in m.lines[0].source and "002@2238" in m.lines[1].source
    assert "个人2%即100.00元" in m.lines[0].text_zh
    assert m.to_json()["person_pays"] == "133.33"


def test_each_part_rounds_half_up_on_its_own() -> None:
    m = month("2024-03", 123_475)  # 1,234.75
    # 2% = 2,469.5 fen → 2,470; 8% = 9,878.0 fen → 9,878
    assert (m.individual_fen, m.employer_fen) == (2_470, 9_878)


def test_twelve_monthly_premiums_may_differ_from_the_annual_one_by_a_few_fen() -> None:
    assert large_amount_annual(POLICY) == 40_000  # 0.8% × 50,000.00 = 400.00
    assert large_amount_monthly(POLICY) == 3_333  # 400.00 / 12 = 33.333… → 33.33
    assert 12 * large_amount_monthly(POLICY) == 39_996  # 399.96, documented


def test_unemployment_benefit_recipients_base_is_raised_to_60_percent_and_they_pay_nothing() -> (
    None
):
    m = month("2024-03", 100_000, "unemployment_fund")  # 1,000.00 declared
    # floor: 50,000.00 / 12 × 60% = 2,500.00 exactly
    assert m.base_fen == 250_000
    assert (m.individual_fen, m.employer_fen, m.large_amount_fen) == (5_000, 20_000, 0)
    assert m.person_pays_fen == 0
    assert m.lines[0].rule == "contributions.employee.unemployment_fund"
    assert "2,500.00元" in m.lines[0].text_zh and "个人不缴费" in m.lines[-1].text_zh
    above = month("2024-03", 300_000, "unemployment_fund")
    assert above.base_fen == 300_000 and above.individual_fen == 6_000  # no floor line
    assert above.lines[0].rule == "contributions.employee.rates"


def test_flexible_workers_pay_both_parts_and_the_premium() -> None:
    m = month("2024-03", 300_000, "self")  # 3,000.00
    # 60.00 + 240.00 + 33.33 = 333.33, all from the person
    assert m.person_pays_fen == 6_000 + 24_000 + 3_333 == m.total_fen
    assert "灵活就业" in m.lines[-1].text_zh


def test_the_month_needs_the_policy_in_force_and_a_real_period() -> None:
    with pytest.raises(ValueError, match="period"):
        month("2022-01", 300_000, policy=OLD_POLICY)  # 2012 version ended 2021-12-31
    assert month("2021-12", 300_000, policy=OLD_POLICY).individual_fen == 6_000
    for bad in ("2024-13", "2024-3", "24-03", "2024-03-01"):
        with pytest.raises(ValueError, match="period"):
            month(bad, 300_000)
    with pytest.raises(ValueError, match="base_fen"):
        month("2024-03", -1)
    with pytest.raises(ValueError, match="payer"):
        month("2024-03", 300_000, "bank")


def test_entries_check_their_kind_against_the_payment_date() -> None:
    m = month("2024-03", 300_000)
    with pytest.raises(ValueError, match="paid_on"):
        m.entry("arrears", date(2024, 3, 15))  # arrears have nothing paid
    with pytest.raises(ValueError, match="paid_on"):
        m.entry("regular")
    with pytest.raises(ValueError, match="paid_on"):
        m.entry("back_payment", date(2024, 2, 28))  # before its period
    assert m.entry("back_payment", date(2024, 3, 1)).paid_by(date(2024, 3, 1))
    with pytest.raises(ValueError, match="individual_fen"):
        ContributionEntry("2024-03", 300_000, -1, 0, 0, "employer", "regular", date(2024, 3, 1))


# --- residents --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("groups", "source", "subsidy", "due"),
    [
        ([], None, 0, 40_000),  # demo standard 400.00
        (["dibao"], "dibao", 13_000, 27_000),  # 400 − 130 = 270 (000:135)
        (["low_income"], "low_income", 13_000, 27_000),
        (["tekun"], "tekun", 40_000, 0),  # full
        (["dibao", "tekun"], "tekun", 40_000, 0),  # the highest group
        (["poverty_exited"], None, 0, 40_000),  # no subsidy as such
        (["poverty_exited", "low_income"], "low_income", 13_000, 27_000),
    ],
)
def test_residents_pay_the_standard_less_the_subsidy_of_their_highest_group(
    groups: list[str], source: str | None, subsidy: int, due: int
) -> None:
    year = resident_year(2024, groups, POLICY)
    assert (year.subsidy_source, year.subsidy_fen, year.individual_fen) == (source, subsidy, due)
    assert year.standard_fen == 40_000
    assert year.lines[0].rule == "contributions.resident.standard"


def test_poverty_exited_alone_is_told_why_there_is_no_subsidy() -> None:
    year = resident_year(2024, ["poverty_exited"], POLICY)
    assert "脱贫户本身没有个人缴费资助" in year.lines[1].text_zh


def test_the_demo_enrolment_window_is_september_to_december_of_the_year_before() -> None:
    year = resident_year(2024, ["dibao"], POLICY)
    assert year.window == enrolment_window(POLICY, 2024)
    assert (year.window.start, year.window.end) == (date(2023, 9, 1), date(2023, 12, 31))
    on_time = year.entry(date(2023, 12, 31))
    late = year.entry(date(2024, 1, 2))
    assert on_time.in_window and on_time.paid and on_time.total_fen == 40_000
    assert late.paid and not late.in_window
    assert not year.entry().paid
    assert year.to_json()["window"] == {"start": "2023-09-01", "end": "2023-12-31"}


def _edited_policy(*edits: tuple[tuple[str, ...], object]) -> Policy:
    """The 2022 version with ``contributions`` fields replaced, parsed like a policy file."""
    path = PACKAGED_POLICIES / "990101" / "2022-01-01.json"
    doc = copy.deepcopy(json.loads(path.read_text(encoding="utf-8")))
    for keys, value in edits:
        node = doc["contributions"]
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value
    return parse_policy(doc, "edited.json")


def test_the_residents_standard_subsidy_and_window_are_read_from_the_policy() -> None:
    policy = _edited_policy(
        (("resident", "standard", "yuan"), "380.00"),
        (("resident", "subsidy", "by_group", "dibao"), "100.00"),
        (("resident", "enrolment_window", "to"), {"year": "benefit", "month": 2, "day": 28}),
    )
    plain = resident_year(2024, [], policy)
    assert (plain.standard_fen, plain.individual_fen) == (38_000, 38_000)
    assert "380.00" in plain.lines[0].text_zh
    assert resident_year(2024, ["dibao"], policy).individual_fen == 28_000  # 380 − 100
    assert resident_year(2024, ["tekun"], policy).individual_fen == 0  # still the whole
    assert (plain.window.start, plain.window.end) == (date(2023, 9, 1), date(2024, 2, 28))
    assert plain.window == enrolment_window(policy, 2024)
    assert resident_year(2024, [], POLICY).standard_fen == 40_000  # the file is untouched


def test_an_employees_rates_and_premium_are_read_from_the_policy() -> None:
    policy = _edited_policy(
        (("employee", "rates", "individual_pct"), "3"),
        (("employee", "rates", "employer_pct"), "7.5"),
        (("employee", "large_amount", "average_wage_pct"), "1.2"),
        (("employee", "unemployment_fund", "base_floor_average_wage_pct"), "50"),
    )
    m = month("2024-03", 500_000, policy=policy)
    assert (m.individual_fen, m.employer_fen) == (15_000, 37_500)
    assert large_amount_annual(policy) == 60_000  # 1.2% × 50,000.00
    assert m.large_amount_fen == 5_000
    assert "个人3%" in m.lines[0].text_zh and "单位7.5%" in m.lines[0].text_zh
    floor = month("2024-03", 100_000, "unemployment_fund", policy)
    assert floor.base_fen == 208_334  # 50% × 4,166.666… rounded up


def test_resident_year_refuses_unknown_groups_and_a_policy_not_in_force() -> None:
    with pytest.raises(ValueError, match="groups"):
        resident_year(2024, ["rich"], POLICY)
    with pytest.raises(ValueError, match="year"):
        resident_year(2024, [], OLD_POLICY)


# --- contribution years -----------------------------------------------------------------------


def test_plain_words_for_years_and_months() -> None:
    assert [years_months_zh(n) for n in (63, 60, 3, 0)] == ["5年3个月", "5年", "3个月", "0个月"]
    assert years_months_en(63) == "5 years 3 months" and years_months_en(13) == "1 year 1 month"
    assert years_months_en(0) == "0 months"


def test_a_woman_with_19_years_9_months_is_told_what_is_missing() -> None:
    entries = [paid(p) for p in periods(2000, 237)]  # 2000-01 … 2019-09: 19 years 9 months
    years = contribution_years(entries, date(2024, 6, 30), sex="female", policy=POLICY)
    # 25 × 12 = 300 months needed; 300 − 237 = 63 = 5 years 3 months
    assert (years.months_paid, years.years, years.months) == (237, 19, 9)
    assert (years.required_months, years.missing_months, years.met) == (300, 63, False)
    assert "累计实际缴费19年9个月" in years.text_zh
    assert "还差5年3个月才满25年缴费年限，退休后才能不再缴费、享受退休待遇" in years.text_zh
    assert "5 years 3 months short of the 25 contribution years" in years.text_en
    assert (years.rule, years.source) == ("eligibility.contribution_years", "002@2327")
    assert years.to_json()["missing"] == {"years": 5, "months": 3, "total_months": 63}


def test_a_man_needs_30_years_and_a_qualified_retiree_stops_paying() -> None:
    entries = [paid(p) for p in periods(1990, 360)]  # exactly 30 years
    man = contribution_years(entries, date(2020, 1, 1), sex="male", policy=OLD_POLICY)
    assert (man.months_paid, man.missing_months, man.met) == (360, 0, True)
    retired = contribution_years(
        entries, date(2020, 1, 1), sex="male", policy=OLD_POLICY, retired=True
    )
    assert "退休后不再缴纳基本医疗保险费" in retired.text_zh and "全部待遇" in retired.text_zh
    short = contribution_years(entries[:-1], date(2020, 1, 1), sex="male", policy=OLD_POLICY)
    assert (short.missing_months, short.met) == (1, False)
    assert "还差1个月才满30年" in short.text_zh


def test_a_retiree_short_of_the_years_is_told_how_benefits_work_meanwhile() -> None:
    entries = [paid(p) for p in periods(2000, 120)]
    years = contribution_years(entries, date(2024, 1, 1), sex="male", policy=POLICY, retired=True)
    assert "还差20年才满30年缴费年限" in years.text_zh and "按年均缴费档次" in years.text_zh


def test_arrears_count_only_once_a_back_payment_covers_them() -> None:
    entries = [paid("2020-01"), paid("2020-02"), owed("2020-03"), paid("2020-04")]
    before = contribution_years(entries, date(2021, 5, 1), sex="female", policy=OLD_POLICY)
    assert before.months_paid == 3
    assert [e.period for e in before.arrears] == ["2020-03"]
    assert before.arrears_fen == 6_000 + 24_000 + 3_333  # 2% + 8% of 3,000.00 + 33.33
    assert "另有1个月欠缴（2020-03，共333.33元），补缴后计入缴费年限" in before.text_zh

    entries.append(back("2020-03", date(2021, 5, 10)))
    still_before = contribution_years(entries, date(2021, 5, 9), sex="female", policy=OLD_POLICY)
    assert still_before.months_paid == 3 and len(still_before.arrears) == 1
    after = contribution_years(entries, date(2021, 5, 10), sex="female", policy=OLD_POLICY)
    assert after.months_paid == 4 and after.arrears == () and "欠缴" not in after.text_zh


def test_a_period_counts_once_and_not_before_it_starts() -> None:
    entries = [paid("2024-01"), paid("2024-01", on=date(2024, 1, 20)), paid("2024-02")]
    assert paid_periods(entries, date(2024, 1, 31)) == {"2024-01"}  # February not started
    assert paid_periods(entries, date(2024, 2, 15)) == {"2024-01", "2024-02"}
    assert (
        contribution_years(entries, date(2024, 12, 31), sex="male", policy=POLICY).months_paid == 2
    )


def test_contribution_years_checks_its_inputs() -> None:
    with pytest.raises(ValueError, match="as_of"):
        contribution_years([], date(2024, 1, 1), sex="male", policy=OLD_POLICY)
    with pytest.raises(ValueError, match="sex"):
        contribution_years([], date(2024, 1, 1), sex="x", policy=POLICY)  # type: ignore[arg-type]


# --- the year's tier --------------------------------------------------------------------------


def test_a_base_of_4000_a_month_is_96_percent_and_gives_every_benefit() -> None:
    tier = year_tier([paid(p, 400_000) for p in periods(2024, 12)], 2024, POLICY)
    # 4,000.00 / (50,000.00 / 12) × 100 = 4,000 × 1,200 / 50,000 = 96
    assert tier.average_pct == 96 and tier.tier == 95
    assert tier.includes == ("personal_account", "inpatient", "outpatient", "chronic_outpatient")
    assert tier.next_tier is None and tier.base_for_next_fen is None
    assert tier.monthly_wage_fen == 416_667  # 4,166.67 for the words
    assert "4,166.67元" in tier.text_zh and "96%" in tier.text_zh
    assert (tier.rule, tier.source) == ("eligibility.tiers", "002@2470")


def test_84_percent_gives_outpatient_pooling_and_says_what_reaches_95() -> None:
    tier = year_tier([paid(p, 350_000) for p in periods(2024, 12)], 2024, POLICY)
    # 3,500 × 1,200 / 50,000 = 84 → tier 80
    assert tier.average_pct == 84 and tier.tier == 80
    assert tier.includes == ("personal_account", "inpatient", "outpatient")
    # 95% of 416,666⅔ fen = 395,833⅓ → 395,834 fen (3,958.34): 395,834 × 1,200 / 5,000,000 ≥ 95
    assert tier.next_tier == 95 and tier.base_for_next_fen == 395_834
    assert "年均缴费达到95%（年均月缴费基数3,958.34元）就可以享受门诊慢特病待遇" in tier.text_zh
    assert "提高缴费基数" in tier.text_zh and "补缴" not in tier.text_zh
    assert tier.includes_zh == "个人账户、住院报销待遇、普通门诊统筹待遇"


def test_exactly_60_percent_reaches_the_inpatient_tier() -> None:
    tier = year_tier([paid(p, 250_000) for p in periods(2024, 12)], 2024, POLICY)
    assert tier.average_pct == 60 and tier.tier == 60  # 2,500 × 1,200 / 50,000
    assert tier.includes == ("personal_account", "inpatient")


def test_arrears_lower_the_average_and_paying_them_would_lift_the_tier() -> None:
    entries = [paid(p) for p in periods(2024, 9)] + [owed(p) for p in periods(2024, 12)[9:]]
    tier = year_tier(entries, 2024, POLICY)
    # 9 × 3,000 / 12 months = 2,250 → 2,250 × 1,200 / 50,000 = 54 → below 60
    assert tier.average_pct == 54 and tier.tier is None
    assert tier.includes == ("personal_account",)  # demo: personal account only
    assert [e.period for e in tier.arrears] == ["2024-10", "2024-11", "2024-12"]
    assert tier.pct_if_arrears_paid == 72  # 12 × 3,000 / 12 → 3,000 × 1,200 / 50,000
    assert "仅个人账户" in tier.text_zh and "或补缴欠费" in tier.text_zh
    assert "补缴后年均缴费为72%，可以增加享受住院报销待遇" in tier.text_zh
    assert "below the lowest tier demo" in tier.source

    covered = entries + [back(p, date(2025, 2, 1)) for p in periods(2024, 12)[9:]]
    assert year_tier(covered, 2024, POLICY, as_of=date(2025, 1, 31)).average_pct == 54
    after = year_tier(covered, 2024, POLICY)
    assert after.average_pct == 72 and after.tier == 60 and after.arrears == ()


def test_with_as_of_only_the_months_started_so_far_count() -> None:
    entries = [paid(p) for p in periods(2024, 12)]  # each paid on the 15th
    tier = year_tier(entries, 2024, POLICY, as_of=date(2024, 6, 20))
    # January to June: 6 months at 3,000.00 → 3,000 × 1,200 / 50,000 = 72
    assert (tier.months, tier.paid_months, tier.average_pct) == (6, 6, Fraction(72))
    early = year_tier(entries, 2024, POLICY, as_of=date(2024, 6, 10))
    # June started but its payment (15th) not made yet: 5 × 3,000 / 6 = 2,500 → 60
    assert (early.months, early.paid_months, early.average_pct) == (6, 5, Fraction(60))


def test_a_month_on_record_twice_counts_its_largest_paid_base_once() -> None:
    entries = [paid("2024-01", 300_000), paid("2024-01", 500_000), paid("2024-02", 500_000)]
    tier = year_tier(entries, 2024, POLICY)
    # (5,000 + 5,000) / 2 months = 5,000 → 120%
    assert (tier.months, tier.paid_months, tier.average_base_fen) == (2, 2, 500_000)
    assert tier.average_pct == 120


def test_other_years_are_ignored_and_an_empty_year_is_0_percent() -> None:
    entries = [paid(p, 400_000) for p in periods(2023, 24)]
    assert year_tier(entries, 2023, POLICY).months == 12
    empty = year_tier(entries, 2025, POLICY)
    assert (empty.months, empty.average_pct, empty.tier) == (0, Fraction(0), None)
    assert "2025年没有缴费记录" in empty.text_zh


def test_a_qualified_retiree_gets_every_benefit_whatever_the_figure() -> None:
    tier = year_tier([], 2024, POLICY, retiree_years_met=True)
    assert tier.all_benefits_as_retiree and len(tier.includes) == 4
    assert "不再缴费，享受全部待遇" in tier.text_zh
    assert tier.rule == "eligibility.contribution_years"


def test_the_tier_feeds_a_bill_and_explains_the_zhang_refusal() -> None:
    """张爹爹 (002@3038): a retiree below 95% cannot use his 慢特病 card."""
    tier = year_tier([paid(p, 350_000) for p in periods(2024, 12)], 2024, POLICY)
    doc = bill(
        a("300"),
        person={
            "scheme": "employee",
            "retired": True,
            "chronic": True,
            "tier_pct": int(tier.average_pct),
        },
        visit={"kind": "chronic_outpatient"},
    )
    result = out(doc)
    assert result["eligible"] is False and result["parts"]["basic"] == "0.00"
    assert "年均缴费未达95%" in texts(result)
    assert "达到95%（年均月缴费基数3,958.34元）就可以享受门诊慢特病待遇" in tier.text_zh


def test_year_tier_json_uses_strings_for_amounts_and_points() -> None:
    entries = [paid(p, 333_333) for p in periods(2024, 3)]
    data = year_tier(entries, 2024, POLICY).to_json()
    # 3,333.33 × 1,200 / 50,000 = 79.99992 → shown cut to 79.99, never rounded up to 80
    assert data["average_pct"] == "79.99" and data["tier"] == "60"
    assert data["average_base"] == "3333.33" and data["base_for_next"] == "3333.34"


# --- properties -------------------------------------------------------------------------------

_PERIODS = periods(2023, 24)


@st.composite
def entries(draw: st.DrawFn) -> ContributionEntry:
    period = draw(st.sampled_from(_PERIODS))
    kind = draw(st.sampled_from(["regular", "arrears", "back_payment"]))
    base = draw(st.sampled_from([0, 100_000, 250_000, 333_333, 416_667, 600_000]))
    start = date(int(period[:4]), int(period[5:]), 1)
    paid_on = None if kind == "arrears" else start + timedelta(days=draw(st.integers(0, 500)))
    return month(period, base).entry(kind, paid_on)  # type: ignore[arg-type]


ledgers = st.lists(entries(), max_size=30)
as_of_days = st.dates(date(2022, 12, 1), date(2026, 6, 30))


@PROFILE
@given(ledgers, ledgers, as_of_days)
def test_more_entries_never_lower_the_contribution_years(
    first: list[ContributionEntry], more: list[ContributionEntry], as_of: date
) -> None:
    before = contribution_years(first, as_of, sex="female", policy=POLICY)
    after = contribution_years(first + more, as_of, sex="female", policy=POLICY)
    assert after.months_paid >= before.months_paid
    assert after.missing_months <= before.missing_months
    assert before.months_paid + before.missing_months >= before.required_months
    assert before.missing_months >= 0


@PROFILE
@given(ledgers, as_of_days)
def test_later_days_never_lower_the_contribution_years(
    ledger: list[ContributionEntry], as_of: date
) -> None:
    now = contribution_years(ledger, as_of, sex="male", policy=POLICY).months_paid
    later = contribution_years(ledger, as_of + timedelta(days=45), sex="male", policy=POLICY)
    assert later.months_paid >= now


@PROFILE
@given(ledgers, as_of_days, st.sampled_from(_PERIODS))
def test_an_arrears_period_counts_only_with_a_payment_that_covers_it(
    ledger: list[ContributionEntry], as_of: date, period: str
) -> None:
    others = [e for e in ledger if e.period != period]
    with_arrears = [*others, owed(period)]
    counted = paid_periods(with_arrears, as_of)
    assert period not in counted
    assert counted == paid_periods(others, as_of)  # the arrears entry adds nothing
    start = date(int(period[:4]), int(period[5:]), 1)
    if start <= as_of:
        assert period in {e.period for e in open_arrears(with_arrears, as_of)}
        covered = [*with_arrears, back(period, max(start, as_of - timedelta(days=3)))]
        assert paid_periods(covered, as_of) == counted | {period}
        assert period not in {e.period for e in open_arrears(covered, as_of)}


@PROFILE
@given(ledgers, st.sampled_from([2023, 2024]))
def test_paying_arrears_never_lowers_the_year_and_the_tier_matches_its_figure(
    ledger: list[ContributionEntry], year: int
) -> None:
    tier = year_tier(ledger, year, POLICY)
    if tier.pct_if_arrears_paid is not None:
        assert tier.pct_if_arrears_paid >= tier.average_pct
    thresholds = POLICY.tiers.by_kind
    for kind in ("inpatient", "outpatient", "chronic_outpatient"):
        assert (kind in tier.includes) == (tier.average_pct >= thresholds[kind])
    assert tier.tier is None or tier.average_pct >= tier.tier
    if tier.base_for_next_fen is not None and tier.next_tier is not None:
        wage_month = Fraction(POLICY.average_wage.fen, 12)
        assert tier.base_for_next_fen / wage_month * 100 >= tier.next_tier
        assert (tier.base_for_next_fen - 1) / wage_month * 100 < tier.next_tier
