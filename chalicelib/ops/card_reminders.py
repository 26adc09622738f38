"""The lapse reminder of temporary card losses (临时挂失到期提醒).

``python -m chalicelib.ops.card_reminders [--date YYYY-MM-DD]`` tells each person whose
temporary loss lapses on that day (default tomorrow) that the card works again then,
and that a formal loss is the way to keep it blocked. It reads the sparse index
``cards-by-lapse-day`` by key (never the table); each reminder is made once however
often it runs, and goes through the notice service (quiet hours, preferences: 补卡进度).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from chalicelib.ops import day_job


def main(argv: list[str] | None = None) -> int:
    from chalicelib.bootstrap import container
    from chalicelib.services.cards import remind_lapsing

    def remind(day: date | None) -> Mapping[str, int]:
        ctx = container().card_services()
        return remind_lapsing(ctx, day or ctx.clock.now().date() + timedelta(days=1))

    return day_job(
        argv, "chalicelib.ops.card_reminders", __doc__,
        "the lapse day to remind (YYYY-MM-DD, default tomorrow)", remind,
    )


if __name__ == "__main__":
    raise SystemExit(main())
