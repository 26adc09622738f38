"""One-stop settlement (一站式结算) for hospitals, and estimates for citizens.

The person's profile, groups and year-to-date figures come from the store, never
from the caller. The pure engine (``rules/settlement.py``) computes the parts;
this service reads once, writes once, and retries when another settlement for
the same person got in between (no lost update). The one read brings the visit's key
too, so a replay of a settled visit answers from it and writes nothing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from chalicelib import errors
from chalicelib.errors import FieldError
from chalicelib.ports import (
    AlreadyReversed,
    Clock,
    NewSettlement,
    SettlementSubject,
    StaleFigures,
    VisitAlreadySettled,
)
from chalicelib.rules import card as card_rules
from chalicelib.rules.bill import YTD_FIELDS, BillError, Item, parse_bill, parse_items
from chalicelib.rules.money import format_fen
from chalicelib.rules.policy import PolicyNotFound, policy_in_force
from chalicelib.rules.settlement import settle, with_family_payment
from chalicelib.services.idempotency import fingerprint
from chalicelib.services.paging import decode_cursor, encode_cursor

log = logging.getLogger(__name__)

ATTEMPTS = 40


@dataclass(frozen=True)
class SettlementContext:
    store: Any  # DynamoSettlementRepository
    clock: Clock
    card_policy_for: Any  # (region, date) -> rules.card.CardPolicy
    family_store: Any = None  # DynamoFamilyRepository: a linked relative's account (家庭共济)


FAMILY_WHAT = ("看病结算自付费用", "self-pay of a settlement")


def _refused(refusal: Any) -> dict[str, Any]:
    return {
        "amount": "0.00",
        "code": refusal.code,
        "text_zh": refusal.text_zh,
        "text_en": refusal.text_en,
    }


def _payer_json(mine: Any) -> dict[str, Any]:
    """Who pays, as the relative sees the link: its id, the payer's masked name and relation."""
    from chalicelib.rules.family import RELATION_LABELS

    zh, en = RELATION_LABELS[mine.link.relation]
    return {
        "link_id": mine.link.link_id,
        "payer_name": mine.link.other_name,
        "payer_relation": {"zh": zh, "en": en},
    }


def _family_aid(
    ctx: SettlementContext, subject: SettlementSubject, cash: int, ref: str, now: datetime
) -> tuple[Any, dict[str, Any]]:
    """家庭共济 at settlement: a linked relative's account pays what is left to pay.

    Returns the planned use (None when nothing is paid) and the answer's ``family_aid``.
    Without an active link the settlement goes on and the answer says why nothing was paid.
    """
    from chalicelib.rules.family import Refusal
    from chalicelib.services.family import plan_use

    planned = plan_use(
        ctx.family_store,
        now,
        subject.links,
        subject.person.status,
        cash,
        "settlement",
        ref,
        FAMILY_WHAT,
        payer_side=subject.family_payer,  # read with the inputs, by the keys the guard names
    )
    if isinstance(planned, Refusal):
        return None, _refused(planned)
    use, payer = planned
    return (use, payer) if use.amount else None, {
        "amount": format_fen(use.amount),
        **_payer_json(use.relative_link),
        "text_zh": use.relative_text_zh,
        "text_en": use.relative_text_en,
    }


def _family_in_principle(
    ctx: SettlementContext, subject: SettlementSubject, cash: int, now: datetime
) -> dict[str, Any]:
    """家庭共济 in an estimate: what the linked account may pay in principle (up to the whole
    self-pay), never what it holds: the payer's balance is not read, so no estimate can be
    used to find it out. What it really pays is decided at settlement (以结算时余额为准)."""
    from chalicelib.rules.family import Refusal
    from chalicelib.services.family import usable_link

    usable = usable_link(ctx.family_store, now, subject.links, subject.person.status)
    if isinstance(usable, Refusal):
        return _refused(usable)
    mine = usable[0]
    shown = format_fen(cash)
    return {
        "amount": None,
        "up_to": shown,
        **_payer_json(mine),
        "text_zh": f"{mine.link.other_name}的共济账户最多可支付您的自付部分{shown}元，"
        "实际支付金额以结算时账户余额为准。",
        "text_en": f"{mine.link.other_name}'s account can pay up to {shown} yuan of your "
        "self-pay; what it pays depends on its balance at settlement.",
    }


def _sentence(text: str, stop: str) -> str:
    return text if text.endswith(stop) else text + stop


def _bill(
    subject: SettlementSubject, visit: dict[str, Any], use_account: bool, day: datetime
) -> dict[str, Any]:
    """The bill's JSON shape, its items aside (read once by :func:`bill_items`)."""
    p = subject.person
    person: dict[str, Any] = {"scheme": p.scheme, "groups": list(p.groups), "chronic": p.chronic}
    if p.scheme == "employee":
        person["retired"] = p.retired
        person["years_met"] = p.years_met
        if p.tier_pct is not None:
            person["tier_pct"] = p.tier_pct
    if "poverty_exited" in p.groups and p.poverty_exit_year:
        person["poverty_exit_year"] = p.poverty_exit_year
    return {
        "region": p.region,
        "date": day.date().isoformat(),
        "person": person,
        "visit": visit,
        "ytd": {k: format_fen(v) for k, v in subject.ytd.items()},
        "account_balance": format_fen(subject.account_balance or 0),
        "use_account": use_account,
    }


def _insured(subject: SettlementSubject) -> None:
    """Benefits need insurance in force: a suspended or ended person is refused in plain words."""
    status = subject.person.status
    if status == "suspended":
        raise errors.RuleViolation(
            "Insurance is suspended because contributions are missing, so the funds pay nothing "
            "now. After the missing contributions are paid, benefits resume.",
            "您的医保因欠缴暂停，暂时不能享受医保报销。补缴欠费后即可恢复待遇。",
            code="insurance_suspended",
        )
    if status != "active":
        raise errors.RuleViolation(
            "This person's insurance has ended, so the funds pay nothing. Enrol again to be "
            "covered.",
            "该参保人的医保已终止，不能享受医保报销。重新参保缴费后才能恢复。",
            code="insurance_ended",
        )


def bill_items(body: dict[str, Any], schema: str) -> tuple[Item, ...]:
    """A request's bill items, checked once (its schema check at the edge leaves them here).

    When one is bad, the answer names every bad field exactly as the whole schema does.
    """
    try:
        return parse_items(body["items"])
    except BillError as exc:
        from chalicelib.schemas import validator

        found = validator(schema).all_errors(body)
        raise errors.ValidationFailed(found or [_field_error(exc)]) from None


def _field_error(exc: BillError) -> FieldError:
    path = "$." + exc.path if not exc.path.startswith("[") else "$" + exc.path
    pointer = "/" + exc.path.replace("[", "/").replace("].", "/").replace("]", "").replace(".", "/")
    return FieldError(path, pointer, exc.code, exc.text_en, exc.text_zh)


def _engine(
    subject: SettlementSubject,
    visit: dict[str, Any],
    items: tuple[Item, ...],
    use_account: bool,
    now: datetime,
) -> Any:
    try:
        bill = parse_bill(_bill(subject, visit, use_account, now), items)
        policy = policy_in_force(bill.region, bill.date)
    except BillError as exc:
        raise errors.ValidationFailed([_field_error(exc)]) from None
    except PolicyNotFound as exc:
        raise errors.RuleViolation(
            f"No policy is in force for this region and date ({exc}).",
            "本地区在该日期没有适用的医保政策，请联系医保经办机构。",
            code="no_policy",
        ) from None
    return settle(policy, bill)


def _filed(
    subject: SettlementSubject, visit: dict[str, Any], hospital_id: str | None, now: datetime
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The visit with the remote-care filing in force from the store (异地就医备案), not the
    bill's claim, and what the answer says about it."""
    from chalicelib.services.filing_effects import at_settlement

    return at_settlement(subject, visit, hospital_id, now.date())


def _filing_effect(
    subject: SettlementSubject,
    visit: dict[str, Any],
    items: tuple[Item, ...],
    use_account: bool,
    now: datetime,
) -> Any:
    """For care away from home: what each filing the person may make would change."""
    from chalicelib.services.filing_effects import filing_effect

    return filing_effect(
        lambda v: _engine(subject, v, items, use_account, now), subject, visit, now.date()
    )


def what_if(
    subject: SettlementSubject, visit: dict[str, Any], items: list[Any], now: datetime
) -> Any:
    """The engine on the person's own figures, nothing read or written (filing previews)."""
    try:
        parsed = parse_items(items)
    except BillError as exc:
        raise errors.ValidationFailed([_field_error(exc)]) from None
    return _engine(subject, visit, parsed, False, now)


def _not_found() -> errors.NotFound:
    return errors.NotFound("No insured person matches.", "没有找到这位参保人。")


def settle_visit(
    ctx: SettlementContext,
    hospital_id: str,
    body: dict[str, Any],
    items: tuple[Item, ...] | None = None,
) -> dict[str, Any]:
    """结算：settle one visit; the same (hospital, visit) again returns the same answer.

    ``items``: the body's items as :func:`bill_items` read them (read here when not given).
    """
    if items is None:
        items = bill_items(body, "settlement-request")
    if body["hospital_id"] != hospital_id:
        raise errors.Forbidden(
            "This client settles for another hospital.", "该接入方不能为这家医院结算。"
        )
    digest = fingerprint(body)
    card_number = body.get("card_number")
    person_id = body.get("person_id") or ctx.store.person_for_card(card_number)
    if person_id is None:
        raise _not_found()
    replaces = None
    for _ in range(ATTEMPTS):
        try:
            for attempt in _optimistic():
                with attempt:
                    return _settle_once(
                        ctx, hospital_id, body, items, person_id, card_number, digest, replaces
                    )
        except RetryError:
            raise _busy() from None
        except VisitAlreadySettled as settled:
            key = settled.key or ctx.store.find_by_visit(hospital_id, body["visit_id"])
            answer = _same_visit(ctx, key, digest)
            if answer is not None:
                return answer
            replaces = key  # 冲正后重新结算：its settlement was reversed; settle it anew
    raise _busy()  # pragma: no cover - re-settled by someone else forty times in a row


def _optimistic() -> Retrying:
    """Retry when another write for the same person got in first (optimistic locking):
    a few tries with jittered backoff, so that twenty at once all get through."""
    return Retrying(
        retry=retry_if_exception_type(StaleFigures),
        stop=stop_after_attempt(ATTEMPTS),
        wait=wait_random_exponential(multiplier=0.01, max=0.25),
    )


def _busy() -> errors.Conflict:
    return errors.Conflict(
        "Too many settlements for this person at once; please retry.",
        "该参保人同时结算的请求过多，请稍后重试。",
        code="busy",
    )


def _settle_once(
    ctx: SettlementContext,
    hospital_id: str,
    body: dict[str, Any],
    items: tuple[Item, ...],
    person_id: str,
    card_number: str | None,
    digest: str,
    replaces: Any = None,
) -> dict[str, Any]:
    now = ctx.clock.now()
    subject, found = _inputs(ctx, hospital_id, body, person_id, now)
    if subject is None:
        raise _not_found()
    if card_number is not None:
        _check_card(ctx, subject, card_number, now)
    _insured(subject)
    if found is not None:  # the visit has a settlement (a replay, a reused id, or reversed)
        same = _same_visit(ctx, found, digest)
        if same is not None:
            return same
        replaces = found  # 冲正后重新结算：its settlement was reversed; settle it anew
    visit, remote = _filed(subject, body["visit"], hospital_id, now)
    result = _engine(subject, visit, items, bool(body.get("use_account")), now)
    settled_at = now.isoformat(timespec="milliseconds")
    settlement_id = ctx.store.new_id(person_id, settled_at)
    family, family_json = (
        _family_aid(ctx, subject, result.parts.cash, settlement_id, now)
        if body.get("use_family_account")
        else (None, None)
    )
    if family_json is not None:
        result = with_family_payment(
            result,
            family[0].amount if family else 0,
            _sentence(family_json["text_zh"], "。"),
            _sentence(family_json["text_en"], "."),
        )
    answer = {
        "settlement_id": settlement_id,
        "person_id": person_id,
        "hospital_id": hospital_id,
        "visit_id": body["visit_id"],
        "settled_at": settled_at,
        "status": "settled",
        **result.to_json(),
        "ytd_before": {k: format_fen(v) for k, v in subject.ytd.items()},
        "family_aid": family_json,
        "patient_pays": format_fen(result.parts.cash),
        "visit": visit,
        "remote_filing": remote,
    }
    ctx.store.save(
        subject,
        NewSettlement(
            settlement_id=settlement_id,
            person_id=person_id,
            hospital_id=hospital_id,
            visit_id=body["visit_id"],
            settled_at=answer["settled_at"],
            year=now.year,
            fingerprint=digest,
            body=json.dumps(answer, ensure_ascii=False),
            ytd_after=result.ytd_after.as_dict(),
            account_debit=result.parts.account,
            replaces=replaces,
            lines=tuple((i.code, i.catalogue, i.amount) for i in items),
            card=subject.card if card_number is not None else None,
        ),
        family,
    )
    log.info(
        "settled",
        extra={"settlement_id": settlement_id, "person_id": person_id, "hospital_id": hospital_id},
    )
    return answer


def _inputs(
    ctx: SettlementContext, hospital_id: str, body: dict[str, Any], person_id: str, now: datetime
) -> tuple[SettlementSubject | None, Any]:
    """The settlement's inputs and the visit's key (None: not settled yet) in one read; with
    family aid, the active link and the payer's side in a second (the guard read in the
    first names their keys)."""
    remote = body["visit"].get("location") != "in_county"  # only then may a filing matter
    family = bool(body.get("use_family_account"))
    found: tuple[SettlementSubject | None, Any] = ctx.store.for_visit(
        person_id, now.year, hospital_id, body["visit_id"], remote, family
    )
    return found


def _same_visit(ctx: SettlementContext, key: Any, digest: str) -> dict[str, Any] | None:
    """The visit is already settled: the answer this same bill got (a retry, even of a bill
    since reversed), None when the visit's settlement was reversed and this is another bill
    (settle it again), and 409 when the visit stands settled with another bill."""
    if key is None:  # pragma: no cover - the key was there a moment ago
        raise errors.Conflict("Please retry.", "请重试。")
    if key.fingerprint == digest:
        return ctx.store.body(key)  # type: ignore[no-any-return]
    if digest in key.earlier:
        earlier = ctx.store.find_by_id(key.earlier[digest])
        return ctx.store.body(earlier)  # type: ignore[no-any-return]
    if key.status == "reversed":
        return None
    raise errors.Conflict(
        "This visit_id is already settled with a different bill. Use a new visit_id for a new "
        "visit; to correct this one, reverse its settlement first, then settle the corrected "
        "bill with the same visit_id.",
        "这个就诊编号已按另一张账单结算过。新就诊请用新的编号；如需更正本次结算，请先冲正原结算，"
        "再用同一就诊编号提交更正后的账单。",
        code="visit_reused",
    )


def _check_card(
    ctx: SettlementContext, subject: SettlementSubject, number: str, now: datetime
) -> None:
    card = subject.card
    policy = ctx.card_policy_for(subject.person.region, now.date())
    if card is None or card.number != number:
        raise errors.CardNotUsable(
            "This card number is void (the card was replaced). Use the new card or the "
            "electronic voucher.",
            "这张卡已作废（已补新卡），请使用新卡或医保电子凭证结算。",
            code="card_void",
        )
    refusal = card_rules.settlement_refusal(card, now, policy)
    if refusal is not None:
        raise errors.CardNotUsable(refusal.text_en, refusal.text_zh, refusal.code)


def reverse_settlement(
    ctx: SettlementContext, hospital_id: str, settlement_id: str
) -> dict[str, Any]:
    """冲正：undo a settlement exactly, once: one read (the settlement with the figures it
    changed) and one transaction; a try that another write got ahead of reads again."""
    try:
        for attempt in _optimistic():
            with attempt:
                original, reversed_at = _reverse_once(ctx, hospital_id, settlement_id)
    except AlreadyReversed:
        raise _reversed() from None
    except RetryError:
        raise _busy() from None
    log.info("reversed", extra={"settlement_id": settlement_id})
    # What the store now holds, without reading it again: the transaction set exactly these
    # two fields, on the condition that the settlement still stood.
    return {**original, "status": "reversed", "reversed_at": reversed_at}


def _reverse_once(
    ctx: SettlementContext, hospital_id: str, settlement_id: str
) -> tuple[dict[str, Any], str]:
    """One try at the reversal: the settlement as answered, and when the reversal took
    effect (``reversed_at``)."""
    found = ctx.store.for_reversal(settlement_id)
    if found is None or found[0].hospital_id != hospital_id:
        raise errors.NotFound(
            "No settlement of this hospital has this id.", "没有找到本医院的这笔结算。"
        )
    key, original, subject = found
    if original["status"] == "reversed":
        raise _reversed()
    year = int(original["settled_at"][:4])
    if _fen((original.get("family_aid") or {}).get("amount") or "0"):  # links: the ME# Query
        subject = ctx.store.load_subject(key.person_id, year) or subject
    added = _added(original)
    ytd_after = {k: subject.ytd[k] - added[k] for k in YTD_FIELDS}
    credit = _fen(original["parts"]["account"])
    now = ctx.clock.now()
    reversed_at = now.isoformat(timespec="milliseconds")
    refund = _family_refund(ctx, subject, original, now)
    ctx.store.reverse(
        key, original["visit_id"], subject, year, ytd_after, credit, reversed_at, refund
    )
    return original, reversed_at


def _family_refund(
    ctx: SettlementContext, subject: SettlementSubject, original: dict[str, Any], now: datetime
) -> Any:
    """What a reversal gives back to the relative's account that paid (even if the link ended)."""
    aid = original.get("family_aid") or {}
    amount = _fen(aid.get("amount") or "0")
    if not amount:
        return None
    from chalicelib.ports import FamilyUse
    from chalicelib.services.family import find_link, use_texts

    mine = find_link(subject.links, aid["link_id"])
    payer = ctx.family_store.side(mine.other_person_id) if mine else None
    payer_copy = find_link(payer.links, aid["link_id"]) if payer else None
    if mine is None or payer_copy is None:  # pragma: no cover - link copies are never deleted
        raise RuntimeError(f"family link {aid['link_id']} of a settlement is missing")
    texts = use_texts(-amount, payer_copy, mine, *FAMILY_WHAT)
    at = now.isoformat(timespec="milliseconds")
    ref = original["settlement_id"] + "-r"
    return FamilyUse(payer_copy, mine, "refund", -amount, at, ref, **texts), payer


def _reversed() -> errors.Conflict:
    return errors.Conflict(
        "This settlement was already reversed; a reversal happens once.",
        "这笔结算已经冲正过，不能重复冲正。",
        code="already_reversed",
    )


def _fen(text: str) -> int:
    from chalicelib.rules.money import parse_yuan

    return parse_yuan(text)


def _added(answer: dict[str, Any]) -> dict[str, int]:
    """What this settlement added to each year-to-date figure (after − before)."""
    after = {k: _fen(v) for k, v in answer["ytd_after"].items()}
    before = {k: _fen(v) for k, v in answer["ytd_before"].items()}
    return {k: after[k] - before[k] for k in YTD_FIELDS}


def estimate(
    ctx: SettlementContext,
    person_id: str,
    body: dict[str, Any],
    items: tuple[Item, ...] | None = None,
) -> dict[str, Any]:
    """看病前算一算：the same engine on the person's own figures; nothing is written."""
    if items is None:
        items = bill_items(body, "estimate-request")
    now = ctx.clock.now()
    subject = ctx.store.load_subject(person_id, now.year)
    if subject is None:
        raise _not_found()
    _insured(subject)
    use_account = bool(body.get("use_account"))
    visit, remote = _filed(subject, body["visit"], None, now)
    result = _engine(subject, visit, items, use_account, now)
    family_json = (
        _family_in_principle(ctx, subject, result.parts.cash, now)
        if body.get("use_family_account")
        else None
    )
    return {
        "estimate": True,
        "date": now.date().isoformat(),
        **result.to_json(),
        "family_aid": family_json,
        "patient_pays": format_fen(result.parts.cash),  # at most: the family account may pay
        "remote_filing": remote,
        "filing_effect": _filing_effect(subject, visit, items, use_account, now),
    }


def my_settlements(
    ctx: SettlementContext,
    person_id: str,
    limit: int,
    cursor: str | None,
    settled: tuple[str | None, str | None] = (None, None),
) -> dict[str, Any]:
    """A page of the person's settlements, newest first. ``settled``: the range of
    ``settled_at`` (ISO text at +08:00, as stored; either end None: open), read in the
    Query's key condition: ``(start, end)`` takes ``start <= settled_at < end``."""
    after = decode_cursor(cursor, "SETTLEMENT#") if cursor else None
    start, end = settled
    bounds = {}
    if start is not None:
        bounds["low"] = f"SETTLEMENT#{start}"
    if end is not None:
        bounds["high"] = f"SETTLEMENT#{end}"  # below it: each id follows the time (#s…)
    items, last = ctx.store.list_for_person(person_id, limit, after, **bounds)
    return {"settlements": items, "next_cursor": encode_cursor(last)}


def bill_lines(
    ctx: SettlementContext, person_id: str, settlement_ids: list[str]
) -> dict[str, list[tuple[str, str, int]]]:
    """费用明细：the bill lines (code, catalogue, fen) of a page of the person's settlements."""
    lines: dict[str, list[tuple[str, str, int]]] = ctx.store.bill_lines(person_id, settlement_ids)
    return lines
