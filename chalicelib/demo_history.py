"""Demo ledgers since 2010 for every demo person, made by the rules of each era.

Contributions (缴费记录) month by month for employees and year by year for
residents, with arrears and back payments as entries of their own; personal
account (个人账户) credits computed by ``rules.account_credit`` for every month,
and a few pharmacy purchases. The balance is the sum of the lines. Everything
follows from the person and the seed: the same demo always has the same ledgers,
up to ``DEMO_UNTIL`` (not the clock).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import cache
from typing import Any

from chalicelib.rules.account_credit import monthly_account_credit
from chalicelib.rules.contributions import (
    employee_month,
    entry_from_line,
    monthly_average_wage,
    resident_year,
    year_tier,
)
from chalicelib.rules.policy import Policy, policy_in_force

FIRST_YEAR = 2010
DEMO_UNTIL = date(2026, 10, 1)  # the last month the demo ledgers hold
RETIREMENT_AGE = {"male": 60, "female": 55}  # demo
DEMO_PENSION_FEN = 300_000  # demo: a retiree's monthly basic pension, 3,000.00
REGION = "990101"


@dataclass
class Ledgers:
    """A person's ledger pages by year, as stored: lines are dicts of LedgerEntry fields."""

    contributions: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    months_before: dict[int, int] = field(default_factory=dict)  # paid months before the year
    account: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    opening: dict[int, int] = field(default_factory=dict)  # account balance on 1 January
    balance: int = 0


def _months(first: date, last: date) -> list[date]:
    out, day = [], date(first.year, first.month, 1)
    while day <= last:
        out.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return out


@cache
def _policy(day: date) -> Policy:
    return policy_in_force(REGION, day)


@cache
def _employee_due(base: int, payer: str, day: date) -> tuple[int, int, int, int]:
    """What a month costs at ``base`` (the same for every month under one policy)."""
    due = employee_month(base, f"{day:%Y-%m}", payer, _policy(day))  # type: ignore[arg-type]
    return due.individual_fen, due.employer_fen, due.large_amount_fen, due.total_fen


def retirement_day(birth: date, sex: str) -> date:
    return date(birth.year + RETIREMENT_AGE[sex], birth.month, 1)


@cache
def _base(tier_pct: float, version: str) -> int:
    return employee_base(tier_pct, next(p for p in _versions() if p.version == version))


def _versions() -> tuple[Policy, ...]:
    from chalicelib.rules.policy import packaged_policies

    return tuple(p for p in packaged_policies() if p.region == REGION)


def employee_base(tier_pct: float, policy: Policy) -> int:
    """The monthly contribution base (fen): at least ``tier_pct`` % of the monthly average wage
    (rounded up, so that the year's tier is the one meant, never a fen below it)."""
    return math.ceil(monthly_average_wage(policy) * Fraction(str(tier_pct)) / 100)


def _line(
    at: str, period: str, kind: str, amount: int, detail: dict[str, Any], ref: str | None = None
) -> dict[str, Any]:
    return {
        "at": at,
        "period": period,
        "kind": kind,
        "amount": amount,
        "detail": detail,
        "ref": ref,
    }


def employee_ledgers(p: Any, seed: int, index: int, since: int | None = None) -> Ledgers:
    """Months since 2010 (or since insured): contributions in service, credits every month.

    ``since``: only the contributions of the months from that year on (their lines are the
    same as in the whole history), without the account.
    """
    rng = random.Random(f"{seed}:{index}:ledger")
    out = Ledgers()
    start = max(date(FIRST_YEAR, 1, 1), date(p.insured_since.year, p.insured_since.month, 1))
    if since is not None:
        start = max(start, date(since, 1, 1))
    retire = retirement_day(p.birth_date, p.sex) if p.retired else None
    tier = p.base_pct if p.base_pct is not None else 100.0
    flexible = p.employer is None and not p.retired
    payer = "self" if flexible else "employer"
    back_paid = rng.random() < 0.10  # one month in arrears in 2024, paid three months later
    open_arrears = not p.retired and rng.random() < 0.03  # the last month not paid yet
    # Paid months before the ledger starts (demo): since age 22, or since 1990.
    prior = max(0, (start.year - max(p.birth_date.year + 22, 1990)) * 12)
    needed = _policy(start).contribution_years
    if p.years_met:
        prior = max(prior, (needed.male if p.sex == "male" else needed.female) * 12)
    elif p.retired:
        prior = 0  # a retiree short of the years: no earlier record (the ledger alone is < 25)
    paid_so_far = prior
    balance = 0
    for month in _months(start, DEMO_UNTIL):
        year, period = month.year, f"{month:%Y-%m}"
        if year not in out.contributions:
            out.contributions[year] = []
            out.months_before[year] = paid_so_far
            out.account[year] = []
            out.opening[year] = balance
        policy = _policy(month)
        base = _base(tier, policy.version)
        in_service = retire is None or month < retire
        if in_service:
            individual, employer, large, total = _employee_due(base, payer, month)
            paid_on = date(year, month.month, 15)
            detail = {
                "base": base,
                "individual": individual,
                "employer": employer,
                "large_amount": large,
                "payer": payer,
            }
            if back_paid and period == "2024-03":
                out.contributions[year].append(
                    _line(f"{paid_on}", period, "arrears", 0, {**detail, "paid_on": None})
                )
                late = date(2024, 6, 20)
                out.contributions[year].append(
                    _line(
                        f"{late}",
                        period,
                        "back_payment",
                        total,
                        {**detail, "paid_on": late.isoformat()},
                    )
                )
            elif open_arrears and month == DEMO_UNTIL:
                out.contributions[year].append(
                    _line(f"{paid_on}", period, "arrears", 0, {**detail, "paid_on": None})
                )
                paid_so_far -= 1
            else:
                out.contributions[year].append(
                    _line(
                        f"{paid_on}",
                        period,
                        "regular",
                        total,
                        {**detail, "paid_on": paid_on.isoformat()},
                    )
                )
            paid_so_far += 1
        if since is not None:
            continue  # contributions alone: no account
        credit = monthly_account_credit(
            policy,
            month=month,
            birth_date=p.birth_date,
            contribution_base=base,
            retirement_date=retire,
            pension=DEMO_PENSION_FEN if retire else None,
        )
        balance += credit.amount
        out.account[year].append(
            _line(
                f"{month:%Y-%m}-05T09:00:00+08:00",
                period,
                "credit",
                credit.amount,
                {
                    "balance_after": balance,
                    "rule": credit.rule,
                    "source": credit.source,
                    "text_zh": credit.text_zh,
                    "text_en": credit.text_en,
                },
            )
        )
        if rng.random() < 0.2 and balance > 5_000:  # a pharmacy purchase (定点药店购药)
            spent = min(balance, rng.randrange(2_000, 30_000))
            balance -= spent
            out.account[year].append(
                _line(
                    f"{month:%Y-%m}-{rng.randrange(10, 28)}T15:30:00+08:00",
                    period,
                    "pharmacy",
                    -spent,
                    {"balance_after": balance, "pharmacy": "示范县大药房"},
                )
            )
    out.balance = balance
    return out


def resident_ledgers(p: Any) -> Ledgers:
    """One contribution a year since 2010 (or since insured), paid in the enrolment window."""
    out = Ledgers()
    first = max(FIRST_YEAR, p.insured_since.year)
    paid = max(0, (first - FIRST_YEAR)) * 12
    for year in range(first, DEMO_UNTIL.year + 1):
        due = resident_year(year, p.groups, _policy(date(year, 1, 1)))
        # paid on 15 November of the year before (demo), kept inside the policy's window
        paid_on = min(max(date(year - 1, 11, 15), due.window.start), due.window.end)
        out.months_before[year] = paid
        out.contributions[year] = [
            _line(
                paid_on.isoformat(),
                str(year),
                "resident",
                due.individual_fen + due.subsidy_fen,
                {
                    "individual": due.individual_fen,
                    "subsidy": due.subsidy_fen,
                    "subsidy_source": due.subsidy_source,
                    "paid_on": paid_on.isoformat(),
                },
            )
        ]
        paid += 12
    return out


def ledgers(p: Any, seed: int, index: int) -> Ledgers:
    return employee_ledgers(p, seed, index) if p.scheme == "employee" else resident_ledgers(p)


def last_contributions(p: Any, seed: int, index: int) -> Ledgers:
    """The contribution lines of the last two years an employee paid in (the year's tier
    needs only the latest): a few dozen months instead of the whole history."""
    last = DEMO_UNTIL.year
    if p.retired:
        last = min(last, retirement_day(p.birth_date, p.sex).year)
    return employee_ledgers(p, seed, index, since=last - 1)


def ledger_tier_pct(books: Ledgers) -> float:
    """The average contribution as % of the average wage in the latest year the ledger has
    contributions (the last demo year, or a retiree's last working year), months not paid
    counting 0: what the profile keeps for settlement. Nothing on the ledger: 0."""
    years = [y for y, lines in books.contributions.items() if lines]
    if not years:
        return 0.0
    year = max(years)
    entries = [entry_from_line(x) for x in books.contributions[year]]
    tier = year_tier(entries, year, _policy(date(year, 1, 1)))
    return math.floor(tier.average_pct * 100) / 100
