"""个人账户摘要：the account's balance with what ``GET /v1/me/account`` shows beside it.

The summary is kept on the account item and written in the same transaction as every
balance change (a settlement's debit, its reversal, a family payment or refund, a
month's credit), so the account read is one small item, never the statement's pages.
It holds the time of the latest line, the latest monthly credit, and the balance at
the end of each of the latest months that had a line: at most :data:`KEPT` of them,
which always covers the 12 months shown (13 months with lines cannot all fall in 12).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

KEPT = 13  # months with a line kept: one more than the months shown


@dataclass(frozen=True)
class AccountSummary:
    """``ends``: (YYYY-MM, balance in fen at its end), oldest first; ``before``: the
    balance before the first of them (the account's opening balance until one is dropped)."""

    before: int = 0
    ends: tuple[tuple[str, int], ...] = ()
    as_of: str | None = None  # ISO time of the latest line
    latest_credit: Mapping[str, Any] | None = None  # period, amount (fen), text_zh, text_en

    def after(
        self,
        at: str,
        period: str,
        amount: int,
        balance_after: int,
        kind: str,
        detail: Mapping[str, Any] | None = None,
    ) -> AccountSummary:
        """The summary once a line of ``amount`` fen at ``at`` (of month ``period``)
        leaves ``balance_after``."""
        ends = dict(self.ends)
        ends[period] = balance_after
        ordered = sorted(ends.items())
        before = self.before
        while len(ordered) > KEPT:
            before = ordered.pop(0)[1]
        latest = self.latest_credit
        if kind == "credit" and (latest is None or period >= latest["period"]):
            detail = detail or {}
            latest = {
                "period": period,
                "amount": amount,
                "text_zh": detail.get("text_zh"),
                "text_en": detail.get("text_en"),
            }
        as_of = at if self.as_of is None or at >= self.as_of else self.as_of
        return replace(self, before=before, ends=tuple(ordered), as_of=as_of, latest_credit=latest)

    def months(self, periods: Iterable[str]) -> list[tuple[str, int]]:
        """The balance at the end of each of ``periods`` (YYYY-MM, oldest first)."""
        out, carried = [], self.before
        ends = list(self.ends)
        for period in periods:
            while ends and ends[0][0] <= period:
                carried = ends.pop(0)[1]
            out.append((period, carried))
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "before": self.before,
            "ends": [list(e) for e in self.ends],
            "as_of": self.as_of,
            "latest_credit": None if self.latest_credit is None else dict(self.latest_credit),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AccountSummary:
        return cls(
            before=int(data["before"]),
            ends=tuple((str(p), int(b)) for p, b in data["ends"]),
            as_of=data.get("as_of"),
            latest_credit=data.get("latest_credit"),
        )


def summarise(opening: int, lines: Iterable[Mapping[str, Any]]) -> AccountSummary:
    """The summary of a statement: its opening balance and its lines in time order
    (each: at, period, kind, amount in fen, detail), as the demo data, the backfill
    and a not yet migrated account use it."""
    summary, balance = AccountSummary(before=opening), opening
    for line in lines:
        balance += int(line["amount"])
        summary = summary.after(
            str(line["at"]),
            str(line["period"]),
            int(line["amount"]),
            balance,
            str(line["kind"]),
            line.get("detail"),
        )
    return summary
