"""The lapse reminder of temporary remote-care filings (临时备案到期提醒).

``python -m chalicelib.ops.filing_reminders [--date YYYY-MM-DD]`` sends one SMS to each
holder of a temporary filing that lapses within the policy's days (demo 15), once however
often it runs: the job reads the reminder index day by day (by key, never the table) and
claims each filing with a conditional write before it sends. A run missed is made up by
the next one. An SMS that cannot be sent gives its claim back, for the next run. The
monthly notice pipeline may run it instead (``run(ctx, day)``).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from chalicelib.ops import day_job
from chalicelib.rules import places
from chalicelib.rules.policy import packaged_policies, policy_in_force
from chalicelib.services import filing_notices

log = logging.getLogger(__name__)


def _days_before(region: str, day: date) -> int:
    rules = policy_in_force(region, day).remote_filing
    return rules.reminder_days_before if rules else 0


def horizon(day: date) -> int:
    """The most days ahead any region in force on ``day`` reminds."""
    return max(
        (
            p.remote_filing.reminder_days_before
            for p in packaged_policies()
            if p.remote_filing is not None and p.in_force_on(day)
        ),
        default=0,
    )


def run(ctx: Any, day: date | None = None) -> dict[str, int]:
    """Remind every filing that lapses from ``day`` (default today) to its region's days
    ahead; returns how many were sent, already done (or changed) and failed."""
    now = ctx.clock.now()
    today = day or now.date()
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    for ahead in range(horizon(today) + 1):
        last = today + timedelta(days=ahead)
        for person_id, filing_id, region in list(ctx.store.lapsing(last)):
            if ahead > _days_before(region, today):
                continue  # this region reminds later
            claimed = ctx.store.claim_reminder(person_id, filing_id, last, now)
            if claimed is None:
                counts["skipped"] += 1
                continue
            filing, version = claimed
            record = ctx.store.load(person_id)
            city = places.city(filing.city)
            sent = record is not None and filing_notices.send(
                ctx.notices,
                record.person,
                "filing_lapsing",
                {"city": city.name_zh if city else filing.city, "day": last},
            )
            if sent:
                counts["sent"] += 1
            else:
                ctx.store.release_reminder(person_id, region, filing, version)
                counts["failed"] += 1
    log.info("filing reminders", extra=counts)
    return counts


def main(argv: list[str] | None = None) -> int:
    from chalicelib.bootstrap import container

    return day_job(
        argv, "chalicelib.ops.filing_reminders", __doc__,
        "the day to run for (YYYY-MM-DD, default today)",
        lambda day: run(container().filings(), day),
    )


if __name__ == "__main__":
    raise SystemExit(main())
