"""The replacement cards made (补卡办好), for the demo card office.

``python -m chalicelib.ops.card_replacements [--date YYYY-MM-DD]`` completes each
replacement due on that day (default today): the new card is active and settles, the
old number is void, and the holder gets the 补卡办好 SMS through the notice service
(quiet hours, preferences: 补卡进度). It reads the sparse index ``cards-by-lapse-day``
by key (never the table); running it again changes nothing. In a region with a card
production system, that system's "card made" message would call the same service.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chalicelib.ops.card_replacements", description=__doc__
    )
    parser.add_argument("--date", help="the due day to complete (YYYY-MM-DD, default today)")
    args = parser.parse_args(argv)
    from chalicelib.bootstrap import container
    from chalicelib.services.cards import complete_due_replacements

    ctx = container().card_services()
    try:
        day = date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print("error: --date is YYYY-MM-DD", file=sys.stderr)
        return 2
    counts = complete_due_replacements(ctx, day or ctx.clock.now().date())
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
