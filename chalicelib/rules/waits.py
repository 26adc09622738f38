"""How long to wait, in words a person reads at a glance.

Under a minute the wait is given in seconds; from a minute on, in whole
minutes rounded up ("493 seconds" is "9 minutes"), so nobody has to divide.
"""

from __future__ import annotations


def wait_words(seconds: int) -> tuple[str, str]:
    """The wait as (English, Chinese) words: "45 seconds"/"45 秒", "9 minutes"/"9 分钟"."""
    seconds = max(1, int(seconds))
    if seconds < 60:
        return (f"{seconds} second{'s' if seconds != 1 else ''}", f"{seconds} 秒")
    minutes = -(-seconds // 60)
    return (f"{minutes} minute{'s' if minutes != 1 else ''}", f"{minutes} 分钟")
