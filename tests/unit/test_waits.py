"""Waits in words: seconds under a minute, whole minutes (rounded up) from a minute on."""

from __future__ import annotations

import pytest

from chalicelib.rules.waits import wait_words


@pytest.mark.parametrize(
    ("seconds", "en", "zh"),
    [
        (0, "1 second", "1 秒"),
        (1, "1 second", "1 秒"),
        (45, "45 seconds", "45 秒"),
        (59, "59 seconds", "59 秒"),
        (60, "1 minute", "1 分钟"),
        (61, "2 minutes", "2 分钟"),
        (493, "9 minutes", "9 分钟"),
        (3600, "60 minutes", "60 分钟"),
    ],
)
def test_a_wait_is_in_seconds_under_a_minute_and_in_minutes_rounded_up_after(seconds, en, zh):
    assert wait_words(seconds) == (en, zh)
