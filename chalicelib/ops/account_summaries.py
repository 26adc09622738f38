"""Backfill the account summaries (个人账户摘要) of accounts written before they existed.

``python -m chalicelib.ops.account_summaries [--segments N]`` reads the person table once
(a Scan, an operator's one-off job, never a request path) and gives every account item
without a summary the one summed from its statement pages. Each write checks the version
the item was read at, before its pages were read: a settlement that changes the account
meanwhile makes the write fail, and the account is read again. Running it twice changes
nothing. Until an account has its summary, ``GET /v1/me/account`` sums its pages instead
(two reads), so the backfill can run while the service answers.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import Any

ATTEMPTS = 5  # reads of one account that keeps changing while it is summed


@dataclass(frozen=True)
class Backfill:
    accounts: int  # account items seen
    filled: int  # summaries written
    gave_up: tuple[str, ...]  # person ids changed on every attempt (run again)


def fill(person_id: str) -> bool | None:
    """Give one account its summary: True when written, False when it had one already,
    None when it changed on every attempt."""
    from pynamodb.exceptions import UpdateError

    from chalicelib.adapters.dynamodb.accounts import account_from_raw
    from chalicelib.adapters.dynamodb.ledgers import DynamoLedgerRepository
    from chalicelib.adapters.dynamodb.models import ACCOUNT_SK, AccountItem, person_pk
    from chalicelib.services.ledgers import FIRST_YEAR, statement_summary

    store = DynamoLedgerRepository()
    pk = person_pk(person_id)
    for _ in range(ATTEMPTS):
        raw: dict[str, Any] = AccountItem._get_connection().get_item(
            pk, ACCOUNT_SK, consistent_read=True
        )
        if "Item" not in raw:
            return False
        read = account_from_raw(raw["Item"])
        if read.summary is not None:
            return False
        pages = store.account_pages(person_id, FIRST_YEAR, 9999)
        summary = statement_summary(pages)
        try:
            # update() checks the version read above (before the pages) and adds one
            AccountItem(pk, ACCOUNT_SK, version=read.version).update(
                actions=[AccountItem.summary.set(summary.to_json())]
            )
        except UpdateError:
            continue  # the account changed while its pages were read: read it again
        return True
    return None


def backfill(segments: int = 1) -> Backfill:
    from chalicelib.adapters.dynamodb.models import ACCOUNT_SK
    from chalicelib.reconcile import scan

    accounts = filled = 0
    gave_up = []
    for segment in range(segments):
        for item in scan(segment, segments):
            pk, sk = item["pk"]["S"], item["sk"]["S"]
            if sk != ACCOUNT_SK or not pk.startswith("PERSON#"):
                continue
            accounts += 1
            if "summary" in item:
                continue
            person_id = pk.removeprefix("PERSON#")
            done = fill(person_id)
            if done is None:
                gave_up.append(person_id)
            elif done:
                filled += 1
    return Backfill(accounts, filled, tuple(gave_up))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chalicelib.ops.account_summaries", description=__doc__
    )
    parser.add_argument("--segments", type=int, default=4)
    args = parser.parse_args(argv)
    from chalicelib.bootstrap import container

    container().bind_tables()
    result = backfill(args.segments)
    for person_id in result.gave_up:
        print(f"CHANGING {person_id}: changed on every attempt, run again")
    print(f"{result.accounts} accounts, {result.filled} summaries written")
    return 1 if result.gave_up else 0


if __name__ == "__main__":
    sys.exit(main())
