"""Reconcile personal accounts: the balance equals the sum of the statement's lines.

``python -m chalicelib.reconcile`` reads the whole person table once (a Scan, in
segments: an operator's batch job, never a request path) and, for every person
with an account, adds the year pages' opening balance and lines and the lines
written one by one, and compares with the balance; the balance the account's summary
(what ``GET /v1/me/account`` shows) ends with must be the balance too. Prints one line per mismatch
(person id only) and a summary; exits 1 when any account does not reconcile.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class _Books:
    balance: int | None = None
    summary_balance: int | None = None  # the balance the account's summary ends with
    opening: dict[int, int] = field(default_factory=dict)
    lines: int = 0


@dataclass(frozen=True)
class Result:
    accounts: int
    mismatches: tuple[tuple[str, int, int], ...]  # (person id, balance, sum of lines)
    stale_summaries: tuple[tuple[str, int, int], ...] = ()  # (person id, balance, summary's)


def scan(segment: int, segments: int) -> Iterator[dict[str, Any]]:
    from chalicelib.adapters.dynamodb.models import PersonItem

    connection = PersonItem._get_connection()
    start = None
    while True:
        page: dict[str, Any] = connection.scan(
            segment=segment, total_segments=segments, exclusive_start_key=start
        )
        yield from page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if not start:
            return


def reconcile(segments: int = 1) -> Result:
    from chalicelib.adapters.dynamodb.models import (
        ACCOUNT_PAGE,
        ACCOUNT_SESSION_REVOKED_PREFIX,
        ACCOUNT_SK,
    )

    books: dict[str, _Books] = {}
    for segment in range(segments):
        for item in scan(segment, segments):
            pk, sk = item["pk"]["S"], item["sk"]["S"]
            if not pk.startswith("PERSON#") or sk.startswith(ACCOUNT_SESSION_REVOKED_PREFIX):
                continue  # a signed-out token's record beside the pages is no statement line
            entry = books.setdefault(pk, _Books())
            if sk == ACCOUNT_SK:
                entry.balance = int(item["balance"]["N"])
                if "summary" in item:
                    summary = json.loads(item["summary"]["S"])
                    ends = summary["ends"]
                    entry.summary_balance = int(ends[-1][1] if ends else summary["before"])
            elif sk.startswith(ACCOUNT_PAGE) and len(sk) == len(ACCOUNT_PAGE) + 4:
                year = int(sk[len(ACCOUNT_PAGE) :])
                if "opening_balance" in item:
                    entry.opening[year] = int(item["opening_balance"]["N"])
                entry.lines += sum(int(line["amount"]) for line in json.loads(item["lines"]["S"]))
            elif sk.startswith(ACCOUNT_PAGE):
                entry.lines += int(item["amount"]["N"])
    mismatches, stale = [], []
    accounts = 0
    for pk, entry in books.items():
        if entry.balance is None:
            continue
        accounts += 1
        first = entry.opening[min(entry.opening)] if entry.opening else 0
        total = first + entry.lines
        if total != entry.balance:
            mismatches.append((pk.removeprefix("PERSON#"), entry.balance, total))
        if entry.summary_balance is not None and entry.summary_balance != entry.balance:
            stale.append((pk.removeprefix("PERSON#"), entry.balance, entry.summary_balance))
    return Result(accounts, tuple(mismatches), tuple(stale))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.reconcile", description=__doc__)
    parser.add_argument("--segments", type=int, default=4)
    args = parser.parse_args(argv)
    from chalicelib.bootstrap import container

    container().bind_tables()
    result = reconcile(args.segments)
    for person_id, balance, total in result.mismatches:
        print(f"MISMATCH {person_id}: balance {balance} fen, lines add up to {total} fen")
    for person_id, balance, shown in result.stale_summaries:
        print(f"STALE SUMMARY {person_id}: balance {balance} fen, the summary shows {shown} fen")
    print(
        f"{result.accounts} accounts, {len(result.mismatches)} not reconciled, "
        f"{len(result.stale_summaries)} summaries stale"
    )
    return 1 if result.mismatches or result.stale_summaries else 0


if __name__ == "__main__":
    sys.exit(main())
