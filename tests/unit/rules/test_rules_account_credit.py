"""The month's personal-account credit (个人账户划入) across ages, eras and retirement."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from chalicelib.rules.account_credit import AccountCredit, age_on, monthly_account_credit
from chalicelib.rules.policy import policy_in_force

BASE = 500_000  # a monthly contribution base of 5,000.00
PENSION = 300_000  # a monthly basic pension of 3,000.00


def credit(
    month: date,
    born: date,
    *,
    retired_on: date | None = None,
    pension: int | None = PENSION,
    base: int = BASE,
) -> AccountCredit:
    """With the policy version in force that month, as a service would pick it."""
    return monthly_account_credit(
        policy_in_force("990101", month.replace(day=1)),
        month=month,
        birth_date=born,
        contribution_base=base,
        retirement_date=retired_on,
        pension=pension,
    )


def test_in_service_up_to_45_gets_2_percent_under_the_2012_rules() -> None:
    result = credit(date(2015, 6, 1), date(1970, 1, 1))
    assert (result.amount, result.rate_pct, result.retired) == (10_000, 2, False)
    assert result.rule == "account_credit.in_service" and result.source == "002@2721"


def test_in_service_from_46_gets_2_5_percent_under_the_2012_rules() -> None:
    assert credit(date(2016, 6, 1), date(1970, 1, 1)).amount == 12_500


def test_turning_46_within_the_year_changes_the_rate_the_next_month() -> None:
    born = date(1969, 3, 15)  # turns 46 on 15 March 2015, under the 2012 rules
    assert credit(date(2015, 1, 1), born).amount == 10_000
    assert credit(date(2015, 3, 31), born).amount == 10_000  # 45 on 1 March
    assert credit(date(2015, 4, 1), born).amount == 12_500  # 46 on 1 April
    assert credit(date(2015, 12, 1), born).amount == 12_500


def test_a_birthday_on_the_first_counts_that_month() -> None:
    born = date(1969, 4, 1)
    assert credit(date(2015, 3, 1), born).amount == 10_000
    assert credit(date(2015, 4, 1), born).amount == 12_500


def test_age_on_a_29_february_birthday() -> None:
    assert age_on(date(1976, 2, 29), date(2022, 2, 28)) == 45
    assert age_on(date(1976, 2, 29), date(2022, 3, 1)) == 46


def test_the_2021_reform_credits_the_individual_2_percent_at_any_age() -> None:
    born = date(1960, 1, 1)  # 61, still in service
    assert credit(date(2021, 12, 1), born).amount == 12_500  # 2012 rules
    january = credit(date(2022, 1, 1), born)
    assert january.amount == 10_000 and january.rate_pct == 2
    assert "国办发〔2021〕14号" in january.source


@pytest.mark.parametrize(
    ("month", "amount", "rate"),
    [
        (date(2012, 7, 1), 15_900, "5.3"),  # 5.3% of 3,000
        (date(2013, 6, 30), 15_900, "5.3"),
        (date(2013, 7, 1), 15_000, "5"),
        (date(2014, 6, 1), 15_000, "5"),
        (date(2014, 7, 1), 13_800, "4.6"),
        (date(2021, 12, 1), 13_800, "4.6"),
    ],
)
def test_retirees_phased_rates_under_the_2012_rules(month: date, amount: int, rate: str) -> None:
    result = credit(month, date(1950, 1, 1), retired_on=date(2010, 1, 1))
    assert result.retired and result.amount == amount
    assert result.rate_pct == Fraction(rate)
    assert result.rule == "account_credit.retired"


def test_retirees_get_a_fixed_amount_after_the_reform() -> None:
    result = credit(date(2022, 1, 1), date(1950, 1, 1), retired_on=date(2010, 1, 1), pension=None)
    assert (result.amount, result.rate_pct, result.base) == (8_000, None, 0)
    assert "定额" in result.text_zh


def test_retirement_month_is_credited_as_in_service_then_retired() -> None:
    born, retired_on = date(1963, 5, 15), date(2023, 5, 15)
    may = credit(date(2023, 5, 1), born, retired_on=retired_on)
    june = credit(date(2023, 6, 1), born, retired_on=retired_on)
    assert (may.retired, may.amount) == (False, 10_000)
    assert (june.retired, june.amount) == (True, 8_000)


def test_a_retirement_dated_the_first_counts_from_that_month() -> None:
    result = credit(date(2023, 5, 20), date(1963, 5, 1), retired_on=date(2023, 5, 1))
    assert result.retired and result.amount == 8_000


def test_rounds_half_up_to_the_fen() -> None:
    # 2% of 1,234.25 = 24.685 → 24.69
    assert credit(date(2024, 1, 1), date(1990, 1, 1), base=123_425).amount == 2_469


def test_retiree_under_the_2012_rules_needs_the_pension() -> None:
    with pytest.raises(ValueError, match="pension"):
        credit(date(2015, 1, 1), date(1950, 1, 1), retired_on=date(2010, 1, 1), pension=None)


def test_the_policy_must_be_in_force_that_month() -> None:
    with pytest.raises(ValueError, match="not in force"):
        monthly_account_credit(
            policy_in_force("990101", date(2024, 1, 1)),
            month=date(2015, 1, 1),
            birth_date=date(1970, 1, 1),
            contribution_base=BASE,
        )


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="contribution_base"):
        credit(date(2024, 1, 1), date(1970, 1, 1), base=-1)
    with pytest.raises(ValueError, match="birth_date"):
        credit(date(2024, 1, 1), date(2024, 2, 1))


def test_the_words_for_the_monthly_notice() -> None:
    result = credit(date(2024, 3, 1), date(1990, 1, 1))
    assert (
        result.text_zh
        == "2024年3月个人账户划入100.00元：在职职工，34岁，按月缴费基数5,000.00元的2%划入。"
    )
    assert result.text_en.startswith("Personal account credit for 2024-03: 100.00 yuan")
    assert result.month == date(2024, 3, 1)
