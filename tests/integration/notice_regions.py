"""The demo regions the notice tests run on: who gets the monthly notice, and a seed
whose persons hold every case those tests tell apart."""

from __future__ import annotations

import uuid
from typing import Any


def gets_monthly_notice(p: Any) -> bool:
    """Who the monthly notice goes to: an employee (every one has a personal account)
    whose insurance has not ended. A suspended employee (暂停参保) keeps the account and
    still gets it: suspension is not one of the issue's reasons to skip."""
    return bool(p.scheme == "employee" and p.status not in ("ended", "deceased"))


def notice_region_seed(count: int) -> int:
    """A fresh seed (moto keeps every SMS of the session, so the phones must be new)
    whose ``count`` demo persons hold an active, a suspended and an ended employee and a
    resident. A seed drawn at random held a suspended employee one time in nine, and the
    tests that left them out then saw one SMS too many: the cases are chosen, not drawn."""
    from chalicelib.demo import _drawn

    seed = 10_000 + uuid.uuid4().int % 10_000_000
    while True:
        drawn = [_drawn(seed, i) for i in range(count)]
        employees = {p.status for p in drawn if p.scheme == "employee"}
        residents = any(p.scheme == "resident" for p in drawn)
        if residents and {"active", "suspended", "ended"} <= employees:
            return seed
        seed += 1
