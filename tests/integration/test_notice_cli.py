"""``python -m chalicelib.notices``: the operator's run on the local stack, twice, dry, and
the dead-letter queue replayed."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import pytest

from chalicelib.adapters.clock import CHINA, FixedClock
from tests.integration.notice_regions import (
    answer_receives_at_once,
    gets_monthly_notice,
    notice_region_seed,
)


@pytest.fixture
def region(stack, monkeypatch):
    from chalicelib.bootstrap import container, use_clock
    from chalicelib.demo import person, seed_region

    tag = uuid.uuid4().hex[:8]
    monkeypatch.setenv("YIBAO_TABLE", f"yibao-cli-{tag}")
    monkeypatch.setenv("YIBAO_STAGE", f"c{tag}")
    seed = notice_region_seed(16)
    seed_region(16, seed=seed)
    use_clock(FixedClock(datetime(2026, 11, 1, 9, 30, tzinfo=CHINA)))
    undo = answer_receives_at_once(container().notice_queue._client)
    yield [person(seed, i) for i in range(16)]
    undo()
    use_clock(None)


def _counts(out: str) -> dict[str, int]:
    return {k: int(v) for k, v in (pair.split("=") for pair in out.split())}


def test_the_operator_runs_a_month_twice_and_nothing_goes_twice(region, stack, capsys):
    from chalicelib.ops.notices import main

    holders = {p.phone for p in region if gets_monthly_notice(p)}
    assert main(["run", "--month", "2026-10", "--dry-run", "--quiet"]) == 0
    dry = _counts(capsys.readouterr().out)
    assert dry["planned"] >= len(holders)
    assert sum(stack.sms_count(p) for p in holders) == 0, "a dry run sends nothing"

    assert main(["run", "--month", "2026-10", "--quiet"]) == 0
    first = _counts(capsys.readouterr().out)
    assert first["sent"] == len(holders)
    assert first["sent"] + first.get("skipped", 0) == first["planned"] == dry["planned"]
    assert all(stack.sms_count(p) == 1 for p in holders)

    assert main(["run", "--month", "2026-10", "--quiet"]) == 0
    again = _counts(capsys.readouterr().out)
    assert again == first
    assert all(stack.sms_count(p) == 1 for p in holders)


def test_a_bad_month_is_refused_in_plain_words(region, capsys):
    from chalicelib.ops.notices import main

    assert main(["run", "--month", "2026-13", "--quiet"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_replay_dlq_puts_dead_letters_back_on_the_queue(region, capsys):
    from chalicelib.bootstrap import container
    from chalicelib.ops.notices import main

    queue = container().notice_queue
    client = queue._client
    body = json.dumps({"type": "monthly", "person_id": "pnobody", "month": "2026-10"})
    client.send_message(QueueUrl=queue.dead_letter_url, MessageBody=body)
    assert main(["replay-dlq"]) == 0
    assert capsys.readouterr().out.strip() == "replayed=1"
    got = client.receive_message(QueueUrl=queue.url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in got] == [body]
