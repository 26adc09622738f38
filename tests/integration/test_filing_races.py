"""Filings under races: one filing in force per person and date holds when requests for the
same person run at once, and the reminder of a filing goes out once however many jobs run."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from chalicelib import errors
from chalicelib.bootstrap import container
from chalicelib.config import settings
from chalicelib.ops import filing_reminders
from chalicelib.services import filings
from chalicelib.services.auth import person_id_for


def pid(p):
    return person_id_for(p.id_number, settings().pepper)


def test_overlapping_filings_at_once_one_is_made_the_others_are_told_why(small_region):
    person = next(p for p in small_region if p.status == "active")
    ctx = container().filings()
    today = ctx.clock.now().date()
    cities = ["110100", "310100", "440100", "510100", "530100", "610100"]
    barrier = threading.Barrier(len(cities))

    def go(city):
        barrier.wait()
        body = {
            "category": "long_term_resident",
            "province": city[:2] + "0000",
            "city": city,
            "start": today.isoformat(),
            "commitment": True,
        }
        try:
            return filings.create(ctx, pid(person), body)["filing_id"]
        except errors.Conflict as exc:
            return exc.code

    with ThreadPoolExecutor(len(cities)) as pool:
        outcomes = list(pool.map(go, cities))
    made = [o for o in outcomes if o.startswith("rc")]
    assert len(made) == 1, outcomes
    assert set(outcomes) - set(made) <= {"filing_overlap", "busy"}
    record = ctx.store.load(pid(person))
    assert [s.filing.filing_id for s in record.filings] == made


def test_jobs_running_at_once_send_one_reminder(small_region):
    person = [p for p in small_region if p.status == "active"][1]
    ctx = container().filings()
    today = ctx.clock.now().date()
    body = {
        "category": "temporary_other",
        "province": "110000",
        "city": "110100",
        "start": today.isoformat(),
        "commitment": True,
    }
    made = filings.create(ctx, pid(person), body)
    day = date.fromisoformat(made["end"]) - timedelta(days=15)
    barrier = threading.Barrier(4)

    def run(_):
        barrier.wait()
        return filing_reminders.run(ctx, day)["sent"]

    with ThreadPoolExecutor(4) as pool:
        sent = list(pool.map(run, range(4)))
    assert sum(sent) == 1
