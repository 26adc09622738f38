"""异地就医备案 (remote-care filing) for the insured: file, see, change, cancel.

Filing straight to the treating city, with a personal commitment instead of documents
and no approvals or stamps (001:83 §2.2.2, 医保发〔2022〕22号). The rules are pure
(``rules/filing.py``, numbers from the policy); this service reads the person once,
writes once (a conditional transaction with the audit event and, with an
``Idempotency-Key``, the answer), and confirms by SMS. A relative may file for a person
(代办) only with that person's consent, given by the SMS code family aid uses; the
filing records who filed it.
"""

from __future__ import annotations

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
    StaleFilings,
    StoredAnswer,
    StoredFiling,
)
from chalicelib.rules import filing as rules
from chalicelib.rules import places
from chalicelib.rules.filing import Filing, FilingRefused
from chalicelib.rules.identity import mask_name
from chalicelib.rules.policy import FilingRules, policy_in_force
from chalicelib.services import auth, filing_notices
from chalicelib.services.auth import keyed_hash
from chalicelib.services.filing_views import categories, filing_json, lock_reasons
from chalicelib.services.idempotency import fingerprint, replay

log = logging.getLogger(__name__)

WRITES_PER_DAY = 10  # filing writes a person may make a day (each sends an SMS)
PROXY_MINUTES = 60  # a request to file for a relative is good this long
ATTEMPTS = 5  # re-reads when another write for the person got in first


@dataclass(frozen=True)
class FilingContext:
    store: Any  # DynamoFilingRepository
    auth: auth.AuthContext
    notices: Any  # chalicelib.services.notices.NoticeContext
    clock: Clock
    pepper: str
    settlement_store: Any = None  # DynamoSettlementRepository: previews read the person with it


# --- reading ------------------------------------------------------------------------------------


def load_record(ctx: FilingContext, person_id: str) -> FilingRecord:
    record: FilingRecord | None = ctx.store.load(person_id)
    if record is None:
        raise errors.NotFound("No insured person for this sign-in.", "没有找到您的参保信息。")
    return record


def filing_rules(region: str, today: date) -> FilingRules:
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


def problem_of(exc: FilingRefused) -> errors.DomainError:
    if exc.code in ("filing_overlap", "already_cancelled", "already_lapsed"):
        return errors.Conflict(exc.text_en, exc.text_zh, code=exc.code)
    if exc.field is not None:
        return errors.field_error(exc.field, exc.code, exc.text_en, exc.text_zh)
    return errors.RuleViolation(exc.text_en, exc.text_zh, code=exc.code)


def destination_of(province: str, city_code: str, region: str) -> places.City:
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
        raise problem_of(exc) from None
    return found


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise errors.field_error(
            field, "date", "Enter a real date as YYYY-MM-DD.", "请填写有效日期，格式为YYYY-MM-DD。"
        ) from None


def overview(ctx: FilingContext, person_id: str) -> dict[str, Any]:
    """我的异地就医备案：my filings, which categories I may use, the rules in plain words."""
    record = load_record(ctx, person_id)
    today = ctx.clock.now().date()
    person = record.person
    policy_rules = filing_rules(person.region, today)
    current = rules.in_force((s.filing for s in record.filings), today)
    home = places.city(places.home_city(person.region))
    return {
        "today": today.isoformat(),
        "home": home.to_json() if home else None,
        "in_force": current.filing_id if current else None,
        "filings": [filing_json(s, policy_rules, today) for s in record.filings],
        "categories": categories(policy_rules, person.scheme, person.retired),
        "validity": {
            "temporary_min_months": policy_rules.temporary_min_months,
            "temporary_max_months": policy_rules.temporary_max_months,
            "start_days_ahead": policy_rules.start_days_ahead,
            "reminder_days_before": policy_rules.reminder_days_before,
        },
        "lock": {
            "months": policy_rules.lock_months,
            "reasons": lock_reasons(policy_rules),
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
    record = load_record(ctx, person_id)
    today = ctx.clock.now().date()
    policy_rules = filing_rules(record.person.region, today)
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
        raise problem_of(exc) from None
    destination = destination_of(body["province"], body["city"], person.region)
    start = _day(body["start"], "start")
    end = _day(body["end"], "end") if body.get("end") else None
    try:
        start, end = rules.validity(policy_rules, category, start, end, today)
    except FilingRefused as exc:
        raise problem_of(exc) from None
    return category, destination, start, end


def _check_overlap(
    record: FilingRecord, start: date, end: date | None, today: date, but: str | None = None
) -> None:
    other = rules.overlap((s.filing for s in record.filings), start, end, today, but)
    if other is not None:
        city = places.city(other.city)
        names = (city.name_zh, city.name_en) if city else (other.city, other.city)
        raise problem_of(rules.overlap_refusal(other, *names))


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
        record = load_record(ctx, holder_id)
        _insured(record)
        policy = policy_in_force(record.person.region, today)
        policy_rules = filing_rules(record.person.region, today)
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
                ctx.notices, record.person, "filing_by_agent", {**values, "name": agent_name}
            )
        else:
            filing_notices.send(ctx.notices, record.person, "filing_accepted", values)
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
        "cancelled_on": f.cancelled_on.isoformat() if f.cancelled_on else None,
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
    """变更备案：another city, start (before it starts) or end (temporary), where allowed."""

    def changed(policy_rules: FilingRules, record: FilingRecord, f: Filing, today: date) -> Filing:
        return _changed(policy_rules, record, f, body, today)

    return _rewrite(ctx, person_id, filing_id, body.get("reason"), request_id, "changed", changed)


def _rewrite(
    ctx: FilingContext,
    person_id: str,
    filing_id: str,
    reason: str | None,
    request_id: str | None,
    action: str,
    decide: Any,  # (policy rules, record, filing, today) -> the filing as it will be
) -> dict[str, Any]:
    """Change or cancel one filing: read, decide by the rules, write with its event, tell."""
    for attempt in range(ATTEMPTS):
        now = ctx.clock.now()
        today = now.date()
        record = load_record(ctx, person_id)
        stored = _stored(record, filing_id)
        policy_rules = filing_rules(record.person.region, today)
        f: Filing = stored.filing
        try:
            rules.check_open(f, today)
        except FilingRefused as exc:
            raise problem_of(exc) from None
        new: Filing = decide(policy_rules, record, f, today)
        if new == f:
            return filing_json(stored, policy_rules, today, detail=True)  # nothing to change
        try:
            rules.check_unlocked(policy_rules, f, reason, today)
        except FilingRefused as exc:
            raise problem_of(exc) from None
        if new.status == "active":
            _check_overlap(record, new.start, new.end, today, but=f.filing_id)
        if attempt == 0:
            _count_write(ctx, person_id, now)
        before, after = _facts(f), _facts(new)
        event = FilingEvent(
            at=now.isoformat(timespec="microseconds"),
            action=action,
            actor=person_id,
            channel="self_service",
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
            reason=reason,
            request_id=request_id,
        )
        written = replace(stored, filing=new)
        try:
            ctx.store.save(record, stored, written, event)
        except StaleFilings:
            continue  # another write for the person got in first: read again, decide again
        log.info(f"filing {action}", extra={"person_id": person_id, "filing_id": filing_id})
        values: dict[str, Any] = dict(_sms_values(new))
        if action == "cancelled":
            values = {"city": values["city"], "day": today}
        filing_notices.send(ctx.notices, record.person, f"filing_{action}", values)
        shown = replace(written, version=(stored.version or 0) + 1, events=(event, *stored.events))
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
        city = destination_of(body["province"], body["city"], record.person.region).code
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
        raise problem_of(exc) from None
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
    """取消备案：from today on the filing is no longer in force."""
    reason = body.get("reason")

    def cancelled(
        policy_rules: FilingRules, record: FilingRecord, f: Filing, today: date
    ) -> Filing:
        return rules.cancelled(f, reason, today)

    return _rewrite(ctx, person_id, filing_id, reason, request_id, "cancelled", cancelled)


# --- filing for a relative (代办) ----------------------------------------------------------------


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
    agent = load_record(ctx, agent_id).person
    return relative_id, mask_name(agent.name)


def _proxy_gone() -> errors.NotFound:
    return errors.NotFound(
        "This request to file for a relative is used or has lapsed: ask for a new code.",
        "这次代办申请已使用或已过期，请重新获取家人的验证码。",
    )


__all__ = [
    "FilingContext",
    "cancel",
    "change",
    "create",
    "filing_json",
    "get_filing",
    "overview",
]
