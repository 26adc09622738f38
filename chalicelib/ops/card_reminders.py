"""The lapse reminder of temporary card losses (临时挂失到期提醒).

``python -m chalicelib.ops.card_reminders [--date YYYY-MM-DD]`` tells each person whose
temporary loss lapses on that day (default tomorrow) that the card works again then,
and that a formal loss is the way to keep it blocked. It reads the sparse index
``cards-by-lapse-day`` by key (never the table); each reminder is made once however
often it runs, and goes through the notice service (quiet hours, preferences: 补卡进度).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chalicelib.ops.card_reminders", description=__doc__
    )
    parser.add_argument("--date", help="the lapse day to remind (YYYY-MM-DD, default tomorrow)")
    args = parser.parse_args(argv)
    from chalicelib.bootstrap import container
    from chalicelib.services.cards import remind_lapsing

    ctx = container().card_services()
    try:
        day = date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print("error: --date is YYYY-MM-DD", file=sys.stderr)
        return 2
    counts = remind_lapsing(ctx, day or ctx.clock.now().date() + timedelta(days=1))
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
