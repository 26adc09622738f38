"""Card services (医保卡挂失、解挂、补卡、住院无卡证明) for the card holder.

Each transition reads the card, applies the pure rules in ``rules/card.py``,
and writes the new state, an audit event and (with an ``Idempotency-Key``) the
answer in one conditional transaction; the card holder then gets an SMS. Two
transitions racing on one card: one wins, the other is re-read and refused.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.errors import CardTransitionRefused, Conflict, NotFound
from chalicelib.ports import (
    CardEvent,
    CardRecord,
    CardRepository,
    Certificate,
    Clock,
    DuplicateRequest,
    StaleCard,
    StoredAnswer,
)
from chalicelib.rules import card as rules
from chalicelib.rules.identity import mask_name
from chalicelib.services.idempotency import fingerprint, replay
from chalicelib.services.profile import CARD_STATUSES, label, mask_card_number

log = logging.getLogger(__name__)

CERTIFICATE_VALID_DAYS = 30  # demo: a no-card certificate covers one admission period
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L

OUTLETS = {
    "990101-01": (
        "示范县政务服务中心医保窗口",
        "Demo County government service centre, insurance window",
    ),
    "990101-02": ("示范县人民医院医保服务站", "Demo County People's Hospital insurance desk"),
    "990101-03": ("城东街道便民服务中心", "Chengdong sub-district service centre"),
}

ACTIONS = {
    "report_temporary_loss": ("临时挂失", "temporary loss reported"),
    "report_formal_loss": ("正式挂失", "formal loss reported"),
    "unfreeze": ("解挂", "unfrozen"),
    "request_replacement": ("申请补卡", "replacement requested"),
    "complete_replacement": ("补卡办好", "replacement ready"),
}

CHANNELS = {
    "self_service": ("网上自助", "online self-service"),
    "card_office": ("医保经办机构", "the insurance office"),
}
REPLACEMENT_PREFIX = "D98"  # the demo card office numbers its new cards D98 + nine digits


def _notify(*args: Any, **kwargs: Any) -> Any:
    """services.notices.notify, imported on first use: it brings the notice rules (and the
    policy model with them), which no card read needs on a cold start."""
    from chalicelib.services.notices import notify

    return notify(*args, **kwargs)


@dataclass(frozen=True)
class CardContext:
    cards: CardRepository
    notices: Any  # chalicelib.services.notices.NoticeContext
    clock: Clock
    policy_for: Any  # (region, date) -> rules.CardPolicy


def card_policy_in_force(region: str, day: Any) -> rules.CardPolicy:
    """The card numbers of the region's policy version in force on ``day``."""
    from chalicelib.rules.policy import policy_in_force

    policy = policy_in_force(region, day)
    return rules.CardPolicy(
        temporary_loss_lapse_days=policy.card.temporary_loss_lapse_days.days,
        replacement_due_days=policy.card.replacement_due_days.days,
    )


def _load(ctx: CardContext, person_id: str) -> CardRecord:
    record = ctx.cards.load(person_id)
    if record is None:
        raise NotFound(
            "No card is registered for this sign-in.",
            "没有找到您的医保卡信息，请联系当地医保经办机构。",
        )
    return record


def _view(
    record: CardRecord, card: rules.Card, now: datetime, policy: rules.CardPolicy
) -> dict[str, Any]:
    shown = rules.effective(card, now, policy)
    lapses = rules.lapses_at(shown, policy)
    return {
        "number_masked": mask_card_number(shown.number),
        "status": shown.status,
        "status_label": label(CARD_STATUSES, shown.status),
        "status_since": shown.since.isoformat() if shown.since else None,
        "temporary_loss_ends_at": lapses.isoformat() if lapses else None,
        "replacement_due": shown.replacement_due.isoformat() if shown.replacement_due else None,
        "pickup": shown.pickup,
        "usable_for_settlement": rules.settlement_refusal(shown, now, policy) is None,
        "next_steps": [
            {"action": s.action, "zh": s.text_zh, "en": s.text_en}
            for s in rules.next_steps(shown, now, policy)
        ],
        "history": [
            {
                "at": e.at,
                "action": e.action,
                "action_label": label(ACTIONS, e.action),
                "before": e.before,
                "after": e.after,
                "channel": e.channel,
                "channel_label": label(CHANNELS, e.channel),
            }
            for e in sorted(record.events, key=lambda e: e.at, reverse=True)
        ],
        "outlets": [{"id": key, "zh": zh, "en": en} for key, (zh, en) in sorted(OUTLETS.items())],
    }


def card_status(ctx: CardContext, person_id: str) -> dict[str, Any]:
    now = ctx.clock.now()
    record = _load(ctx, person_id)
    policy = ctx.policy_for(record.person.region, now.date())
    return _view(record, record.card, now, policy)


def earlier_answer(
    ctx: CardContext, person_id: str, key: str | None, action: str, params: dict[str, Any]
) -> dict[str, Any] | None:
    """The first answer to ``key``, if this request was already carried out."""
    if not key:
        return None
    earlier = ctx.cards.find_answer(person_id, key)
    return None if earlier is None else replay(earlier, fingerprint({"action": action, **params}))


def change_card(
    ctx: CardContext,
    person_id: str,
    action: str,
    params: dict[str, Any],
    *,
    channel: str = "self_service",
    idempotency_key: str | None = None,
    request_id: str | None = None,
    actor: str | None = None,
) -> dict[str, Any]:
    """Apply one transition; the same ``idempotency_key`` again returns the first answer.
    ``actor`` is who did it (the card holder unless said otherwise)."""
    digest = fingerprint({"action": action, **params})
    earlier = earlier_answer(ctx, person_id, idempotency_key, action, params)
    if earlier is not None:
        return earlier
    for _ in range(3):
        now = ctx.clock.now()
        record = _load(ctx, person_id)
        policy = ctx.policy_for(record.person.region, now.date())
        before = rules.effective(record.card, now, policy)
        try:
            after = _apply(before, action, params, now, policy)
        except rules.CardRefused as refused:
            # A retry whose first attempt won meanwhile (card and answer are written together).
            replayed = earlier_answer(ctx, person_id, idempotency_key, action, params)
            if replayed is not None:
                return replayed
            raise CardTransitionRefused(refused.text_en, refused.text_zh, refused.code) from None
        event = CardEvent(
            at=now.isoformat(timespec="microseconds"),
            action=action,
            before=before.status,
            after=after.status,
            channel=channel,
            actor=actor or person_id,
            request_id=request_id,
        )
        answer_body = _view(record, after, now, policy)
        answer_body["history"].insert(0, _view_event(event))
        stored = StoredAnswer(digest, 200, json.dumps(answer_body, ensure_ascii=False))
        try:
            ctx.cards.save_transition(
                record,
                after,
                event,
                (idempotency_key, stored) if idempotency_key else None,
                mail_address=params.get("address"),
                outlet_id=params.get("outlet_id"),
                lapses_on=_due_day(after, policy),
            )
        except StaleCard:
            continue  # someone else changed the card: read it again and decide again
        except DuplicateRequest:  # the same key raced us and won: give its answer
            replayed = earlier_answer(ctx, person_id, idempotency_key, action, params)
            if replayed is None:
                raise
            return replayed
        log.info(
            "card changed",
            extra={
                "person_id": person_id,
                "action": action,
                "before": before.status,
                "after": after.status,
            },
        )
        _confirm_by_sms(ctx, record, action, after, now, policy)
        return answer_body
    raise Conflict(
        "The card is being changed by another request; please try again.",
        "您的卡正在办理其他业务，请稍后再试。",
    )


def _view_event(event: CardEvent) -> dict[str, Any]:
    return {
        "at": event.at,
        "action": event.action,
        "action_label": label(ACTIONS, event.action),
        "before": event.before,
        "after": event.after,
        "channel": event.channel,
        "channel_label": label(CHANNELS, event.channel),
    }


def _apply(
    card: rules.Card, action: str, params: dict[str, Any], now: datetime, policy: rules.CardPolicy
) -> rules.Card:
    if action == "report_temporary_loss":
        return rules.report_loss(card, "temporary", now, policy)
    if action == "report_formal_loss":
        return rules.report_loss(card, "formal", now, policy)
    if action == "unfreeze":
        return rules.unfreeze(card, now, policy)
    if action == "request_replacement":
        return rules.request_replacement(card, str(params["pickup"]), now, policy)
    if action == "complete_replacement":
        return rules.complete_replacement(card, str(params["new_number"]), now)
    raise ValueError(f"unknown card action {action}")


def _due_day(card: rules.Card, policy: rules.CardPolicy) -> str | None:
    """The day something is due for this card (the sparse index ``cards-by-lapse-day``):
    a temporary loss lapses, or a replacement is to be ready."""
    if card.status == rules.REPLACEMENT_REQUESTED and card.replacement_due is not None:
        return card.replacement_due.isoformat()
    ends = rules.lapses_at(card, policy)
    return ends.date().isoformat() if ends else None


def remind_lapsing(ctx: CardContext, day: date) -> dict[str, int]:
    """临时挂失到期提醒：tell each person whose temporary loss lapses on ``day`` that their
    card works again then (once each, however often it runs: the notice has its key)."""
    counts = {"sent": 0, "skipped": 0}
    for person_id in ctx.cards.due_on(day.isoformat()):
        record = ctx.cards.load(person_id)
        if record is None:
            continue
        policy = ctx.policy_for(record.person.region, day)
        ends = rules.lapses_at(record.card, policy)
        if record.card.status != rules.TEMP_LOST or ends is None or ends.date() != day:
            counts["skipped"] += 1  # found, reported formally or unfrozen meanwhile
            continue
        done = _notify(
            ctx.notices,
            record.person,
            "card_temporary_loss_lapsing",
            {"tail": record.card.number[-4:], "day": day},
            once=f"card-lapse#{record.card.number}#{day.isoformat()}",
        )
        counts["sent" if done else "skipped"] += 1
    log.info("card lapse reminders", extra=counts)
    return counts


def _new_card_number() -> str:
    return f"{REPLACEMENT_PREFIX}{secrets.randbelow(10**9):09d}"


def complete_due_replacements(ctx: CardContext, day: date) -> dict[str, int]:
    """补卡办好：the card office has made each replacement due on ``day``. The new card is
    active (its number settles from now on), the old number is void for good, and the
    holder gets the 补卡办好 SMS through the notice service (quiet hours, preferences).
    Running it again changes nothing: a card already replaced is not due any more."""
    counts = {"ready": 0, "skipped": 0}
    for person_id in ctx.cards.due_on(day.isoformat()):
        record = ctx.cards.load(person_id)
        card = record.card if record is not None else None
        if (
            card is None
            or card.status != rules.REPLACEMENT_REQUESTED
            or card.replacement_due is None
            or card.replacement_due > day
        ):
            counts["skipped"] += 1  # a temporary loss lapsing that day, or done already
            continue
        try:
            change_card(
                ctx,
                person_id,
                "complete_replacement",
                {"new_number": _new_card_number()},
                channel="card_office",
                actor="card_office",
            )
        except CardTransitionRefused:  # another run completed it meanwhile
            counts["skipped"] += 1
            continue
        counts["ready"] += 1
    log.info("card replacements ready", extra=counts)
    return counts


def _confirm_by_sms(
    ctx: CardContext,
    record: CardRecord,
    action: str,
    card: rules.Card,
    now: datetime,
    policy: rules.CardPolicy,
) -> None:
    values: dict[str, Any] = {"tail": card.number[-4:], "time": now}
    if action == "report_temporary_loss":
        kind = "card_temporary_loss"
        values["until"] = rules.lapses_at(card, policy)
    elif action == "report_formal_loss":
        kind = "card_formal_loss"
    elif action == "unfreeze":
        kind = "card_unfrozen"
    elif action == "complete_replacement":
        kind = "card_replacement_ready"
        values = {"tail": values["tail"]}  # the new card's
    else:
        kind = "card_replacement_accepted"
        values = {"tail": values["tail"], "day": card.replacement_due}
    try:
        _notify(ctx.notices, record.person, kind, values)
    except Exception:  # the card has changed: a lost SMS must not undo it
        log.exception("card SMS failed", extra={"person_id": record.person.person_id})


def no_card_certificate(ctx: CardContext, person_id: str) -> dict[str, Any]:
    """The valid 住院无卡证明，issuing a new one when there is none."""
    now = ctx.clock.now()
    record = _load(ctx, person_id)
    current = record.certificate
    if current is None or datetime.fromisoformat(current.valid_until) <= now:
        current = Certificate(
            code="".join(secrets.choice(CODE_ALPHABET) for _ in range(8)),
            person_id=person_id,
            name_initial=mask_name(record.person.name),
            id_masked=record.person.id_masked,
            card_status=record.card.status,
            issued_at=now.isoformat(timespec="seconds"),
            valid_until=(now + timedelta(days=CERTIFICATE_VALID_DAYS)).isoformat(
                timespec="seconds"
            ),
        )
        ctx.cards.save_certificate(current, int(now.timestamp()) + CERTIFICATE_VALID_DAYS * 86_400)
    return _certificate_view(current, now)


def check_certificate(ctx: CardContext, code: str) -> dict[str, Any]:
    """What a hospital sees for a certificate code: initial, masked ID, validity only."""
    found = ctx.cards.get_certificate(code.upper())
    if found is None:
        raise NotFound(
            "No certificate has this code. Check the code with the patient.",
            "没有这个编号的无卡证明，请与患者核对编号。",
        )
    view = _certificate_view(found, ctx.clock.now())
    return {
        k: view[k]
        for k in ("code", "name", "id_number_masked", "issued_at", "valid_until", "valid")
    }


def _certificate_view(c: Certificate, now: datetime) -> dict[str, Any]:
    return {
        "code": c.code,
        "name": c.name_initial,
        "id_number_masked": c.id_masked,
        "issued_at": c.issued_at,
        "valid_until": c.valid_until,
        "valid": datetime.fromisoformat(c.valid_until) > now,
        "verify_path": f"/v1/certificates/{c.code}",
    }
