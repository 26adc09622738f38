"""临时挂失到期提醒 on the local stack: the day before a temporary loss lapses, once."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from chalicelib.adapters.clock import CHINA, FixedClock


@pytest.fixture
def region(stack, monkeypatch):
    from chalicelib.bootstrap import use_clock
    from chalicelib.demo import person, seed_region

    tag = uuid.uuid4().hex[:8]
    monkeypatch.setenv("YIBAO_TABLE", f"yibao-cards-{tag}")
    monkeypatch.setenv("YIBAO_STAGE", f"k{tag}")
    seed = 30_000 + uuid.uuid4().int % 1_000_000
    seed_region(6, seed=seed)
    clock = FixedClock(datetime(2026, 11, 2, 10, 0, tzinfo=CHINA))
    use_clock(clock)
    yield clock, [p for p in (person(seed, i) for i in range(6)) if p.status == "active"]
    use_clock(None)


def test_the_day_before_a_temporary_loss_lapses_the_person_is_told_once(region, stack, capsys):
    from chalicelib.bootstrap import container
    from chalicelib.ops.card_reminders import main
    from chalicelib.services.auth import person_id_for
    from chalicelib.services.cards import change_card

    clock, people = region
    lost, formal = people[0], people[1]
    c = container()
    for p in (lost, formal):
        pid = person_id_for(p.id_number, c.settings.pepper)
        change_card(c.card_services(), pid, "report_temporary_loss", {})
    change_card(
        c.card_services(),
        person_id_for(formal.id_number, c.settings.pepper),
        "report_formal_loss",
        {},
    )
    before = stack.sms_count(lost.phone)
    clock.advance(days=6)  # the demo policy lapses a temporary loss after 7 days
    assert main([]) == 0
    assert capsys.readouterr().out.split() == ["sent=1", "skipped=0"]
    assert stack.sms_count(lost.phone) == before + 1
    assert "临时挂失将于11月9日到期" in stack.last_sms(lost.phone)
    assert main([]) == 0  # again: nothing new
    assert stack.sms_count(lost.phone) == before + 1
    assert "临时挂失将于" not in stack.last_sms(formal.phone)
