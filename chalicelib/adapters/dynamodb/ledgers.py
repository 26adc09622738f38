"""Ledger reads: each is one request by the person's key."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from chalicelib import sessions
from chalicelib.adapters.dynamodb.accounts import AccountRead, account_from_raw
from chalicelib.adapters.dynamodb.faults import translate_faults
from chalicelib.adapters.dynamodb.models import (
    ACCOUNT_PAGE,
    ACCOUNT_SESSION_REVOKED_PREFIX,
    ACCOUNT_SK,
    CONTRIBUTION_PAGE,
    PROFILE_SK,
    YTD_PREFIX,
    LedgerLineItem,
    LedgerYearItem,
    PersonItem,
    YtdItem,
    person_pk,
)
from chalicelib.adapters.dynamodb.persons import me_items, to_person
from chalicelib.adapters.dynamodb.sessions import batch_get_own, get_own, revoked_in
from chalicelib.ports import Person
from chalicelib.rules.bill import YTD_FIELDS


@dataclass(frozen=True)
class LedgerPage:
    year: int
    lines: list[dict[str, Any]]  # in time order
    opening_balance: int | None
    months_before: int | None


def _whole(value: float | None) -> int | None:
    return None if value is None else int(value)


def _year_of(sk: str, prefix: str) -> int:
    return int(sk[len(prefix) : len(prefix) + 4])


def year_pages(items: list[dict[str, Any]], prefix: str) -> dict[int, LedgerPage]:
    """Year pages and their separately written lines, merged, lines in time order."""
    pages: dict[int, LedgerPage] = {}
    loose: dict[int, list[dict[str, Any]]] = {}
    for data in items:
        sk = data["sk"]["S"]
        year = _year_of(sk, prefix)
        if len(sk) == len(prefix) + 4:
            item = LedgerYearItem.from_raw_data(data)
            pages[year] = LedgerPage(
                year,
                list(json.loads(item.lines)),
                _whole(item.opening_balance),
                _whole(item.months_before),
            )
        else:
            line = LedgerLineItem.from_raw_data(data)
            loose.setdefault(year, []).append(
                {
                    "at": line.at,
                    "period": line.period,
                    "kind": line.kind,
                    "amount": int(line.amount),
                    "ref": line.ref,
                    "detail": json.loads(line.detail) if line.detail else {},
                }
            )
    for year, lines in loose.items():
        page = pages.get(year) or LedgerPage(year, [], None, None)
        pages[year] = LedgerPage(
            year,
            sorted(page.lines + lines, key=lambda x: x["at"]),
            page.opening_balance,
            page.months_before,
        )
    return pages


@translate_faults
@sessions.guarded
class DynamoLedgerRepository:
    @sessions.brings_check
    def contributions(self, person_id: str, year: int) -> tuple[Person, LedgerPage | None] | None:
        """The profile and the year's contribution page (and while the session is
        unchecked, its revocation record): one BatchGetItem."""
        found = batch_get_own(person_id, [PROFILE_SK, f"{CONTRIBUTION_PAGE}{year}"])
        person = page = None
        for data in found:
            if data["sk"]["S"] == PROFILE_SK:
                person = to_person(PersonItem.from_raw_data(data))
            else:
                page = year_pages([data], CONTRIBUTION_PAGE).get(year)
        return (person, page) if person else None

    @sessions.brings_check
    def account(self, person_id: str) -> AccountRead | None:
        """The account item: the balance and its summary, one read of a small item (with
        the session's revocation record in the same BatchGetItem while unchecked)."""
        data = get_own(person_id, ACCOUNT_SK)
        return account_from_raw(data) if data else None

    @sessions.brings_check
    def account_pages(
        self, person_id: str, first_year: int, last_year: int
    ) -> dict[int, LedgerPage]:
        """The account ledger's pages and lines of those years: one Query. While the
        session is unchecked it reads on to the revocation records after the pages
        (``ACCOUNT#~…``, consistent then) and leaves out any year after ``last_year``."""
        checking = sessions.wanted(person_id) is not None
        last = f"{ACCOUNT_SESSION_REVOKED_PREFIX}~" if checking else f"{ACCOUNT_PAGE}{last_year}#~"
        raw: dict[str, Any] = LedgerYearItem._get_connection().query(
            person_pk(person_id),
            range_key_condition=LedgerYearItem.sk.between(f"{ACCOUNT_PAGE}{first_year}", last),
            consistent_read=checking,
        )
        items = revoked_in(person_id, raw.get("Items", []), "LastEvaluatedKey" not in raw)
        pages = year_pages(items, ACCOUNT_PAGE)
        return {year: page for year, page in pages.items() if year <= last_year}

    @sessions.brings_check
    def profile_and_year(self, person_id: str, year: int) -> tuple[Person, dict[str, int]] | None:
        """The profile and the year's figures (what settlement wrote): one Query."""
        person = None
        ytd = dict.fromkeys(YTD_FIELDS, 0)
        for data in me_items(person_id, consistent_read=False):
            sk = data["sk"]["S"]
            if sk == PROFILE_SK:
                person = to_person(PersonItem.from_raw_data(data))
            elif sk == f"{YTD_PREFIX}{year}":
                item = YtdItem.from_raw_data(data)
                ytd = {k: int(getattr(item, k) or 0) for k in YTD_FIELDS}
        return (person, ytd) if person else None
