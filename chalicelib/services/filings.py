"""异地就医备案 (remote-care filing) for the insured: file, see, change, cancel, preview.

Filing straight to the treating city, with a personal commitment instead of documents
and no approvals or stamps (001:83 §2.2.2, 医保发〔2022〕22号). The rules are pure
(``rules/filing.py``, numbers from the policy); this service reads the person once,
writes once (a conditional transaction with the audit event and, with an
``Idempotency-Key``, the answer), and confirms by SMS. A relative may file for a person
(代办) only with that person's consent, given by the SMS code family aid uses; the
filing records who filed it.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from chalicelib import errors
from chalicelib.ports import (
    Clock,
    DuplicateRequest,
    FilingEvent,
    FilingRecord,
    ProxyRequestUsed,
    RateBucket,
    RateLimited,
    SmsGateway,
    StaleFilings,
    StoredAnswer,
    StoredFiling,
)
from chalicelib.rules import filing as rules
from chalicelib.rules import places
from chalicelib.rules.filing import Filing, FilingRefused
from chalicelib.rules.identity import IdNumber, mask_name
from chalicelib.rules.policy import FilingRules, policy_in_force
from chalicelib.services import auth, filing_notices
from chalicelib.services.auth import keyed_hash, person_id_for
from chalicelib.services.filing_effects import compare, effect_text, money_en, money_zh
from chalicelib.services.idempotency import fingerprint, replay

log = logging.getLogger(__name__)

HOSPITALS_SHOWN = 20  # on a filing: the city's designated hospitals (the rest by search)
WRITES_PER_DAY = 10  # filing writes a person may make a day (each sends an SMS)
PROXY_MINUTES = 60  # a request to file for a relative is good this long
ATTEMPTS = 5  # re-reads when another write for the person got in first
EXAMPLE_BILL = [{"code": "EXAMPLE", "catalogue": "A", "amount": "20000.00"}]
EXAMPLE_VISIT = {"kind": "inpatient", "hospital_level": 3}


@dataclass(frozen=True)
class FilingContext:
    store: Any  # DynamoFilingRepository
    auth: auth.AuthContext
    sms: SmsGateway
    clock: Clock
    pepper: str
    sms_signature: str
    settlement_store: Any = None  # DynamoSettlementRepository: previews read the person with it


# --- reading ------------------------------------------------------------------------------------


def _label(table: dict[str, tuple[str, str]], code: str | None) -> dict[str, str] | None:
    if code is None:
        return None
    zh, en = table[code]
    return {"zh": zh, "en": en}


def _record(ctx: FilingContext, person_id: str) -> FilingRecord:
    record: FilingRecord | None = ctx.store.load(person_id)
    if record is None:
        raise errors.NotFound("No insured person for this sign-in.", "没有找到您的参保信息。")
    return record


def _rules(region: str, today: date) -> FilingRules:
    found = policy_in_force(region, today).remote_filing
    if found is None:  # pragma: no cover - every policy in force since 2022 has them
        raise errors.RuleViolation(
            "Remote-care filing is not offered online here.",
            "本地区暂未开通网上异地就医备案，请到医保经办窗口办理。",
            code="no_filing_rules",
        )
    return found


def _stored(record: FilingRecord, filing_id: str) -> StoredFiling:
    found = next((s for s in record.filings if s.filing.filing_id == filing_id), None)
    if found is None:
        raise errors.NotFound("You have no filing with this id.", "没有找到这条备案。")
    return found


def _refused(exc: FilingRefused) -> errors.DomainError:
    if exc.code in ("filing_overlap", "already_cancelled", "already_lapsed"):
        return errors.Conflict(exc.text_en, exc.text_zh, code=exc.code)
    if exc.field is not None:
        return errors.field_error(exc.field, exc.code, exc.text_en, exc.text_zh)
    return errors.RuleViolation(exc.text_en, exc.text_zh, code=exc.code)


def _destination(province: str, city_code: str, region: str) -> places.City:
    found = places.city(city_code)
    if found is None:
        raise errors.field_error(
            "city",
            "unknown_division",
            "This is not a city (prefecture-level division) of the list: choose one from "
            "GET /v1/regions.",
            "没有这个城市（地级行政区划），请从列表中选择。",
        )
    if found.province != province:
        raise errors.field_error(
            "province",
            "city_not_in_province",
            f"{found.name_en} is in {found.province_en}, not in the province given.",
            f"{found.name_zh}属于{found.province_zh}，与所选省份不符，请重新选择。",
        )
    try:
        rules.check_destination(found, region)
    except FilingRefused as exc:
        raise _refused(exc) from None
    return found


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise errors.field_error(
            field, "date", "Enter a real date as YYYY-MM-DD.", "请填写有效日期，格式为YYYY-MM-DD。"
        ) from None


def _event_json(event: FilingEvent) -> dict[str, Any]:
    return {
        "at": event.at,
        "action": event.action,
        "action_label": _label(ACTIONS, event.action),
        "channel": event.channel,
        "by_agent": event.channel == "proxy",
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "reason_label": _label(rules.REASON_LABELS, event.reason),
    }


ACTIONS = {
    "created": ("办理备案", "filed"),
    "changed": ("变更备案", "changed"),
    "cancelled": ("取消备案", "cancelled"),
    "reminded": ("到期提醒短信", "reminder SMS sent"),
}


def filing_json(
    stored: StoredFiling, policy_rules: FilingRules, today: date, *, detail: bool = False
) -> dict[str, Any]:
    """A filing as the person sees it: where, for when, its state, what to do there."""
    f: Filing = stored.filing
    destination = places.city(f.city)
    assert destination is not None  # filed from the list
    state = rules.state_on(f, today)
    span_zh, span_en = rules.validity_text(f)
    locked = rules.locked_until(policy_rules, f, today)
    open_ = state in ("upcoming", "in_force")
    last = f.last_day()
    body: dict[str, Any] = {
        "filing_id": f.filing_id,
        "category": f.category,
        "category_label": _label(rules.CATEGORY_LABELS, f.category),
        "term": f.term,
        "term_label": _label(rules.TERM_LABELS, f.term),
        "settles_as": f.settles_as,
        "destination": destination.to_json(),
        "start": f.start.isoformat(),
        "end": f.end.isoformat() if f.end else None,
        "last_day": last.isoformat() if last else None,
        "validity_zh": span_zh,
        "validity_en": span_en,
        "state": state,
        "state_label": _label(rules.STATE_LABELS, state),
        "created_at": f.created_at.isoformat(timespec="seconds"),
        "channel": f.channel,
        "channel_label": _label(rules.CHANNEL_LABELS, f.channel),
        "agent_name": f.agent_name,
        "commitment_at": stored.commitment_at,
        "cancelled_on": f.cancelled_on.isoformat() if f.cancelled_on else None,
        "cancel_reason": f.cancel_reason,
        "can_change": open_,
        "can_cancel": open_,
        "locked_until": locked.isoformat() if locked else None,
        "lock_reasons": [
            {"code": r, **(_label(rules.REASON_LABELS, r) or {})}
            for r in policy_rules.lock_exceptions
        ]
        if locked
        else [],
        "what_to_do_zh": places.WHAT_TO_DO[0],
        "what_to_do_en": places.WHAT_TO_DO[1],
        "notes": _notes(f, state, policy_rules.reminder_days_before),
    }
    if detail:
        body["hospitals"] = [i.to_json() for i in places.institutions(f.city, None)][
            :HOSPITALS_SHOWN
        ]
        body["history"] = [_event_json(e) for e in stored.events]
    return body


def _notes(f: Filing, state: str, reminder_days: int) -> list[dict[str, str]]:
    notes = []
    if f.term == "temporary" and state in ("upcoming", "in_force"):
        notes.append(
            {
                "zh": "有效期内可以在当地多次看病，每次都可直接结算。"
                f"到期前{reminder_days}天会有短信提醒。",
                "en": "Within its validity you may be treated there any number of times, each "
                f"settled directly. An SMS reminds you {reminder_days} days before it ends.",
            }
        )
    if f.category == "emergency":
        notes.append(
            {
                "zh": "急诊抢救从就医之日起算作已备案。出院结算前备案的，可以直接结算；"
                "已经用现金结清的，请带发票和费用清单到参保地医保经办机构办理手工报销。",
                "en": "Emergency care counts as filed from the day of care. Filed before the bill "
                "is settled, it settles directly; a bill already paid in cash is reimbursed by "
                "the insurance office at home with the invoice and the list of costs.",
            }
        )
    if f.term == "long_term" and state in ("upcoming", "in_force"):
        notes.append(
            {
                "zh": "长期有效，回参保地居住或工作后请及时取消。",
                "en": "It lasts until you cancel it: cancel it when you are back home to live "
                "or work.",
            }
        )
    return notes


def _categories(policy_rules: FilingRules, scheme: str, retired: bool) -> list[dict[str, Any]]:
    out = []
    for category in policy_rules.categories.values():
        refused = rules.refusal_for(category, scheme, retired)
        out.append(
            {
                "id": category.id,
                "label": _label(rules.CATEGORY_LABELS, category.id),
                "term": category.term,
                "term_label": _label(rules.TERM_LABELS, category.term),
                "settles_as": category.settles_as,
                "retroactive_days": category.retroactive_days,
                "allowed": refused is None,
                "why_not": None
                if refused is None
                else {"code": refused.code, "text_zh": refused.text_zh, "text_en": refused.text_en},
                "source": category.cited.source,
            }
        )
    return out


def overview(ctx: FilingContext, person_id: str) -> dict[str, Any]:
    """我的异地就医备案: my filings, which categories I may use, the rules in plain words."""
    record = _record(ctx, person_id)
    today = ctx.clock.now().date()
    person = record.person
    policy_rules = _rules(person.region, today)
    current = rules.in_force((s.filing for s in record.filings), today)
    home = places.city(places.home_city(person.region))
    return {
        "today": today.isoformat(),
        "home": home.to_json() if home else None,
        "in_force": current.filing_id if current else None,
        "filings": [filing_json(s, policy_rules, today) for s in record.filings],
        "categories": _categories(policy_rules, person.scheme, person.retired),
        "validity": {
            "temporary_min_months": policy_rules.temporary_min_months,
            "temporary_max_months": policy_rules.temporary_max_months,
            "start_days_ahead": policy_rules.start_days_ahead,
            "reminder_days_before": policy_rules.reminder_days_before,
        },
        "lock": {
            "months": policy_rules.lock_months,
            "reasons": [
                {"code": r, **(_label(rules.REASON_LABELS, r) or {})}
                for r in policy_rules.lock_exceptions
            ],
        },
        "commitment": {
            "text_zh": policy_rules.commitment_zh,
            "text_en": policy_rules.commitment_en,
            "source": policy_rules.commitment.source,
        },
        "rules_zh": (
            "在外地长期居住、工作或退休安置的，办长期备案，一直有效；转诊、急诊抢救或其他临时外出的，"
            f"办临时备案，有效期至少{policy_rules.temporary_min_months}个月。直接备案到就医的城市，"
            "不用盖章、不用证明材料，签个人承诺书即可。同一时间只能有一条备案。"
        ),
        "rules_en": (
            "Living, working or retired elsewhere: a long-term filing, open-ended. A referral, "
            "an emergency or another temporary stay: a temporary filing, valid at least "
            f"{policy_rules.temporary_min_months} months. You file straight to the city where "
            "you are treated, with no stamps and no documents: a personal commitment is enough. "
            "One filing at a time."
        ),
        "source": policy_rules.cited.source,
    }


def get_filing(ctx: FilingContext, person_id: str, filing_id: str) -> dict[str, Any]:
    record = _record(ctx, person_id)
    today = ctx.clock.now().date()
    policy_rules = _rules(record.person.region, today)
    return filing_json(_stored(record, filing_id), policy_rules, today, detail=True)


# --- writing ------------------------------------------------------------------------------------


def _count_write(ctx: FilingContext, person_id: str, now: datetime) -> None:
    """At most WRITES_PER_DAY filing writes a person a day (each sends an SMS)."""
    epoch = int(now.timestamp())
    day = epoch - epoch % 86_400
    key = keyed_hash(ctx.pepper, "filing", person_id, 16)
    bucket = RateBucket(f"RL#filing#{key}#d{day}", WRITES_PER_DAY, day + 86_400)
    try:
        ctx.auth.login.record_code_request([bucket], None, epoch)
    except RateLimited as exc:
        raise errors.TooManyRequests(
            f"At most {WRITES_PER_DAY} filing changes a day. Please try again tomorrow.",
            f"每天最多办理{WRITES_PER_DAY}次备案业务，请明天再试。",
            exc.retry_after,
        ) from None


def _earlier(
    ctx: FilingContext, caller_id: str, key: str | None, digest: str
) -> dict[str, Any] | None:
    if not key:
        return None
    stored = ctx.store.find_answer(caller_id, key)
    return None if stored is None else replay(stored, digest)


def _sms_values(f: Filing) -> dict[str, str]:
    city_zh = places.city(f.city)
    return {
        "category": rules.CATEGORY_LABELS[f.category][0],
        "city": city_zh.name_zh if city_zh else f.city,
        "validity": rules.validity_text(f)[0],
    }


def _terms(
    policy_rules: FilingRules, record: FilingRecord, body: dict[str, Any], today: date
) -> tuple[Any, places.City, date, date | None]:
    person = record.person
    try:
        category = rules.category_for(policy_rules, body["category"], person.scheme, person.retired)
    except FilingRefused as exc:
        raise _refused(exc) from None
    destination = _destination(body["province"], body["city"], person.region)
    start = _day(body["start"], "start")
    end = _day(body["end"], "end") if body.get("end") else None
    try:
        start, end = rules.validity(policy_rules, category, start, end, today)
    except FilingRefused as exc:
        raise _refused(exc) from None
    return category, destination, start, end


def _check_overlap(
    record: FilingRecord, start: date, end: date | None, today: date, but: str | None = None
) -> None:
    other = rules.overlap((s.filing for s in record.filings), start, end, today, but)
    if other is not None:
        city = places.city(other.city)
        names = (city.name_zh, city.name_en) if city else (other.city, other.city)
        raise _refused(rules.overlap_refusal(other, *names))


def _insured(record: FilingRecord) -> None:
    if record.person.status != "active":
        raise errors.RuleViolation(
            "Insurance is not in force, so there is nothing to file for. Once it is in force "
            "again, file here.",
            "您的医保目前不在正常参保状态，暂时不能办理异地就医备案。恢复参保后即可办理。",
            code="insurance_not_active",
        )


def create(
    ctx: FilingContext,
    caller_id: str,
    body: dict[str, Any],
    *,
    idempotency_key: str | None = None,
    request_id: str | None = None,
) -> dict[str, Any]:
    """办理备案 for oneself, or for a relative with their consent (``body.proxy``)."""
    digest = fingerprint({"action": "file", **body})
    earlier = _earlier(ctx, caller_id, idempotency_key, digest)
    if earlier is not None:
        return earlier
    proxy = body.get("proxy")
    holder_id, agent_name, channel = caller_id, None, "self_service"
    if proxy is not None:
        holder_id, agent_name = _consented(ctx, caller_id, proxy["request_id"], proxy["code"])
        channel = "proxy"
    for attempt in range(ATTEMPTS):
        now = ctx.clock.now()
        today = now.date()
        record = _record(ctx, holder_id)
        _insured(record)
        policy = policy_in_force(record.person.region, today)
        policy_rules = _rules(record.person.region, today)
        category, destination, start, end = _terms(policy_rules, record, body, today)
        _check_overlap(record, start, end, today)
        filing = Filing(
            filing_id="rc" + secrets.token_hex(8),
            category=category.id,
            term=category.term,
            settles_as=category.settles_as,
            city=destination.code,
            start=start,
            end=end,
            created_at=now.replace(microsecond=0),
            channel=channel,
            agent_name=agent_name,
        )
        stored = StoredFiling(
            filing,
            None,
            now.isoformat(timespec="seconds"),
            policy.version,
            caller_id if proxy is not None else None,
        )
        event = FilingEvent(
            at=now.isoformat(timespec="microseconds"),
            action="created",
            actor=caller_id,
            channel=channel,
            after=_facts(filing),
            request_id=request_id,
        )
        answer = filing_json(
            replace(stored, version=1, events=(event,)), policy_rules, today, detail=True
        )
        stored_answer = StoredAnswer(digest, 201, json.dumps(answer, ensure_ascii=False))
        if attempt == 0:
            _count_write(ctx, caller_id, now)
        try:
            ctx.store.save(
                record,
                None,
                stored,
                event,
                (caller_id, idempotency_key, stored_answer, int(now.timestamp()))
                if idempotency_key
                else None,
                (caller_id, proxy["request_id"]) if proxy is not None else None,
            )
        except StaleFilings:
            continue  # another write for the person got in first: read again, decide again
        except DuplicateRequest:
            replayed = _earlier(ctx, caller_id, idempotency_key, digest)
            if replayed is None:  # pragma: no cover - the key's answer was just written
                raise
            return replayed
        except ProxyRequestUsed:
            raise _proxy_gone() from None
        log.info(
            "filing created",
            extra={"person_id": holder_id, "filing_id": filing.filing_id, "channel": channel},
        )
        values = _sms_values(filing)
        if agent_name is not None:
            filing_notices.send(
                ctx.sms,
                ctx.sms_signature,
                record.person,
                "filing_by_agent",
                {**values, "agent": agent_name},
            )
        else:
            filing_notices.send(
                ctx.sms, ctx.sms_signature, record.person, "filing_accepted", values
            )
        return answer
    raise _busy()


def _facts(f: Filing) -> dict[str, Any]:
    """What an audit event records of a filing."""
    return {
        "category": f.category,
        "city": f.city,
        "start": f.start.isoformat(),
        "end": f.end.isoformat() if f.end else None,
        "status": f.status,
    }


def _busy() -> errors.Conflict:
    return errors.Conflict(
        "Your filings are being changed by another request; please try again.",
        "您的备案正在办理其他业务，请稍后再试。",
        code="busy",
    )


def change(
    ctx: FilingContext,
    person_id: str,
    filing_id: str,
    body: dict[str, Any],
    *,
    request_id: str | None = None,
) -> dict[str, Any]:
    """变更备案: another city, start (before it starts) or end (temporary), where allowed."""
    reason = body.get("reason")
    for attempt in range(ATTEMPTS):
        now = ctx.clock.now()
        today = now.date()
        record = _record(ctx, person_id)
        stored = _stored(record, filing_id)
        policy_rules = _rules(record.person.region, today)
        f: Filing = stored.filing
        try:
            rules.check_open(f, today)
        except FilingRefused as exc:
            raise _refused(exc) from None
        changed = _changed(policy_rules, record, f, body, today)
        if changed == f:
            return filing_json(stored, policy_rules, today, detail=True)  # nothing to change
        try:
            rules.check_unlocked(policy_rules, f, reason, today)
        except FilingRefused as exc:
            raise _refused(exc) from None
        _check_overlap(record, changed.start, changed.end, today, but=f.filing_id)
        if attempt == 0:
            _count_write(ctx, person_id, now)
        before, after = _facts(f), _facts(changed)
        event = FilingEvent(
            at=now.isoformat(timespec="microseconds"),
            action="changed",
            actor=person_id,
            channel="self_service",
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
            reason=reason,
            request_id=request_id,
        )
        new = replace(stored, filing=changed)
        try:
            ctx.store.save(record, stored, new, event)
        except StaleFilings:
            continue
        log.info("filing changed", extra={"person_id": person_id, "filing_id": filing_id})
        filing_notices.send(
            ctx.sms, ctx.sms_signature, record.person, "filing_changed", _sms_values(changed)
        )
        shown = replace(new, version=(stored.version or 0) + 1, events=(event, *stored.events))
        return filing_json(shown, policy_rules, today, detail=True)
    raise _busy()


def _changed(
    policy_rules: FilingRules, record: FilingRecord, f: Filing, body: dict[str, Any], today: date
) -> Filing:
    """The filing with the body's changes, each checked by the rules."""
    category = policy_rules.categories[f.category]
    city = f.city
    if "city" in body or "province" in body:
        if "city" not in body or "province" not in body:
            missing = "city" if "city" not in body else "province"
            raise errors.field_error(
                missing,
                "required",
                "Give both province and city to change the destination.",
                "变更就医地时，请同时选择省份和城市。",
            )
        city = _destination(body["province"], body["city"], record.person.region).code
    start = _day(body["start"], "start") if "start" in body else f.start
    end = f.end
    if "end" in body:
        end = _day(body["end"], "end") if body["end"] else None
    elif start != f.start:
        end = None  # a new start without an end: the shortest validity from it
    try:
        if start != f.start:
            if rules.state_on(f, today) != "upcoming":
                raise FilingRefused(
                    "started",
                    "start",
                    "This filing is already in force: its start cannot move. Cancel it and "
                    "file again if the dates were wrong.",
                    "这条备案已经生效，开始日期不能再改。如果日期填错了，请取消后重新备案。",
                )
            start, end = rules.validity(policy_rules, category, start, end, today)
        elif end != f.end:
            end = rules.temporary_end(policy_rules, category, start, end)
    except FilingRefused as exc:
        raise _refused(exc) from None
    if (city, start, end) == (f.city, f.start, f.end):
        return f
    reminded = f.reminded_at if end == f.end else None  # a new end gets its own reminder
    return replace(f, city=city, start=start, end=end, reminded_at=reminded)


def cancel(
    ctx: FilingContext,
    person_id: str,
    filing_id: str,
    body: dict[str, Any],
    *,
    request_id: str | None = None,
) -> dict[str, Any]:
    """取消备案: from today on the filing is no longer in force."""
    reason = body.get("reason")
    for attempt in range(ATTEMPTS):
        now = ctx.clock.now()
        today = now.date()
        record = _record(ctx, person_id)
        stored = _stored(record, filing_id)
        policy_rules = _rules(record.person.region, today)
        f: Filing = stored.filing
        try:
            rules.check_open(f, today)
            rules.check_unlocked(policy_rules, f, reason, today)
        except FilingRefused as exc:
            raise _refused(exc) from None
        if attempt == 0:
            _count_write(ctx, person_id, now)
        done = rules.cancelled(f, reason, today)
        event = FilingEvent(
            at=now.isoformat(timespec="microseconds"),
            action="cancelled",
            actor=person_id,
            channel="self_service",
            before={"status": f.status},
            after={"status": done.status, "cancelled_on": today.isoformat()},
            reason=reason,
            request_id=request_id,
        )
        new = replace(stored, filing=done)
        try:
            ctx.store.save(record, stored, new, event)
        except StaleFilings:
            continue
        log.info("filing cancelled", extra={"person_id": person_id, "filing_id": filing_id})
        values = _sms_values(done)
        filing_notices.send(
            ctx.sms,
            ctx.sms_signature,
            record.person,
            "filing_cancelled",
            {"city": values["city"], "day": f"{today.month}月{today.day}日"},
        )
        shown = replace(new, version=(stored.version or 0) + 1, events=(event, *stored.events))
        return filing_json(shown, policy_rules, today, detail=True)
    raise _busy()


# --- filing for a relative (代办) ----------------------------------------------------------------


def request_proxy(
    ctx: FilingContext, agent_id: str, number: IdNumber, name: str, client_ip: str
) -> dict[str, Any]:
    """Ask a relative's consent to file for them: they get an SMS code to pass on. The answer
    is the same whether or not they are insured here under that name."""
    name = name.strip()
    relative_id = person_id_for(number.value, ctx.pepper)
    if relative_id == agent_id:
        raise errors.field_error(
            "id_number",
            "self",
            "This is your own ID number: file for yourself instead.",
            "这是您本人的身份证号码，请直接为自己办理。",
        )
    agent = _record(ctx, agent_id).person
    found = ctx.auth.persons.get_person(relative_id)
    relative = (
        found
        if found is not None and hmac.compare_digest(found.name.encode(), name.encode())
        else None
    )
    request_id = "rq" + secrets.token_hex(8)
    who = mask_name(agent.name)

    def text(code: str, minutes: int) -> str:
        return filing_notices.text(
            "proxy_consent", {"agent": who, "code": code, "minutes": minutes}
        )

    auth.request_consent(ctx.auth, agent_id, relative_id, relative, client_ip, request_id, text)
    now = ctx.clock.now()
    ctx.store.save_proxy_request(
        agent_id,
        request_id,
        relative_id,
        mask_name(name),
        now,
        int(now.timestamp()) + PROXY_MINUTES * 60,
    )
    log.info("filing proxy requested", extra={"person_id": agent_id, "request_id": request_id})
    minutes = ctx.auth.limits.ttl_seconds // 60
    return {
        "request_id": request_id,
        "relative_name": mask_name(name),
        "code_valid_minutes": minutes,
        "detail": "If this relative is insured here under this name, they got an SMS code. "
        f"Ask them for it and send it with the filing within {minutes} minutes.",
        "detail_zh": f"如果这位家人在本地参保且姓名正确，他会收到一条短信验证码。请向家人要验证码，"
        f"在{minutes}分钟内随备案一起提交。",
    }


def _consented(ctx: FilingContext, agent_id: str, request_id: str, code: str) -> tuple[str, str]:
    """The relative's person id once their code is right, and the agent's masked name."""
    asked = ctx.store.proxy_request(agent_id, request_id)
    if asked is None:
        raise _proxy_gone()
    relative_id, _, created_at = asked
    age = ctx.clock.now() - datetime.fromisoformat(created_at)
    if age.total_seconds() > PROXY_MINUTES * 60:
        raise _proxy_gone()
    auth.verify_consent(ctx.auth, relative_id, request_id, code)
    agent = _record(ctx, agent_id).person
    return relative_id, mask_name(agent.name)


def _proxy_gone() -> errors.NotFound:
    return errors.NotFound(
        "This request to file for a relative is used or has lapsed: ask for a new code.",
        "这次代办申请已使用或已过期，请重新获取家人的验证码。",
    )


# --- before filing: what it changes --------------------------------------------------------


def preview(ctx: FilingContext, person_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """备案前算一算: what this filing changes on an example bill and on my last settlement."""
    from chalicelib.services.settlements import what_if

    now = ctx.clock.now()
    today = now.date()
    subject = ctx.settlement_store.load_subject(person_id, now.year)
    if subject is None:
        raise errors.NotFound("No insured person for this sign-in.", "没有找到您的参保信息。")
    person = subject.person
    policy = policy_in_force(person.region, today)
    policy_rules = _rules(person.region, today)
    try:
        category = rules.category_for(policy_rules, body["category"], person.scheme, person.retired)
    except FilingRefused as exc:
        raise _refused(exc) from None
    destination = _destination(body["province"], body["city"], person.region)
    location = places.location_for(destination.code, person.region)
    no_filings = replace(subject, filings=())

    def effect(visit: dict[str, Any], items: list[Any]) -> dict[str, Any]:
        def run(v: dict[str, Any]) -> Any:
            return what_if(no_filings, v, items, now)

        rows = compare(run, policy, visit, person.scheme, person.retired)
        mine = next(r for r in rows if r["settles_as"] == category.settles_as)
        without = next(r for r in rows if r["settles_as"] == "none")
        saved = without["pays"] - mine["pays"]
        return {
            "visit": visit,
            "total": _total(items),
            "without_filing_pays": _fen_text(without["pays"]),
            "with_filing_pays": _fen_text(mine["pays"]),
            "saves": _fen_text(saved),
            "text_zh": _saved_zh(saved, without["pays"], mine["pays"]),
            "text_en": _saved_en(saved, without["pays"], mine["pays"]),
            "all_zh": effect_text(rows)[0],
            "all_en": effect_text(rows)[1],
        }

    example = effect({**EXAMPLE_VISIT, "location": location}, EXAMPLE_BILL)
    last = _last_settlement(ctx, person_id)
    mine = None
    if last is not None:
        visit, items, settled_at = last
        mine = {**effect({**visit, "location": location}, items), "settled_at": settled_at}
    city_zh, city_en = destination.name_zh, destination.name_en
    return {
        "category": category.id,
        "category_label": _label(rules.CATEGORY_LABELS, category.id),
        "destination": destination.to_json(),
        "location": location,
        "example": {
            **example,
            "about_zh": f"一次在{city_zh}三级医院住院、花费20,000.00 元的例子",
            "about_en": f"an example: a stay in a level-3 hospital in {city_en}, "
            "costing 20,000.00 yuan",
        },
        "last_settlement": mine,
    }


def _fen_text(fen: int) -> str:
    from chalicelib.rules.money import format_fen

    return format_fen(fen)


def _total(items: list[Any]) -> str:
    from chalicelib.rules.money import format_fen, parse_yuan

    return format_fen(sum(parse_yuan(i["amount"]) for i in items))


def _saved_zh(saved: int, without: int, mine: int) -> str:
    if saved <= 0:
        return f"备案与否，您自己付的一样：约{money_zh(mine)}。"
    return f"未备案您约付{money_zh(without)}；备案后约付{money_zh(mine)}，少付{money_zh(saved)}。"


def _saved_en(saved: int, without: int, mine: int) -> str:
    if saved <= 0:
        return f"You would pay the same with or without this filing: about {money_en(mine)}."
    return (
        f"Without a filing you would pay about {money_en(without)}; with it about "
        f"{money_en(mine)}, {money_en(saved)} less."
    )


def _last_settlement(
    ctx: FilingContext, person_id: str
) -> tuple[dict[str, Any], list[dict[str, Any]], str] | None:
    """My last settlement's visit and its amounts as a bill (in policy, B's self-pay part,
    out of policy): enough to settle it again elsewhere. None without one that says its visit."""
    found, _ = ctx.settlement_store.list_for_person(person_id, 1, None)
    if not found or "visit" not in found[0] or found[0].get("status") != "settled":
        return None
    last = found[0]
    items = []
    if last["in_policy"] != "0.00":
        items.append({"code": "IN_POLICY", "catalogue": "A", "amount": last["in_policy"]})
    if last["self_first"] != "0.00":
        items.append(
            {"code": "B_SELF", "catalogue": "B", "amount": last["self_first"], "b_self_ratio": "1"}
        )
    if last["out_of_policy"] != "0.00":
        items.append({"code": "OUT", "catalogue": "C", "amount": last["out_of_policy"]})
    if not items:
        return None
    kept = ("kind", "hospital_level", "referral", "diagnoses")
    visit = {k: v for k, v in last["visit"].items() if k in kept}
    return visit, items, last["settled_at"]


__all__ = [
    "FilingContext",
    "cancel",
    "change",
    "create",
    "filing_json",
    "get_filing",
    "overview",
    "preview",
    "request_proxy",
]
