"""The SMS throttle's own logic (SendSlots), with a counter in memory and a clock the test
moves: slots are never used outside the second they were counted in."""

from __future__ import annotations

from types import SimpleNamespace

from chalicelib.services.notices import SendSlots


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def wall(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class Counter:
    """The shared per-second counter; ``slow`` moves the clock by that much per write."""

    def __init__(self, clock: Clock, slow: float = 0.0) -> None:
        self.clock, self.slow, self.hits = clock, slow, {}

    def take_send_slots(self, second: int, per_second: int, wanted: int) -> bool:
        self.clock.now += self.slow
        if self.hits.get(second, 0) + wanted > per_second:
            return False
        self.hits[second] = self.hits.get(second, 0) + wanted
        return True


def _ctx(clock: Clock, counter: Counter, per_second: int):
    return SimpleNamespace(store=counter, per_second=per_second, wall=clock.wall,
                           sleep=clock.sleep)


def _sends(slots: SendSlots, ctx, clock: Clock, n: int) -> list[int]:
    seconds = []
    for _ in range(n):
        slots.take(ctx)
        seconds.append(int(clock.now))
    return seconds


def test_a_sender_keeps_to_the_quota_in_every_second():
    clock = Clock(1000.0)
    ctx = _ctx(clock, Counter(clock), per_second=3)
    seconds = _sends(SendSlots(), ctx, clock, 10)
    assert seconds == [1000] * 3 + [1001] * 3 + [1002] * 3 + [1003]


def test_slots_counted_by_a_write_that_outlasted_its_second_are_not_used():
    clock = Clock(1000.7)
    counter = Counter(clock, slow=0.4)  # each write takes 0.4 s: the first ends in 1001
    seconds = _sends(SendSlots(), _ctx(clock, counter, per_second=3), clock, 4)
    per_second = {s: seconds.count(s) for s in seconds}
    assert max(per_second.values()) <= 3
    assert 1000 not in seconds  # the slots of second 1000 came back too late to use
    assert counter.hits[1000] == 3


def test_two_senders_share_one_counter():
    clock = Clock(5000.0)
    counter = Counter(clock)
    a, b = SendSlots(), SendSlots()
    ctx = _ctx(clock, counter, per_second=4)
    seconds = []
    for _ in range(6):
        for slots in (a, b):
            slots.take(ctx)
            seconds.append(int(clock.now))
    assert max(seconds.count(s) for s in set(seconds)) <= 4
    assert len(seconds) == 12
