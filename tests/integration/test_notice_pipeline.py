"""The monthly notice pipeline on the local stack (moto DynamoDB, SQS and SNS over HTTP):
exactly once per person and month, opt-out at send time, quiet hours, crashes, planners."""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace
from datetime import datetime

import pytest

from chalicelib.adapters.clock import CHINA, FixedClock
from tests.integration.notice_regions import (
    answer_receives_at_once,
    gets_monthly_notice,
    notice_region_seed,
)

MONTH = "2026-10"
DAYTIME = datetime(2026, 11, 1, 9, 0, tzinfo=CHINA)


@pytest.fixture
def region(stack, monkeypatch):
    """A fresh table and queue with 24 demo persons: active, suspended and ended
    employees (each with an account) and residents (none)."""
    from chalicelib.bootstrap import container
    from chalicelib.demo import person, seed_region

    tag = uuid.uuid4().hex[:8]
    monkeypatch.setenv("YIBAO_TABLE", f"yibao-notices-{tag}")
    monkeypatch.setenv("YIBAO_STAGE", f"t{tag}")
    monkeypatch.setenv("YIBAO_SMS_PER_SECOND", "1000")
    seed = notice_region_seed(24)
    seed_region(24, seed=seed)
    people = [person(seed, i) for i in range(24)]
    c = container()
    undo = answer_receives_at_once(c.notice_queue._client)
    yield c, people
    undo()


def _ctx(c, clock=DAYTIME, **changes):
    return replace(c.notices(), clock=FixedClock(clock), **changes)


def _sent_to(stack, phones):
    """The monthly notices sent to ``phones`` (moto keeps every SMS of the session: a
    login code another test sent to the same demo phone is not a monthly notice)."""
    return [
        m
        for m in stack.moto.sent_sms()
        if m["to"][-11:] in phones and "个人账户" in m["text"]
    ]


def _run(c, ctx, senders=2):
    from chalicelib.adapters.notice_batch import handle_batch
    from chalicelib.ops.notices import drain
    from chalicelib.services.notices import plan_month

    planned = plan_month(ctx, MONTH, c.settings.notice_regions)
    drain(c.notice_queue, lambda e, _: handle_batch(e, None, ctx, c.notice_queue), senders=senders)
    return planned


def _holders(people):
    return {p.phone for p in people if gets_monthly_notice(p)}


def test_a_month_run_twice_sends_each_account_holder_one_notice(region, stack):
    c, people = region
    ctx = _ctx(c)
    planned = _run(c, ctx)
    phones = _holders(people)
    assert planned >= len(phones) > 0
    sent = _sent_to(stack, {p.phone for p in people})
    assert sorted(m["to"][-11:] for m in sent) == sorted(phones)
    assert all("个人账户10月划入" in m["text"] and m["text"].startswith("【") for m in sent)
    again = _run(c, ctx)
    assert again == planned
    assert len(_sent_to(stack, {p.phone for p in people})) == len(sent)


def test_the_notice_carries_the_ledgers_credit_and_the_balance(region, stack):
    c, people = region
    ctx = _ctx(c)
    _run(c, ctx)
    holder = next(p for p in people if p.scheme == "employee" and p.status == "active")
    from chalicelib.services.auth import person_id_for

    facts = c.notice_store.facts(person_id_for(holder.id_number, c.settings.pepper), MONTH)
    from chalicelib.rules.explain import yuan

    text = stack.last_sms(holder.phone)
    assert f"划入{yuan(facts.credit)}元" in text
    assert f"余额{yuan(facts.balance)}元" in text


def test_five_concurrent_planners_still_send_one_notice_each(region, stack):
    from chalicelib.services.notices import plan_month

    c, people = region
    ctx = _ctx(c)
    planners = [
        threading.Thread(target=plan_month, args=(ctx, MONTH, c.settings.notice_regions))
        for _ in range(5)
    ]
    for t in planners:
        t.start()
    for t in planners:
        t.join()
    from chalicelib.adapters.notice_batch import handle_batch
    from chalicelib.ops.notices import drain

    handled = drain(c.notice_queue, lambda e, _: handle_batch(e, None, ctx, c.notice_queue))
    phones = _holders(people)
    assert handled >= 5 * len(phones)
    sent = _sent_to(stack, {p.phone for p in people})
    assert sorted(m["to"][-11:] for m in sent) == sorted(phones)


def test_a_claim_whose_request_is_sent_again_is_still_its_own(region):
    """botocore sends a request again when its answer is late (a read timeout on a busy
    stack): a claim that had gone through must pass again, or the notice is lost."""
    c, _ = region
    claim = (
        "retried-person", f"M#{MONTH}", "monthly", "monthly", DAYTIME.isoformat(),
        int(DAYTIME.timestamp()), 60,
    )
    assert c.notice_store.claim(*claim, claim_id="first") is not None
    assert c.notice_store.claim(*claim, claim_id="first") is not None  # the same request
    assert c.notice_store.get("retried-person", f"M#{MONTH}").attempts == 1  # one try
    assert c.notice_store.claim(*claim, claim_id="second") is None  # another sender's
    assert c.notice_store.get("retried-person", f"M#{MONTH}").attempts == 1
    c.notice_store.finish("retried-person", f"M#{MONTH}", "sent", sent_at=DAYTIME.isoformat())
    assert c.notice_store.claim(*claim, claim_id="first") is None  # sent: never again


def test_a_claim_botocore_sends_twice_is_one_try_and_one_sms(region, stack):
    """botocore itself sends the claim's request a second time after the first went
    through (as after a read timeout): the notice goes once and counts one try."""
    from chalicelib.adapters.dynamodb.models import NoticeItem
    from chalicelib.services.auth import person_id_for
    from chalicelib.services.notices import deliver

    c, people = region
    holder = next(p for p in people if gets_monthly_notice(p))
    pid = person_id_for(holder.id_number, c.settings.pepper)
    client = NoticeItem._get_connection().connection.client
    sent_again = []

    def once_more(request_dict, attempts, **_):
        if b"claimed_by" in request_dict["body"] and attempts == 1:
            sent_again.append(attempts)
            return 0  # retry at once: the first request went through
        return None

    client.meta.events.register("needs-retry.dynamodb.UpdateItem", once_more)
    try:
        status = deliver(_ctx(c), {"type": "monthly", "person_id": pid, "month": MONTH})
    finally:
        client.meta.events.unregister("needs-retry.dynamodb.UpdateItem", once_more)
    assert sent_again == [1]
    assert status == "sent"
    record = c.notice_store.get(pid, f"M#{MONTH}")
    assert (record.status, record.attempts) == ("sent", 1)
    assert len(_sent_to(stack, {holder.phone})) == 1


class CrashingGateway:
    """A gateway whose process dies (not an error it reports) at the n-th send."""

    def __init__(self, real, crash_at):
        self.real, self.crash_at, self.calls = real, crash_at, 0

    def send(self, phone, text):
        self.calls += 1
        if self.calls == self.crash_at:
            raise SystemExit("the sender's container died")
        return self.real.send(phone, text)


def test_a_sender_that_crashes_mid_batch_resumes_with_no_duplicate_and_no_loss(region, stack):
    from chalicelib.adapters.notice_batch import handle_batch
    from chalicelib.ops.notices import _lambda_event, drain
    from chalicelib.services.notices import plan_month

    c, people = region
    crashing = CrashingGateway(c.sms, crash_at=3)
    ctx = _ctx(c, sms=crashing, lease_seconds=60)
    plan_month(ctx, MONTH, c.settings.notice_regions)
    client, url = c.notice_queue._client, c.notice_queue.url
    batch = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])[
        "Messages"
    ]
    assert len(batch) >= 4
    with pytest.raises(SystemExit):  # the Lambda dies: nothing deleted, nothing reported
        handle_batch(_lambda_event(batch, "arn:aws:sqs:cn-north-1:1:q"), None, ctx, c.notice_queue)
    phones = _holders(people)
    assert len(_sent_to(stack, phones)) == 2  # two went out, the third died in the gateway
    # The batch comes back when its visibility ends (made now), and the dead sender's
    # claim is free once its lease is over (the clock moves past it).
    for m in batch:
        client.change_message_visibility(
            QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0
        )
    later = _ctx(c, clock=DAYTIME.replace(minute=5))
    drain(c.notice_queue, lambda e, _: handle_batch(e, None, later, c.notice_queue), senders=1)
    sent = _sent_to(stack, phones)
    assert sorted(m["to"][-11:] for m in sent) == sorted(phones)


def test_opting_out_between_planning_and_sending_stops_the_message(region, stack):
    from chalicelib.adapters.notice_batch import handle_batch
    from chalicelib.ops.notices import drain
    from chalicelib.services.auth import person_id_for
    from chalicelib.services.notices import plan_month

    c, people = region
    ctx = _ctx(c)
    plan_month(ctx, MONTH, c.settings.notice_regions)
    holder = next(p for p in people if p.scheme == "employee" and p.status == "active")
    pid = person_id_for(holder.id_number, c.settings.pepper)
    c.notice_store.set_turned_off(pid, frozenset({"monthly"}), DAYTIME.isoformat(), "sms")
    drain(c.notice_queue, lambda e, _: handle_batch(e, None, ctx, c.notice_queue))
    assert stack.sms_count(holder.phone) == 0
    record = c.notice_store.get(pid, f"M#{MONTH}")
    assert (record.status, record.reason) == ("skipped", "opted_out")
    # and a second run does not send it either
    _run(c, ctx)
    assert stack.sms_count(holder.phone) == 0


def test_a_phone_changed_since_planning_gets_the_message_at_the_new_number(region, stack):
    from chalicelib.adapters.dynamodb.models import PROFILE_SK, PersonItem, person_pk
    from chalicelib.adapters.notice_batch import handle_batch
    from chalicelib.ops.notices import drain
    from chalicelib.services.auth import person_id_for
    from chalicelib.services.notices import plan_month

    c, people = region
    ctx = _ctx(c)
    plan_month(ctx, MONTH, c.settings.notice_regions)
    holder = next(p for p in people if p.scheme == "employee" and p.status == "active")
    pid = person_id_for(holder.id_number, c.settings.pepper)
    new_phone = "139" + uuid.uuid4().int.__str__()[:8]
    PersonItem(person_pk(pid), PROFILE_SK).update(actions=[PersonItem.phone.set(new_phone)])
    drain(c.notice_queue, lambda e, _: handle_batch(e, None, ctx, c.notice_queue))
    assert stack.sms_count(holder.phone) == 0
    assert stack.sms_count(new_phone) == 1


def test_persons_without_an_account_or_whose_insurance_ended_get_nothing(region, stack):
    c, people = region
    ctx = _ctx(c)
    _run(c, ctx)
    for p in people:
        if not gets_monthly_notice(p):
            assert not _sent_to(stack, {p.phone}), p
    # a suspended employee (暂停参保) keeps the account, and the notice
    suspended = next(p for p in people if p.scheme == "employee" and p.status == "suspended")
    assert len(_sent_to(stack, {suspended.phone})) == 1


class RecordingQueue:
    """The real queue; what the sender asked SQS to wait is noted (to play the hours)."""

    def __init__(self, queue):
        self.queue, self.waits = queue, []

    def wait_longer(self, receipt_handle, seconds):
        self.waits.append((receipt_handle, seconds))
        self.queue.wait_longer(receipt_handle, seconds)


def test_a_notice_due_at_23_goes_at_8_the_next_morning(region, stack):
    from chalicelib.adapters.notice_batch import handle_batch
    from chalicelib.ops.notices import drain
    from chalicelib.services.auth import person_id_for
    from chalicelib.services.notices import plan_month

    c, people = region
    night = _ctx(c, clock=datetime(2026, 11, 1, 23, 0, tzinfo=CHINA))
    plan_month(night, MONTH, c.settings.notice_regions)
    queue = RecordingQueue(c.notice_queue)
    drain(c.notice_queue, lambda e, _: handle_batch(e, None, night, queue))
    phones = _holders(people)
    assert _sent_to(stack, phones) == []
    holder = next(p for p in people if p.phone in phones)
    record = c.notice_store.get(person_id_for(holder.id_number, c.settings.pepper), f"M#{MONTH}")
    assert record.status == "waiting"
    # SQS keeps each message invisible for the nine hours until 08:00 …
    assert queue.waits and {seconds for _, seconds in queue.waits} == {9 * 3600}
    # … then they come back (played here: visible now, the clock at 08:00) and go.
    for handle, _ in queue.waits:
        c.notice_queue.wait_longer(handle, 0)
    morning = _ctx(c, clock=datetime(2026, 11, 2, 8, 0, tzinfo=CHINA))
    drain(c.notice_queue, lambda e, _: handle_batch(e, None, morning, c.notice_queue))
    assert sorted(m["to"][-11:] for m in _sent_to(stack, phones)) == sorted(phones)


def test_event_notices_at_23_wait_for_8_but_a_card_loss_goes_at_once(region, stack):
    from datetime import date

    from chalicelib.adapters.notice_batch import handle_batch
    from chalicelib.ops.notices import drain
    from chalicelib.services.auth import person_id_for
    from chalicelib.services.notices import notify

    c, people = region
    holder = next(p for p in people if p.status == "active")
    person = c.persons.get_person(person_id_for(holder.id_number, c.settings.pepper))
    night = _ctx(c, clock=datetime(2026, 11, 1, 23, 0, tzinfo=CHINA))
    assert notify(night, person, "filing_lapsing", {"city": "北京市", "day": date(2026, 11, 15)})
    assert stack.sms_count(holder.phone) == 0
    loss = {"tail": "1234", "time": night.clock.now()}
    assert notify(night, person, "card_formal_loss", loss)
    assert "正式挂失" in stack.last_sms(holder.phone)
    records = c.notice_store.recent(person.person_id, 10)
    waiting = next(r for r in records if r.kind == "filing_lapsing")
    assert waiting.status == "waiting" and waiting.due_at == "2026-11-02T08:00:00+08:00"
    # the sender, still at night, puts it back until 08:00; at 08:00 it goes
    queue = RecordingQueue(c.notice_queue)
    drain(c.notice_queue, lambda e, _: handle_batch(e, None, night, queue))
    assert stack.sms_count(holder.phone) == 1
    for handle, _ in queue.waits:
        c.notice_queue.wait_longer(handle, 0)
    morning = _ctx(c, clock=datetime(2026, 11, 2, 8, 0, tzinfo=CHINA))
    drain(c.notice_queue, lambda e, _: handle_batch(e, None, morning, c.notice_queue))
    assert stack.sms_count(holder.phone) == 2
    assert "备案将于11月15日到期" in stack.last_sms(holder.phone)
    record = c.notice_store.get(person.person_id, waiting.key)
    assert record.status == "sent"


class VirtualWall:
    """The throttle's clock, played: it stands still while any sender is busy and moves to
    the next wake-up only when every sender inside a batch is asleep. A slot taken in a
    second is then sent in that second however slow the machine is, so what the test
    checks is the throttle's counting across senders, not how fast this machine runs
    (on a loaded machine a real sender can be paused between its slot and its send)."""

    def __init__(self, start: float):
        self._now = start
        self._busy = 0  # senders inside a batch
        self._asleep: list[float] = []  # when each sleeping sender wakes
        self._changed = threading.Condition()

    def wall(self):
        with self._changed:
            return self._now

    def sleep(self, seconds):
        with self._changed:
            wake = self._now + seconds
            self._asleep.append(wake)
            self._move_on()
            while self._now < wake:
                self._changed.wait()

    def sender(self, handler):
        def in_a_batch(event, context):
            with self._changed:
                self._busy += 1
            try:
                return handler(event, context)
            finally:
                with self._changed:
                    self._busy -= 1
                    self._move_on()

        return in_a_batch

    def _move_on(self):
        if self._asleep and len(self._asleep) >= self._busy:
            self._now = max(self._now, min(self._asleep))
            self._asleep = [w for w in self._asleep if w > self._now]
            self._changed.notify_all()


class TimedGateway:
    """The real gateway; notes the second (of the throttle's clock) of each send."""

    def __init__(self, real, wall):
        self.real, self.wall, self.seconds = real, wall, []

    def send(self, phone, text):
        self.seconds.append(int(self.wall()))
        return self.real.send(phone, text)


def test_concurrent_senders_keep_to_the_sms_quota_together(region, stack):
    from collections import Counter

    from chalicelib.adapters.notice_batch import handle_batch
    from chalicelib.ops.notices import drain
    from chalicelib.services.notices import SendSlots, plan_month

    c, people = region
    clock = VirtualWall(start=1_900_000_000.0)
    gateway = TimedGateway(c.sms, clock.wall)
    base = _ctx(c, sms=gateway, per_second=3, wall=clock.wall, sleep=clock.sleep)
    plan_month(base, MONTH, c.settings.notice_regions)

    def each_sender_its_own_slots(event, _):  # three Lambdas share only the counter
        return handle_batch(event, None, replace(base, slots=SendSlots()), c.notice_queue)

    drain(c.notice_queue, clock.sender(each_sender_its_own_slots), senders=3)
    phones = _holders(people)
    assert len(gateway.seconds) == len(phones) >= 4
    assert max(Counter(gateway.seconds).values()) <= 3


class RefusingGateway:
    """A gateway that refuses every SMS (the provider is down)."""

    def send(self, phone, text):
        raise ConnectionError("provider unavailable")


def test_failed_sends_back_off_then_reach_the_dead_letter_queue_and_replay_sends_them(
    region, stack
):
    from chalicelib.adapters.notice_batch import backoff, handle_batch
    from chalicelib.ops.notices import drain
    from chalicelib.services.auth import person_id_for
    from chalicelib.services.notices import plan_month

    c, people = region
    down = _ctx(c, sms=RefusingGateway())
    planned = plan_month(down, MONTH, c.settings.notice_regions)
    phones = _holders(people)
    for attempt in range(1, 6):  # the queue's max_receives
        queue = RecordingQueue(c.notice_queue)
        drain(c.notice_queue, lambda e, _, q=queue: handle_batch(e, None, down, q))
        assert {s for _, s in queue.waits} == {backoff(attempt)}
        for handle, _ in queue.waits:  # play the backoff's wait
            c.notice_queue.wait_longer(handle, 0)
    holder = next(p for p in people if p.phone in phones)
    record = c.notice_store.get(person_id_for(holder.id_number, c.settings.pepper), f"M#{MONTH}")
    assert (record.status, record.reason, record.attempts) == ("failed", "gateway_error", 5)
    assert backoff(1) == 30 and backoff(2) == 60 and backoff(10) == 900
    # the sixth receive moves them to the dead-letter queue; the operator replays them
    drain(c.notice_queue, lambda e, _: handle_batch(e, None, down, c.notice_queue))
    assert _sent_to(stack, phones) == []
    moved = c.notice_queue.replay_dead_letters()
    ended = [p for p in people if p.scheme == "employee" and p.status == "ended"]
    assert moved == len(phones) == planned - len(ended)  # the ended were skipped, not failed
    drain(c.notice_queue, lambda e, _: handle_batch(e, None, _ctx(c), c.notice_queue))
    assert sorted(m["to"][-11:] for m in _sent_to(stack, phones)) == sorted(phones)
