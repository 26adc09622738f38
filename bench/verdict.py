"""One way to print a budget: the figure, its median and spread, and ``holds`` / ``falls short``.

Every budget of ``make bench`` goes through :class:`Budgets`, so the run ends with a
line counting those that fall short (and ``make bench`` exits non-zero when any does).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field


def spread(samples: Sequence[float]) -> tuple[float, float, float]:
    """Median and interquartile range (first and third quartile) of ``samples``."""
    if len(samples) < 2:
        value = float(samples[0])
        return value, value, value
    q1, _, q3 = statistics.quantiles(samples, n=4, method="inclusive")
    return statistics.median(samples), q1, q3


@dataclass
class Budgets:
    """The budgets checked in one run, in the order they were printed."""

    verdicts: list[tuple[str, bool]] = field(default_factory=list)

    def ratio(self, name: str, samples: Sequence[float], budget: float) -> bool:
        """A ratio measured ``len(samples)`` times: median [q1–q3] against ``≤ budget``."""
        median, q1, q3 = spread(samples)
        holds = median <= budget
        print(
            f"  {name}: ratio {median:.2f} [{q1:.2f}–{q3:.2f}] "
            f"(budget ≤ {budget:g}: {_word(holds)})"
        )
        self.verdicts.append((name, holds))
        return holds

    def between(self, name: str, value: float, low: float, high: float) -> bool:
        """A ratio of two figures measured in one run that must lie in ``[low, high]``."""
        holds = low <= value <= high
        print(f"  {name}: ratio {value:.3f} (budget {low:g}–{high:g}: {_word(holds)})")
        self.verdicts.append((name, holds))
        return holds

    def count(self, name: str, value: float, budget: float, unit: str = "") -> bool:
        """A figure that does not vary between runs (requests, bytes): ``value ≤ budget``."""
        holds = value <= budget
        shown = f"{value:g}{unit}"
        print(f"  {name:<34} {shown:>8}  (budget ≤ {budget:g}{unit}: {_word(holds)})")
        self.verdicts.append((name, holds))
        return holds

    def summary(self) -> int:
        """Print the closing line; the number of budgets that fall short."""
        short = [name for name, holds in self.verdicts if not holds]
        print(f"{len(self.verdicts)} budgets: {len(short)} fall short")
        for name in short:
            print(f"  falls short: {name}")
        return len(short)


def _word(holds: bool) -> str:
    return "holds" if holds else "falls short"
