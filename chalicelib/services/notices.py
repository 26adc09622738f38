"""SMS notices (短信通知): every message a person gets goes through here.

- :func:`notify` is an event notice (a login code, a card loss confirmed, a filing
  accepted…): urgent ones go at once; the others go at once between 08:00 and 21:00
  and otherwise wait for 08:00 on the queue. Each leaves a record (我的短信).
- :func:`plan_month` streams the month's account holders from the sparse index onto the
  queue; :func:`deliver` is what the sender does with one queued message: claim the
  record (the conditional write that makes it once), read the person fresh (phone,
  opt-out, status), send within the SMS quota, write the outcome.
- :func:`receive_inbound` handles an SMS a person sent back (``T`` opts out for good);
  :func:`preferences` / :func:`set_preferences` are the portal's 月度短信 switches.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib import errors
from chalicelib.ports import (
    Clock,
    NoticeQueue,
    NoticeRecord,
    NoticeStore,
    Recipient,
    SmsGateway,
)
from chalicelib.rules import notices as rules
from chalicelib.rules.identity import mask_phone

log = logging.getLogger(__name__)

# Account holders read from the index per request. The planner's memory is what its
# workers hold at once: a page each (parsed answer, then ids); 100 keys a page is what a
# region of 2,000 accounts already fills (16 shards of ~125), so its peak is the peak of
# any larger region (bench: planner memory 20,000 / 2,000 ≤ 1.2). 0.01 Query a notice.
PAGE = 100
QUEUE_BATCH = 10  # messages in one SQS request (SendMessageBatch takes ten)
LIST_LIMIT = 50  # records shown on 我的短信
MAX_WAIT_SECONDS = 12 * 3600  # SQS keeps a message invisible at most this long
INBOUND_KEEP_SECONDS = 3600  # a signature is remembered this long (replays inside it)


class Postponed(Exception):
    """The notice may not go yet (quiet hours): try again in ``seconds``."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"postponed by {seconds}s")
        self.seconds = max(1, min(seconds, MAX_WAIT_SECONDS))


class SendFailed(Exception):
    """The gateway did not take the SMS: the queue retries it with backoff."""


class SendSlots:
    """The slots of the SMS quota this sender holds for the current second: taken from
    the shared counter ten at a time (one write per ten SMS), never kept past it, and never
    used when the counter's write returned after its second had ended (a slow write would
    otherwise send the last second's slots in the next one, over the quota)."""

    CHUNK = 10

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._second = -1
        self._left = 0

    def take(self, ctx: NoticeContext) -> None:
        """Block until this sender may send one SMS within the quota."""
        while True:
            now = ctx.wall()
            second = int(now)
            with self._lock:
                if second != self._second:
                    self._second, self._left = second, 0
                if self._left > 0:
                    self._left -= 1
                    return
                if self._take_from_counter(ctx, second):
                    return
            if int(ctx.wall()) == second:  # this second's quota is used up: wait for the next
                ctx.sleep(max(0.01, 1 - (now % 1)))

    def _take_from_counter(self, ctx: NoticeContext, second: int) -> bool:
        for wanted in sorted({min(self.CHUNK, ctx.per_second), 1}, reverse=True):
            if ctx.store.take_send_slots(second, ctx.per_second, wanted):
                if int(ctx.wall()) != second:  # the write outlasted its second: those
                    return False  # slots are spent, the next second's are taken instead
                self._left = wanted - 1
                return True
        return False


@dataclass(frozen=True)
class NoticeContext:
    store: NoticeStore
    sms: SmsGateway
    clock: Clock
    signature: str
    pepper: str
    per_second: int  # the SMS quota, shared by every concurrent sender
    queue: NoticeQueue | None = None
    lease_seconds: int = 60  # a claim older than this was abandoned by a dead sender
    wall: Callable[[], float] = field(default=time.time)  # the throttle's real time
    sleep: Callable[[float], None] = field(default=time.sleep)
    slots: SendSlots = field(default_factory=SendSlots)


def _masked_text(kind: str, text: str, values: Mapping[str, Any]) -> str:
    """The text as 我的短信 shows it: a code is never stored."""
    code = values.get("code")
    return text.replace(str(code), "******") if code else text


def _new_record(
    person_id: str,
    phone: str | None,
    key: str,
    kind: str,
    now: datetime,
    text: str,
    values: Mapping[str, Any],
) -> NoticeRecord:
    """The record of an event notice about to go (its text as 我的短信 shows it)."""
    return NoticeRecord(
        person_id=person_id,
        key=key,
        kind=kind,
        group=rules.TEMPLATES[kind].group,
        status="sending",
        created_at=now.isoformat(timespec="seconds"),
        phone_masked=mask_phone(phone) if phone else None,
        text=_masked_text(kind, text, values),
    )


def _event_key(now: datetime, kind: str) -> str:
    return f"E#{now.isoformat(timespec='seconds')}#{kind}#{secrets.token_hex(4)}"


def notify(
    ctx: NoticeContext,
    person: Recipient,
    kind: str,
    values: Mapping[str, Any],
    *,
    once: str | None = None,
) -> bool:
    """Send (or schedule) one event notice to ``person``; False only when the gateway
    failed (a notice skipped by the person's preferences or waiting for 08:00 is done:
    its record says which). With ``once``, a notice of that key is made at most once
    (a job run twice); a second call does nothing and answers False."""
    template = rules.TEMPLATES[kind]
    text = rules.render(kind, ctx.signature, values)
    now = ctx.clock.now()
    epoch = int(now.timestamp())
    key = f"E#once#{once}" if once else _event_key(now, kind)
    record = _new_record(person.person_id, person.phone, key, kind, now, text, values)
    if template.urgent:
        return _send_urgent(ctx, person, record, text, epoch)
    turned_off, _ = ctx.store.turned_off(person.person_id)
    reason = rules.skip_reason(person.status, person.phone, template.group, turned_off, True)
    if reason is not None:
        if not ctx.store.add(_with(record, status="skipped", reason=reason), epoch):
            return False
        log.info("notice skipped", extra={"kind": kind, "reason": reason})
        return True
    due = rules.due_at(now, not template.waits_out_the_night)
    if due > now and ctx.queue is not None:
        waiting = _with(record, status="waiting", due_at=due.isoformat(timespec="seconds"))
        if not ctx.store.add(waiting, epoch):
            return False
        # the sender puts it back until 08:00 (SQS keeps it invisible up to 12 hours)
        ctx.queue.put([{"type": "event", "person_id": person.person_id, "key": key, "kind": kind}])
        log.info("notice waits for the morning", extra={"kind": kind})
        return True
    if not ctx.store.add(_with(record, status="sending"), epoch):
        return False  # made once already
    try:
        message_id = ctx.sms.send(person.phone, text)
    except Exception:
        log.exception("notice failed", extra={"kind": kind, "person_id": person.person_id})
        ctx.store.finish(person.person_id, key, "failed", reason="gateway_error")
        return False
    ctx.store.finish(person.person_id, key, "sent", sent_at=_iso(ctx), message_id=message_id)
    return True


def _send_urgent(
    ctx: NoticeContext, person: Recipient, record: NoticeRecord, text: str, epoch: int
) -> bool:
    """Codes and security notices: at once, never turned off, never throttled by the
    monthly quota. The record is written after the send (a lost record must not stop
    a login code)."""
    message_id = ctx.sms.send(person.phone, text)
    try:
        ctx.store.add(_with(record, status="sent", sent_at=_iso(ctx)), epoch)
    except Exception:
        log.exception("notice record not written", extra={"kind": record.kind})
    log.info("urgent notice sent", extra={"kind": record.kind, "message_id": message_id})
    return True


DECOY_KEEP_SECONDS = 3600  # a decoy's record is of no use to anyone: TTL removes it soon


def decoy(
    ctx: NoticeContext, decoy_id: str, phone: str, kind: str, values: Mapping[str, Any]
) -> None:
    """The work of an urgent notice (:func:`notify`) for nobody: the text rendered, the
    same SNS request (to a topic without subscribers, :meth:`SmsGateway.decoy`) and a
    record of the same kind written under ``decoy_id``, a person id no person has. A
    login request whose ID number and phone do not match does this, so that its answer
    takes as long as one that sends the code (issue 15 item 2: no timing oracle)."""
    text = rules.render(kind, ctx.signature, values)
    now = ctx.clock.now()
    record = _new_record(decoy_id, phone, _event_key(now, kind), kind, now, text, values)
    try:
        ctx.sms.decoy(text)
    except Exception:  # a decoy that fails (e.g. a policy refusing the topic) must not
        log.exception("decoy not published", extra={"kind": kind})  # make the answer a 500
    try:
        ctx.store.add(
            _with(record, status="sent", sent_at=_iso(ctx)),
            int(now.timestamp()),
            keep_seconds=DECOY_KEEP_SECONDS,
        )
    except Exception:  # as _send_urgent: the answer does not depend on the record
        log.exception("notice record not written", extra={"kind": kind})


def _with(record: NoticeRecord, **changes: Any) -> NoticeRecord:
    from dataclasses import replace

    return replace(record, **changes)


def _iso(ctx: NoticeContext) -> str:
    return ctx.clock.now().isoformat(timespec="seconds")


# the monthly run


def plan_month(
    ctx: NoticeContext,
    month: str,
    regions: tuple[str, ...],
    *,
    dry_run: bool = False,
    workers: int = 4,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Put one message per account holder of ``month`` on the queue; returns how many.

    The shards are read in parallel, a page at a time: memory stays flat however many
    accounts there are. Planning twice (or five planners at once) is safe: the sender's
    claim makes each notice once."""
    if ctx.queue is None and not dry_run:
        raise RuntimeError("no notice queue configured")
    shards = [(r, s) for r in regions for s in range(ctx.store.shards)]

    def plan_shard(region_shard: tuple[str, int]) -> int:
        region, shard = region_shard
        planned = 0
        for ids in ctx.store.account_holders(region, shard, PAGE):
            if not dry_run and ctx.queue is not None:
                for start in range(0, len(ids), QUEUE_BATCH):  # one SQS request's worth
                    ctx.queue.put(
                        [
                            {"type": "monthly", "person_id": pid, "month": month}
                            for pid in ids[start : start + QUEUE_BATCH]
                        ]
                    )
            planned += len(ids)
            if progress is not None:
                progress(len(ids))
        return planned

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        total = sum(pool.map(plan_shard, shards))
    log.info("month planned", extra={"month": month, "planned": total, "dry_run": dry_run})
    return total


def deliver(ctx: NoticeContext, message: Mapping[str, Any]) -> str:
    """Do what one queued message asks; returns the record's status afterwards, or
    ``done`` when another sender already did it. Raises :class:`Postponed` in quiet hours
    and :class:`SendFailed` when the gateway refuses (the queue retries both)."""
    person_id = str(message["person_id"])
    monthly = message.get("type") == "monthly"
    if monthly:
        month = str(message["month"])
        key, kind = f"M#{month}", "monthly"
    else:
        key, kind = str(message["key"]), str(message["kind"])
    template = rules.TEMPLATES[kind]
    now = ctx.clock.now()
    epoch = int(now.timestamp())
    record = ctx.store.claim(
        person_id,
        key,
        kind,
        template.group,
        now.isoformat(timespec="seconds"),
        epoch,
        ctx.lease_seconds,
    )
    if record is None:
        return "done"
    due = rules.due_at(now, not template.waits_out_the_night)
    if due > now:
        ctx.store.finish(person_id, key, "waiting", due_at=due.isoformat(timespec="seconds"))
        raise Postponed(int((due - now).total_seconds()))
    facts = ctx.store.facts(person_id, month if monthly else None)
    person = facts.person
    if person is None:
        ctx.store.finish(person_id, key, "skipped", reason="no_account")
        return "skipped"
    reason = rules.skip_reason(
        person.status, person.phone, template.group, facts.turned_off, facts.balance is not None
    )
    if reason is not None:
        ctx.store.finish(person_id, key, "skipped", reason=reason)
        return "skipped"
    if monthly:
        values = {"month": int(month[5:]), "credit": facts.credit, "balance": facts.balance}
        text = rules.render("monthly", ctx.signature, values)
    elif record.text:
        text = record.text
    else:
        ctx.store.finish(person_id, key, "skipped", reason="no_text")
        return "skipped"
    ctx.slots.take(ctx)
    try:
        message_id = ctx.sms.send(person.phone, text)
    except Exception as exc:
        log.warning("notice send failed", extra={"kind": kind, "error": type(exc).__name__})
        ctx.store.finish(person_id, key, "failed", reason="gateway_error")
        raise SendFailed(kind) from exc
    ctx.store.finish(
        person_id,
        key,
        "sent",
        sent_at=_iso(ctx),
        phone_masked=mask_phone(person.phone),
        text=text,
        message_id=message_id,
    )
    return "sent"


# what a person sees and sets


def history(ctx: NoticeContext, person_id: str) -> dict[str, Any]:
    """我的短信：what was sent (or not) to the person, newest first, phones masked."""
    records = ctx.store.recent(person_id, LIST_LIMIT)
    return {
        "messages": [
            {
                "kind": r.kind,
                "group": r.group,
                "group_label": _label(rules.GROUPS, r.group),
                "status": r.status,
                "status_label": _label(rules.STATUS_LABELS, r.status),
                "reason": r.reason,
                "reason_label": _label(rules.SKIP_REASONS, r.reason) if r.reason else None,
                "created_at": r.created_at,
                "sent_at": r.sent_at,
                "due_at": r.due_at,
                "to": r.phone_masked,
                "text": r.text,
            }
            for r in records
        ]
    }


def _label(labels: Mapping[str, tuple[str, str]], key: str) -> dict[str, str]:
    zh, en = labels.get(key, (key, key))
    return {"zh": zh, "en": en}


def preferences(ctx: NoticeContext, person_id: str) -> dict[str, Any]:
    """月度短信 and the event groups: on or off, and which cannot be turned off."""
    turned_off, changed_at = ctx.store.turned_off(person_id)
    return {
        "groups": [
            {
                "group": g,
                "label": _label(rules.GROUPS, g),
                "on": g not in turned_off,
                "locked": g not in rules.OPTIONAL_GROUPS,
            }
            for g in (*rules.OPTIONAL_GROUPS, "security")
        ],
        "changed_at": changed_at,
    }


def set_preferences(
    ctx: NoticeContext, person_id: str, wanted: Mapping[str, bool]
) -> dict[str, Any]:
    """Turn groups on or off (a group not named keeps its setting); security stays on."""
    locked = [g for g, on in wanted.items() if g not in rules.OPTIONAL_GROUPS and not on]
    if locked:
        raise errors.field_error(
            f"groups.{locked[0]}",
            "locked",
            "Login codes and security notices cannot be turned off.",
            "验证码和安全提醒不能关闭，这是为了保护您的账户。",
        )
    turned_off, _ = ctx.store.turned_off(person_id)
    changed = set(turned_off)
    for group, on in wanted.items():
        if group in rules.OPTIONAL_GROUPS:
            (changed.discard if on else changed.add)(group)
    ctx.store.set_turned_off(person_id, frozenset(changed), _iso(ctx), "portal")
    log.info("notice preferences changed", extra={"person_id": person_id})
    return preferences(ctx, person_id)


def receive_inbound(ctx: NoticeContext, phone: str, text: str, seen_as: str) -> str:
    """An SMS a person sent to us: ``T``/``TD``/``R``/``退订``/``STOP`` from the registered
    number turns the monthly notice off for every person on that number, at once and until
    they turn it on in the portal. Returns ``opted_out``, ``ignored`` or ``duplicate``."""
    epoch = int(ctx.clock.now().timestamp())
    if not ctx.store.first_delivery(seen_as, epoch, INBOUND_KEEP_SECONDS):
        return "duplicate"
    if not rules.is_opt_out(text):
        return "ignored"
    from chalicelib.services.auth import phone_key

    persons = ctx.store.persons_with_phone(phone_key(ctx.pepper, phone))
    for person_id in persons:
        turned_off, _ = ctx.store.turned_off(person_id)
        ctx.store.set_turned_off(person_id, turned_off | {"monthly"}, _iso(ctx), "sms")
    log.info("inbound opt-out", extra={"persons": len(persons)})
    return "opted_out" if persons else "ignored"
