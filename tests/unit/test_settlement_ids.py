"""A settlement id says where its settlement is stored (a reversal reads it directly)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from chalicelib.adapters.clock import CHINA
from chalicelib.adapters.dynamodb.settlements import located, new_settlement_id

PERSON = "p" + "abcdefghij2345672345"
KEY = "the pepper of the test"


@pytest.mark.parametrize(
    "zone",
    [CHINA, UTC, timezone(timedelta(hours=-5, minutes=-30)),
     timezone(timedelta(hours=5, minutes=45))],
)
def test_the_id_gives_back_the_person_and_the_sort_key(zone):
    at = datetime(2026, 12, 31, 23, 59, 59, 999_999, tzinfo=zone).isoformat(
        timespec="milliseconds"
    )
    made = new_settlement_id(PERSON, at, KEY)
    assert made.startswith("sz") and made.isalnum() and len(made) <= 40
    assert located(made, KEY) == (PERSON, f"SETTLEMENT#{at}#{made}")


def test_two_ids_of_one_moment_differ():
    at = datetime(2026, 6, 1, 8, 0, tzinfo=CHINA).isoformat(timespec="milliseconds")
    assert len({new_settlement_id(PERSON, at, KEY) for _ in range(50)}) > 40


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
    assert located(older, KEY) is None


def test_the_id_does_not_show_the_person_id():
    """Apps see settlement ids (ExplanationOfBenefit.id): an id that carried the internal
    person id would let two apps match their users (issue 11, pairwise subjects)."""
    at = datetime(2026, 6, 1, 8, 0, tzinfo=CHINA).isoformat(timespec="milliseconds")
    made = [new_settlement_id(PERSON, at, KEY) for _ in range(20)]
    assert all(PERSON[1:] not in m for m in made)
    tails = {m[19:] for m in made}
    assert len(tails) > 15  # the same person's ids share no tail an app could match on


def test_an_altered_or_foreign_id_points_nowhere_the_person_is():
    at = datetime(2026, 6, 1, 8, 0, tzinfo=CHINA).isoformat(timespec="milliseconds")
    made = new_settlement_id(PERSON, at, KEY)
    assert located(made, "another stage's pepper")[0] != PERSON
    altered = made[:-1] + ("a" if made[-1] != "a" else "b")
    assert located(altered, KEY)[0] != PERSON
