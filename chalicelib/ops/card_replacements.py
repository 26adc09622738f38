"""The replacement cards made (补卡办好), for the demo card office.

``python -m chalicelib.ops.card_replacements [--date YYYY-MM-DD]`` completes each
replacement due on that day (default today): the new card is active and settles, the
old number is void, and the holder gets the 补卡办好 SMS through the notice service
(quiet hours, preferences: 补卡进度). It reads the sparse index ``cards-by-lapse-day``
by key (never the table); running it again changes nothing. In a region with a card
production system, that system's "card made" message would call the same service.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from chalicelib.ops import day_job


def main(argv: list[str] | None = None) -> int:
    from chalicelib.bootstrap import container
    from chalicelib.services.cards import complete_due_replacements

    def complete(day: date | None) -> Mapping[str, int]:
        ctx = container().card_services()
        return complete_due_replacements(ctx, day or ctx.clock.now().date())

    return day_job(
        argv, "chalicelib.ops.card_replacements", __doc__,
        "the due day to complete (YYYY-MM-DD, default today)", complete,
    )


if __name__ == "__main__":
    raise SystemExit(main())
