"""A settlement id says where its settlement is stored (a reversal reads it directly)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from chalicelib.adapters.clock import CHINA
from chalicelib.adapters.dynamodb.settlements import located, new_settlement_id

PERSON = "p" + "abcdefghij2345672345"


@pytest.mark.parametrize(
    "zone",
    [CHINA, UTC, timezone(timedelta(hours=-5, minutes=-30)),
     timezone(timedelta(hours=5, minutes=45))],
)
def test_the_id_gives_back_the_person_and_the_sort_key(zone):
    at = datetime(2026, 12, 31, 23, 59, 59, 999_999, tzinfo=zone).isoformat(
        timespec="milliseconds"
    )
    made = new_settlement_id(PERSON, at)
    assert made.startswith("sz") and made.isalnum() and len(made) <= 40
    assert located(made) == (PERSON, f"SETTLEMENT#{at}#{made}")


def test_two_ids_of_one_moment_differ():
    at = datetime(2026, 6, 1, 8, 0, tzinfo=CHINA).isoformat(timespec="milliseconds")
    assert len({new_settlement_id(PERSON, at) for _ in range(50)}) > 40


@pytest.mark.parametrize(
    "older",
    [
        "s" + "0123456789abcdef0123",  # the older form
        "sz12",  # too short
        "szxxxxxxxxxxxxxxxxxxxxx",  # not hex where the time is
        "sz" + "0" * 11 + "ff" + "0000" + "abc",  # no such UTC offset
    ],
)
def test_an_id_of_the_older_form_or_made_up_says_nothing(older):
    assert located(older) is None
