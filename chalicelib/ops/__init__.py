"""Operator commands and scheduled jobs (run by an operator or a schedule, not a citizen)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from datetime import date


def day_job(
    argv: list[str] | None,
    prog: str,
    description: str | None,
    date_help: str,
    job: Callable[[date | None], Mapping[str, int]],
) -> int:
    """The shape every daily job's command shares: ``--date YYYY-MM-DD`` (``None`` when
    not given: the job chooses its own default day), the job run, its counts printed as
    ``key=value``; exit 2 for a date that is not YYYY-MM-DD."""
    parser = argparse.ArgumentParser(prog=f"python -m {prog}", description=description)
    parser.add_argument("--date", help=date_help)
    args = parser.parse_args(argv)
    try:
        day = date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print("error: --date is YYYY-MM-DD", file=sys.stderr)
        return 2
    counts = job(day)
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0
