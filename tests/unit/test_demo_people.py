"""The demo region's people are valid, varied, deterministic, and made one at a time."""

from __future__ import annotations

import tracemalloc
from collections import Counter
from datetime import date

from chalicelib.demo import person, persons
from chalicelib.rules.identity import parse_id_number, parse_mobile

TODAY = date(2026, 11, 25)


def test_every_demo_person_has_a_valid_id_number_and_mobile():
    people = list(persons(990101, 2000))
    for p in people:
        parsed = parse_id_number(p.id_number, TODAY)
        assert parsed.birth_date == p.birth_date and parsed.sex == p.sex
        assert parse_mobile(p.phone) == p.phone
    assert len({p.id_number for p in people}) == len(people)
    assert len({p.card_number for p in people}) == len(people)


def test_the_demo_covers_both_schemes_retirees_and_every_group():
    people = list(persons(990101, 2000))
    schemes = Counter(p.scheme for p in people)
    groups = Counter(g for p in people for g in p.groups)
    assert schemes["employee"] > 300 and schemes["resident"] > 1000
    assert any(p.retired for p in people) and any(p.employer for p in people)
    assert all(groups[g] > 10 for g in ("tekun", "dibao", "low_income", "poverty_exited"))
    assert all(2014 <= p.poverty_exit_year <= 2020 for p in people if "poverty_exited" in p.groups)
    assert any(p.chronic for p in people)
    assert {p.id_number[:6] for p in people} >= {"530302", "320922", "421221"}


def test_the_same_seed_gives_the_same_people():
    assert list(persons(1, 50)) == list(persons(1, 50))
    assert list(persons(1, 50)) != list(persons(2, 50))


def test_making_people_takes_flat_memory():
    def peak(count: int) -> int:
        tracemalloc.start()
        for _ in persons(990101, count):
            pass
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    assert peak(20_000) < 2 * peak(2_000) + 200_000


def test_a_persons_tier_is_what_the_whole_ledger_gives():
    from chalicelib.demo_history import ledger_tier_pct, ledgers

    seen = set()
    for i in range(600):
        p = person(990101, i)
        if p.base_pct is None:
            assert p.tier_pct is None
            continue
        assert p.tier_pct == ledger_tier_pct(ledgers(p, 990101, i)), i
        seen.add(p.tier_pct == p.base_pct)
    assert seen == {True, False}  # most pay on their base; a month in arrears lowers it
