"""缴费记录、个人账户、待遇余额：what the citizen asks a window most (``001:83``).

Each view is one read by the person's key; the figures are explained by the rules
layer (contribution years, the year's tier, the benefit balance).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from chalicelib import errors
from chalicelib.ports import Clock, Person
from chalicelib.rules import bill as bills
from chalicelib.rules.account_summary import AccountSummary, summarise
from chalicelib.rules.benefits import benefit_balance
from chalicelib.rules.contributions import (
    PAYER_EN,
    PAYER_ZH,
    SUBSIDY_EN,
    SUBSIDY_ZH,
    contribution_years,
    enrolment_window,
    entry_from_line,
    year_tier,
)
from chalicelib.rules.money import format_fen
from chalicelib.rules.policy import policy_in_force
from chalicelib.services.paging import decode_cursor, encode_cursor, year_param

PAGE_SIZE = 50
CONTRIBUTION_CURSOR = "CONTRIB:"
FIRST_YEAR = 2010  # the ledgers (and the region's policies) start in 2010

KINDS = {
    "regular": ("按时缴费", "paid on time"),
    "arrears": ("欠缴", "in arrears (not paid)"),
    "back_payment": ("补缴", "back payment"),
    "resident": ("居民医保年度缴费", "resident yearly contribution"),
    "credit": ("个人账户划入", "monthly account credit"),
    "pharmacy": ("定点药店购药", "pharmacy purchase"),
    "settlement": ("看病结算支付", "paid at a hospital settlement"),
    "reversal": ("结算冲正退回", "settlement reversed: refunded"),
    "family": ("家庭共济支付", "family mutual aid"),
}


@dataclass(frozen=True)
class LedgerContext:
    store: Any  # DynamoLedgerRepository
    clock: Clock


def _label(code: str) -> dict[str, str]:
    zh, en = KINDS.get(code, (code, code))
    return {"zh": zh, "en": en}


def _not_found() -> errors.NotFound:
    return errors.NotFound("No insured person for this sign-in.", "没有找到您的参保信息。")


def _year(text: str | None, today: date, last: int | None = None) -> int:
    """The year asked for: from 2010 to this year (or ``last``)."""
    return year_param(text, FIRST_YEAR, today.year if last is None else last, today.year)


def contributions(
    ctx: LedgerContext, person_id: str, year_text: str | None, cursor: str | None = None
) -> dict[str, Any]:
    """A year of the contribution ledger, with what it entitles the person to: one page a
    year, newest first (``next_cursor`` is the year before)."""
    today = ctx.clock.now().date()
    # next year too: residents pay for it in this year's enrolment window
    if cursor is None:
        year = _year(year_text, today, today.year + 1)
    else:
        key = decode_cursor(cursor, CONTRIBUTION_CURSOR, 40)
        try:
            year = _year(key[len(CONTRIBUTION_CURSOR) :], today, today.year + 1)
        except errors.ValidationFailed:
            raise errors.invalid_cursor() from None
    found = ctx.store.contributions(person_id, year)
    if found is None:
        raise _not_found()
    person, page = found
    lines = page.lines if page else []
    as_of = min(today, date(year, 12, 31))
    policy = policy_in_force(person.region, as_of)
    body: dict[str, Any] = {
        "year": year,
        "scheme": person.scheme,
        "previous_year": year - 1 if year > FIRST_YEAR else None,
        "next_cursor": encode_cursor(f"{CONTRIBUTION_CURSOR}{year - 1}")
        if year > FIRST_YEAR
        else None,
    }
    if person.scheme == "employee":
        entries = [entry_from_line(line) for line in lines]
        body["entries"] = [
            {
                **e.to_json(),
                "kind": e.kind,
                "kind_label": _label(e.kind),
                "payer_label": {"zh": PAYER_ZH[e.payer], "en": PAYER_EN[e.payer]},
            }
            for e in entries
        ]
        years = contribution_years(
            entries,
            as_of,
            sex=person.sex,
            policy=policy,
            retired=person.retired,
            months_before=page.months_before or 0 if page else 0,
        )
        body["summary"] = {"contribution_years": years.to_json()}
        if entries:
            body["summary"]["tier"] = year_tier(
                entries, year, policy, as_of=as_of, retiree_years_met=person.years_met
            ).to_json()
    else:
        window = enrolment_window(policy, year)
        body["entries"] = [
            {
                "year": year,
                "kind": "resident",
                "kind_label": _label("resident"),
                "individual": format_fen(line["detail"]["individual"]),
                "subsidy": format_fen(line["detail"]["subsidy"]),
                "subsidy_source": line["detail"]["subsidy_source"],
                "subsidy_label": _subsidy(line["detail"]["subsidy_source"]),
                "total": format_fen(line["amount"]),
                "paid_on": line["detail"]["paid_on"],
                "enrolment_window": {
                    "start": window.start.isoformat(),
                    "end": window.end.isoformat(),
                },
            }
            for line in lines
        ]
        paid = bool(lines)
        body["summary"] = {
            "paid": paid,
            "text_zh": (
                f"{year}年度居民医保已缴费，全年享受居民医保待遇。"
                if paid
                else f"{year}年度居民医保还没有缴费记录。请在缴费期内缴费，否则看病不能报销。"
            ),
            "text_en": (
                f"The {year} resident contribution is paid: covered for the year."
                if paid
                else f"No {year} resident contribution yet: pay it in the enrolment "
                "window, or care will not be reimbursed."
            ),
        }
    return body


def _subsidy(source: str | None) -> dict[str, str] | None:
    return None if source is None else {"zh": SUBSIDY_ZH[source], "en": SUBSIDY_EN[source]}


def _account_lines(pages: dict[int, Any]) -> tuple[list[dict[str, Any]], int | None]:
    """All lines of the pages in time order, each with the balance after it."""
    if not pages:
        return [], None
    first = min(pages)
    balance = pages[first].opening_balance or 0
    out = []
    for year in sorted(pages):
        for line in pages[year].lines:
            balance += int(line["amount"])
            out.append({**line, "balance_after": balance})
    return out, balance


def account(ctx: LedgerContext, person_id: str) -> dict[str, Any]:
    """个人账户：balance, the latest credit, and the balance at the end of each of 12 months,
    from the account item alone (one small read); an account written before it kept its
    summary is summed from its statement pages, as the backfill does."""
    today = ctx.clock.now().date()
    stored = ctx.store.account(person_id)
    if stored is None:
        raise errors.NotFound(
            "No personal account: residents have none.", "没有个人账户：城乡居民医保没有个人账户。"
        )
    balance, summary = stored.balance, stored.summary
    if summary is None:  # not migrated yet (python -m chalicelib.ops.account_summaries)
        summary = statement_summary(ctx.store.account_pages(person_id, FIRST_YEAR, today.year))
    latest = summary.latest_credit
    return {
        "balance": format_fen(balance),
        "as_of": summary.as_of,
        "latest_credit": None
        if latest is None
        else {
            "period": latest["period"],
            "amount": format_fen(int(latest["amount"])),
            "text_zh": latest.get("text_zh"),
            "text_en": latest.get("text_en"),
        },
        "months": [
            {"period": period, "balance": format_fen(value)}
            for period, value in summary.months(_last_months(today, 12))
        ],
    }


def statement_summary(pages: dict[int, Any]) -> AccountSummary:
    """The account's summary summed from its statement pages (opening balance and lines)."""
    opening = pages[min(pages)].opening_balance or 0 if pages else 0
    return summarise(opening, (line for year in sorted(pages) for line in pages[year].lines))


def _last_months(today: date, count: int) -> list[str]:
    """The ``count`` calendar months ending with this one, oldest first (YYYY-MM)."""
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def account_entries(
    ctx: LedgerContext, person_id: str, month: str | None, cursor: str | None
) -> dict[str, Any]:
    """The account statement (个人账户明细) of a month or of this year, newest first."""
    today = ctx.clock.now().date()
    if month is not None and not _is_month(month, today):
        raise errors.field_error(
            "month",
            "format",
            "month is YYYY-MM, from 2010 to this year.",
            "月份格式应为YYYY-MM，2010年至今。",
        )
    year = int(month[:4]) if month else today.year
    offset = 0
    if cursor is not None:
        if not cursor.isdigit() or len(cursor) > 6:
            raise errors.invalid_cursor()
        offset = int(cursor)
    pages = ctx.store.account_pages(person_id, year, year)
    lines, _ = _account_lines(pages)
    if month:
        lines = [line for line in lines if line["period"] == month]
    lines.reverse()
    page = lines[offset : offset + PAGE_SIZE]
    following = offset + PAGE_SIZE
    return {
        "entries": [_entry(line) for line in page],
        "next_cursor": str(following) if following < len(lines) else None,
    }


def _entry(line: dict[str, Any]) -> dict[str, Any]:
    """A statement line as the API shows it."""
    return {
        "at": line["at"],
        "period": line["period"],
        "kind": line["kind"],
        "kind_label": _label(line["kind"]),
        "amount": format_fen(int(line["amount"])),
        "balance_after": format_fen(line["balance_after"]),
        **_entry_texts(line["detail"]),
        "ref": line.get("ref"),
    }


def _entry_texts(detail: dict[str, Any]) -> dict[str, str | None]:
    """A line's own words; a pharmacy purchase that has none names the pharmacy."""
    zh, en = detail.get("text_zh"), detail.get("text_en")
    pharmacy = detail.get("pharmacy")
    if zh is None and pharmacy:
        zh, en = f"在{pharmacy}购药。", f"Bought at {pharmacy}."
    return {"text_zh": zh, "text_en": en}


def _is_month(text: str, today: date) -> bool:
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit():
        return False
    return 1 <= int(text[5:]) <= 12 and 2010 <= int(text[:4]) <= today.year


def benefits(ctx: LedgerContext, person_id: str, year_text: str | None) -> dict[str, Any]:
    """本年度待遇余额：each annual benefit's cap, used and left, from settlement's figures."""
    today = ctx.clock.now().date()
    year = _year(year_text, today)
    found = ctx.store.profile_and_year(person_id, year)
    if found is None:
        raise _not_found()
    person, ytd = found
    as_of = min(today, date(year, 12, 31))
    policy = policy_in_force(person.region, as_of)
    balance = benefit_balance(policy, _bill_person(person), ytd, as_of=as_of)
    return balance.to_json()


def _bill_person(p: Person) -> bills.Person:
    return bills.Person(
        scheme=p.scheme,  # type: ignore[arg-type]
        retired=p.retired,
        years_met=p.years_met,
        tier_pct=Fraction(str(p.tier_pct)) if p.tier_pct is not None else None,
        groups=frozenset(p.groups),
        poverty_exit_year=p.poverty_exit_year,
        chronic=p.chronic,
    )


def account_statement(ctx: LedgerContext, person_id: str, year_text: str | None) -> dict[str, Any]:
    """个人账户年度对账单：every line of a year in time order, the balance on 1 January and on
    31 December (or today), and what came in and went out; one Query (printable)."""
    today = ctx.clock.now().date()
    year = _year(year_text, today)
    pages = ctx.store.account_pages(person_id, year, year)
    lines, closing = _account_lines(pages)
    if closing is None:
        if year < today.year:
            raise errors.NotFound(
                f"The personal account has no statement for {year}.",
                f"个人账户没有{year}年的对账单。",
            )
        raise errors.NotFound(
            "No personal account: residents have none.", "没有个人账户：城乡居民医保没有个人账户。"
        )
    opening = pages[year].opening_balance or 0
    credits = sum(int(line["amount"]) for line in lines if int(line["amount"]) > 0)
    debits = sum(-int(line["amount"]) for line in lines if int(line["amount"]) < 0)
    return {
        "year": year,
        "as_of": min(today, date(year, 12, 31)).isoformat(),
        "opening_balance": format_fen(opening),
        "closing_balance": format_fen(closing),
        "credits": format_fen(credits),
        "debits": format_fen(debits),
        "entries": [_entry(line) for line in lines],
    }
