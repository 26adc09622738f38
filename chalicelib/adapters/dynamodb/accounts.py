"""个人账户 on DynamoDB: every balance change, its statement line and the summary, together.

Settlement debits, reversals and family payments all go through :func:`book_line`, in
the transaction that writes the rest of their change: the account item's update checks
the version it was read at, so the summary computed from that read is still true when
it is written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamodb.models import (
    ACCOUNT_PAGE,
    ACCOUNT_SK,
    AccountItem,
    LedgerLineItem,
)
from chalicelib.rules.account_summary import AccountSummary


@dataclass(frozen=True)
class AccountRead:
    balance: int
    version: int
    summary: AccountSummary | None  # None: written before summaries (not migrated yet)


def account_from_raw(data: dict[str, Any]) -> AccountRead:
    item = AccountItem.from_raw_data(data)
    summary = AccountSummary.from_json(item.summary) if item.summary else None
    return AccountRead(int(item.balance or 0), int(item.version or 0), summary)


def book_line(
    tx: TransactWrite,
    pk: str,
    *,
    at: str,
    kind: str,
    amount: int,
    ref: str,
    detail: Mapping[str, Any],
    balance_before: int,
    version: int | None,
    summary: AccountSummary | None,
) -> None:
    """Add ``amount`` fen (negative: a debit, refused below zero) to the account read at
    ``version`` with ``balance_before``, its statement line and its summary, into ``tx``."""
    after = balance_before + amount
    actions: list[Any] = [AccountItem.balance.add(amount)]
    if summary is not None:
        changed = summary.after(at, at[:7], amount, after, kind, detail)
        actions.append(AccountItem.summary.set(changed.to_json()))
    tx.update(
        # update() checks the version it was read at and adds one
        AccountItem(pk, ACCOUNT_SK, version=version),
        actions=actions,
        condition=AccountItem.balance >= -amount if amount < 0 else None,
    )
    tx.save(
        LedgerLineItem(
            pk,
            f"{ACCOUNT_PAGE}{at[:4]}#{at}#{ref}",
            at=at,
            period=at[:7],
            kind=kind,
            amount=amount,
            ref=ref,
            detail=json.dumps({**detail, "balance_after": after}, ensure_ascii=False),
        )
    )
