"""The month's personal-account credit (个人账户划入) of an employee.

Every rate comes from the policy version in force on the first day of the month:

- 2012-07-01 rules (``002@2721``, ``002@2743``): in service, a percentage of the
  monthly contribution base (月缴费基数) by age band: 2% up to 45, 2.5% from 46;
  retirees a phased percentage of their basic pension (基本养老金): 5.3% → 5% →
  4.6%, one phase a year *(demo: the phase dates and the pension base)*.
- Since the 2021 reform (国办发〔2021〕14号，*demo* effective 2022-01-01): in service
  the individual 2% of the base; retirees a fixed monthly amount *(demo 80.00)*.

The person's age and status are taken on the first day of the month: the month in
which someone turns 46 is credited at the younger rate, and a person retiring
during a month is credited as in service for that month and as a retiree from the
next (a retirement dated the 1st counts from that month). Amounts round half up
to the fen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from chalicelib.rules.explain import pct, yuan
from chalicelib.rules.money import MAX_INPUT_FEN, round_half_up, share
from chalicelib.rules.policy import Cited, Policy


@dataclass(frozen=True)
class AccountCredit:
    """One month's credit, with the rule that set it and plain words for the notice."""

    month: date
    amount: int
    retired: bool
    rate_pct: Fraction | None
    base: int
    rule: str
    source: str
    text_zh: str
    text_en: str


def age_on(birth_date: date, day: date) -> int:
    """Age in completed years on ``day`` (a 29 February birthday counts from 1 March)."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def _check_amount(name: str, fen: int) -> None:
    if not 0 <= fen <= MAX_INPUT_FEN:
        raise ValueError(f"{name}: must be between 0 and 100000000.00 yuan")


def monthly_account_credit(
    policy: Policy,
    *,
    month: date,
    birth_date: date,
    contribution_base: int,
    retirement_date: date | None = None,
    pension: int | None = None,
) -> AccountCredit:
    """The credit for ``month`` (any day of it); amounts in fen.

    ``contribution_base`` is the monthly contribution base of an employee in
    service; ``pension`` the monthly basic pension of a retiree, needed only where
    the policy credits retirees a percentage of it. Raises ``ValueError`` when the
    policy is not the version in force that month or an input is out of range.
    """
    first = month.replace(day=1)
    if not policy.in_force_on(first):
        raise ValueError(
            f"month: policy {policy.region}/{policy.version} is not in force on {first}"
        )
    if birth_date > first:
        raise ValueError("birth_date: after the month")
    _check_amount("contribution_base", contribution_base)
    rules = policy.account_credit
    label = f"{first.year}年{first.month}月"
    label_en = first.strftime("%Y-%m")
    if retirement_date is None or retirement_date > first:
        age = age_on(birth_date, first)
        band = next(b for b in rules.by_age if b.up_to_age is None or age <= b.up_to_age)
        amount = round_half_up(share(contribution_base, band.pct))
        return _credit(
            first,
            amount,
            False,
            band.pct,
            contribution_base,
            rules.in_service,
            f"{label}个人账户划入{yuan(amount)}元：在职职工，{age}岁，"
            f"按月缴费基数{yuan(contribution_base)}元的{pct(band.pct)}%划入。",
            f"Personal account credit for {label_en}: {yuan(amount)} yuan, {pct(band.pct)}% "
            f"of the monthly contribution base {yuan(contribution_base)} (in service, "
            f"age {age}).",
        )
    if rules.retiree_fixed_fen is not None:
        amount = rules.retiree_fixed_fen
        return _credit(
            first,
            amount,
            True,
            None,
            0,
            rules.retired,
            f"{label}个人账户划入{yuan(amount)}元：退休人员每月定额划入。",
            f"Personal account credit for {label_en}: {yuan(amount)} yuan, the fixed monthly "
            "amount for retirees.",
        )
    if pension is None:
        raise ValueError("pension: required for a retiree under this policy")
    _check_amount("pension", pension)
    phase = [p for p in rules.retiree_phases if p.starts <= first][-1]
    amount = round_half_up(share(pension, phase.pct))
    return _credit(
        first,
        amount,
        True,
        phase.pct,
        pension,
        rules.retired,
        f"{label}个人账户划入{yuan(amount)}元：退休人员，按基本养老金{yuan(pension)}元的"
        f"{pct(phase.pct)}%划入。",
        f"Personal account credit for {label_en}: {yuan(amount)} yuan, {pct(phase.pct)}% of "
        f"the basic pension {yuan(pension)} (retired).",
    )


def _credit(
    month: date,
    amount: int,
    retired: bool,
    rate: Fraction | None,
    base: int,
    cited: Cited,
    zh: str,
    en: str,
) -> AccountCredit:
    return AccountCredit(month, amount, retired, rate, base, cited.rule, cited.source, zh, en)
