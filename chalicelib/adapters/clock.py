"""The real clock; tests pass their own."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(CHINA)


class FixedClock:
    """A clock that only moves when told (for tests and replays)."""

    def __init__(self, at: datetime) -> None:
        self._at = at

    def now(self) -> datetime:
        return self._at

    def advance(self, **delta: float) -> None:
        self._at = self._at + timedelta(**delta)
