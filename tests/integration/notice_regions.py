"""The demo regions the notice tests run on: who gets the monthly notice, a seed whose
persons hold every case those tests tell apart, and receives that do not stand still."""

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


def answer_receives_at_once(client):
    """Make ``client``'s SQS receives short polls; returns the undo.

    The local moto server serves one request at a time (local/moto_server.py): while a
    receive long-polls, no other request reaches the queue, so no message can arrive
    during the wait. An empty receive then only stands the whole stack still for its
    WaitTimeSeconds (1 s in ``drain``): each drain ends with two empty receives per
    sender, ~4 s doing nothing, and the notice tests drain ~20 times. The messages these
    tests put back are made visible at once (visibility 0), so a short poll receives
    exactly what the long one did.
    """

    def at_once(params, **_):
        params["WaitTimeSeconds"] = 0

    event = "provide-client-params.sqs.ReceiveMessage"
    client.meta.events.register(event, at_once)
    return lambda: client.meta.events.unregister(event, at_once)
