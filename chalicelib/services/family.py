"""家庭共济 (family mutual aid) for the insured: link, consent, use, end.

An employee (the payer) names a close relative by ID number and name; the
relative gets an SMS code and agrees by passing it on (or by confirming in their
own portal). The answer to a request is the same whether or not the relative is
insured here, so the form cannot be used to find out who is. Uses (a settlement's
self-pay, a resident contribution) move money in one transaction with a line in
both persons' family statements and in the payer's account statement.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from chalicelib import errors
from chalicelib.ports import (
    Clock,
    FamilySide,
    FamilyUse,
    LinkTaken,
    StaleLink,
    StoredLink,
)
from chalicelib.rules import family as rules
from chalicelib.rules.contributions import SUBSIDY_ZH, resident_year
from chalicelib.rules.explain import yuan
from chalicelib.rules.identity import IdNumber, mask_name
from chalicelib.rules.money import format_fen
from chalicelib.rules.policy import policy_in_force
from chalicelib.services import auth
from chalicelib.services.auth import person_id_for
from chalicelib.services.notices import notify
from chalicelib.services.paging import decode_cursor, encode_cursor, year_param

log = logging.getLogger(__name__)

PAGE_SIZE = 50
FIRST_YEAR = 2021  # family mutual aid began with the 2021 reform


@dataclass(frozen=True)
class FamilyContext:
    store: Any  # DynamoFamilyRepository
    auth: auth.AuthContext
    notices: Any  # chalicelib.services.notices.NoticeContext
    clock: Clock
    pepper: str


def _label(table: dict[str, tuple[str, str]], code: str | None) -> dict[str, str] | None:
    if code is None:
        return None
    zh, en = table[code]
    return {"zh": zh, "en": en}


def _refused(exc: rules.Refusal) -> errors.RuleViolation:
    return errors.RuleViolation(exc.text_en, exc.text_zh, code=exc.code)


def _side(ctx: FamilyContext, person_id: str) -> FamilySide:
    side = ctx.store.side(person_id)
    if side is None:
        raise errors.NotFound("No insured person for this sign-in.", "没有找到您的参保信息。")
    return side  # type: ignore[no-any-return]


def find_link(links: Iterable[StoredLink], link_id: str) -> StoredLink | None:
    """One side's copy of the link ``link_id``, if that side has it."""
    return next((stored for stored in links if stored.link.link_id == link_id), None)


def _link(side: FamilySide, link_id: str) -> StoredLink:
    found = find_link(side.links, link_id)
    if found is None:
        raise errors.NotFound("You have no family link with this id.", "没有找到这条家庭共济绑定。")
    return found


def _other(ctx: FamilyContext, mine: StoredLink) -> tuple[FamilySide | None, StoredLink | None]:
    """The other person's side (one Query) and their copy of the link."""
    other: FamilySide | None = ctx.store.side(mine.other_person_id)
    return other, None if other is None else find_link(other.links, mine.link.link_id)


def _code_minutes(ctx: FamilyContext) -> int:
    """How long a consent code works: the SMS codes' lifetime (the SMS says the same)."""
    return max(1, ctx.auth.limits.ttl_seconds // 60)


def _link_json(stored: StoredLink, now: datetime, code_minutes: int) -> dict[str, Any]:
    link = stored.link
    status, reason = link.status_at(now)
    body: dict[str, Any] = {
        "link_id": link.link_id,
        "role": link.role,
        "relation": link.relation,
        "relation_label": _label(rules.RELATION_LABELS, link.relation),
        "other_name": link.other_name,
        "status": status,
        "status_label": _label(rules.STATUS_LABELS, status),
        "created_at": link.created_at.isoformat(timespec="seconds"),
        "consented_at": link.consented_at.isoformat(timespec="seconds")
        if link.consented_at
        else None,
        "ended_at": link.ended_at.isoformat(timespec="seconds") if link.ended_at else None,
        "end_reason": reason,
        "end_reason_label": _label(rules.END_REASONS, reason),
    }
    body.update(_next_steps(link.role, status, code_minutes))
    if status == "pending" and link.role == "payer":
        # The page's own words take the figures from here, never a copy of them.
        body.update(code_valid_minutes=code_minutes, pending_hours=rules.PENDING_HOURS)
    return body


def _next_steps(role: str, status: str, code_minutes: int) -> dict[str, str]:
    if status == "pending" and role == "payer":
        # Two clocks, said apart: the SMS code's minutes (as in the SMS), the request's day.
        zh = (
            f"请让家人把收到的短信验证码告诉您并在此输入，验证码{code_minutes}分钟内有效，"
            "过期了可以点“重新发送验证码”；也可以请家人登录后自己确认。"
            f"申请{rules.PENDING_HOURS}小时内没有确认会自动失效。"
            "如果姓名或身份证号填错了，请点“撤回申请”后重新申请。"
        )
        en = (
            "Ask your relative for the SMS code they received and enter it here. The code "
            f"works for {code_minutes} minutes; if it has expired, press “Send the code "
            "again”. Or ask them to sign in and confirm. The request lapses if not confirmed "
            f"within {rules.PENDING_HOURS} hours. If the name or ID number was wrong, press "
            "“Withdraw the request” and ask again."
        )
    elif status == "pending":
        zh = "您的家人申请用他的职工医保个人账户为您支付。同意请点“同意绑定”，不同意请点“拒绝”。"
        en = "Your relative asks to pay for you from their personal account: accept or decline."
    elif status == "active" and role == "payer":
        zh = "您的个人账户可以为这位家人支付看病的自付费用和居民医保个人缴费。随时可以解除。"
        en = (
            "Your personal account can pay this relative's self-pay at hospitals and pharmacies "
            "and their resident contribution. You can end the link at any time."
        )
    elif status == "active":
        zh = "看病结算时可以选择用家人的共济账户支付自付部分。随时可以解除。"
        en = "At settlement, your self-pay part can be paid from your relative's account."
    else:
        zh, en = "这条绑定已不再生效。需要时可以重新申请。", "This link is no longer in force."
    return {"next_step_zh": zh, "next_step_en": en}


def overview(ctx: FamilyContext, person_id: str) -> dict[str, Any]:
    """家庭共济：my links, as payer and as relative, and whether I can pay for relatives."""
    side = _side(ctx, person_id)
    now = ctx.clock.now()
    can_pay = True
    try:
        rules.check_payer(side.person.scheme, side.person.status, side.account_balance is not None)
        why = None
    except rules.Refusal as exc:
        can_pay, why = False, {"code": exc.code, "text_zh": exc.text_zh, "text_en": exc.text_en}
    return {
        "can_pay": can_pay,
        "cannot_pay_reason": why,
        "account_balance": format_fen(side.account_balance)
        if side.account_balance is not None
        else None,
        "links": [_link_json(s, now, _code_minutes(ctx)) for s in side.links],
        "rules_zh": (
            "职工医保个人账户可以为配偶、父母、子女支付在定点医院和药店看病购药的自付费用，"
            "以及他们参加居民医保的个人缴费。绑定需要家人用短信验证码同意；任何一方都可以随时解除；"
            "任何一方医保终止时自动解除。每次使用都记入双方的明细。"
        ),
        "rules_en": (
            "An employee's personal account can pay the self-pay part of a spouse's, parent's or "
            "child's care at designated hospitals and pharmacies, and their resident "
            "contribution. The relative agrees by SMS code; either side may end the link at any "
            "time; it ends by itself when either's insurance ends. Every use appears in both "
            "persons' statements."
        ),
        "source": rules.SOURCE,
    }


def request_link(
    ctx: FamilyContext,
    payer_id: str,
    number: IdNumber,
    name: str,
    relation: rules.Relation,
    client_ip: str,
) -> dict[str, Any]:
    """申请绑定：create the request and send the relative a consent code (if they are insured
    here with this name). The answer is the same either way."""
    name = name.strip()
    payer = _side(ctx, payer_id)
    try:
        rules.check_payer(
            payer.person.scheme, payer.person.status, payer.account_balance is not None
        )
    except rules.Refusal as exc:
        raise _refused(exc) from None
    relative_id = person_id_for(number.value, ctx.pepper)
    if relative_id == payer_id:
        raise errors.field_error(
            "id_number", "self", "This is your own ID number.", "这是您本人的身份证号码。"
        )
    now = ctx.clock.now()
    open_links = [
        s for s in payer.links if s.link.role == "payer" and s.link.status_at(now)[0] != "ended"
    ]
    if any(s.other_person_id == relative_id for s in open_links):
        raise errors.Conflict(
            "You already have a link or a request for this relative. If a request is still "
            "waiting (for example with a mistyped name), withdraw it under “I pay for "
            "relatives” (“Withdraw the request”), then ask again.",
            "您已经绑定或申请绑定了这位家人。如果有一条申请还在等待确认（比如姓名填错了），"
            "请在下面“我为家人支付”里点这条申请的“撤回申请”，再重新申请。",
            code="already_linked",
        )
    try:
        rules.check_new_link(len(open_links))
    except rules.Refusal as exc:
        raise _refused(exc) from None
    relative = auth.person_named(ctx.auth, relative_id, name)
    link_id = "f" + secrets.token_hex(8)
    payer_copy = StoredLink(
        rules.Link(link_id, "payer", relation, "pending", mask_name(name), now),
        payer_id,
        relative_id,
        0,
    )
    relative_copy = (
        StoredLink(
            rules.Link(
                link_id,
                "relative",
                rules.inverse(relation),
                "pending",
                mask_name(payer.person.name),
                now,
            ),
            relative_id,
            payer_id,
            0,
        )
        if relative is not None
        else None
    )
    kind, values = _consent_sms(payer.person.name, relation)
    auth.request_consent(
        ctx.auth, payer_id, relative_id, relative, client_ip, link_id, kind, values
    )
    ctx.store.create(payer_copy, relative_copy)
    log.info("family link requested", extra={"person_id": payer_id, "link_id": link_id})
    return _link_json(payer_copy, now, _code_minutes(ctx))


def _consent_sms(payer_name: str, relation: rules.Relation) -> tuple[str, dict[str, str]]:
    """The relative's SMS (template ``family_consent``): who asks, and as what relation."""
    who = mask_name(payer_name)
    what = rules.RELATION_LABELS[rules.inverse(relation)][0]
    return "family_consent", {"name": who, "relation": what}


CODE_RESENT = {
    "detail": "If your relative is insured here under the name and ID number you gave, a new "
    "code has been sent to them. It works for {minutes} minutes.",
    "detail_zh": "如果家人在这里参保，姓名和身份证号也对，新的验证码已发到家人的手机，"
    "{minutes}分钟内有效。",
}


def resend_code(
    ctx: FamilyContext, payer_id: str, link_id: str, client_ip: str
) -> dict[str, str]:
    """重新发送验证码：a new consent code for a request still waiting, limited like the first
    (once a minute, five a day, per payer and per relative). The answer is the same whether
    or not the name matched, and so is what the limits count: it tells nothing."""
    payer_side = _side(ctx, payer_id)
    mine = _link(payer_side, link_id)
    if mine.link.role != "payer":
        raise errors.Forbidden(
            "Only the account holder can have the code sent again.",
            "只有申请绑定的一方可以重新发送验证码。",
        )
    _pending(mine, ctx.clock.now())
    other_side, theirs = _other(ctx, mine)
    relative = other_side.person if other_side is not None and theirs is not None else None
    auth.request_consent(
        ctx.auth,
        payer_id,
        mine.other_person_id,
        relative,
        client_ip,
        link_id,
        *_consent_sms(payer_side.person.name, mine.link.relation),
    )
    minutes = _code_minutes(ctx)
    return {k: v.format(minutes=minutes) for k, v in CODE_RESENT.items()}


def _activate(
    ctx: FamilyContext,
    payer_side: FamilySide,
    payer: StoredLink,
    relative_side: FamilySide,
    relative: StoredLink,
    now: datetime,
) -> None:
    try:
        rules.check_payer(
            payer_side.person.scheme,
            payer_side.person.status,
            payer_side.account_balance is not None,
        )
        if relative_side.person.status != "active":
            raise rules.Refusal(
                "relative_not_insured",
                "Your relative's insurance is not in force, so the link cannot start.",
                "这位家人目前不在正常参保状态，暂时不能绑定。",
            )
    except rules.Refusal as exc:
        raise _refused(exc) from None
    try:
        ctx.store.activate(payer, relative, now)
    except LinkTaken:
        raise errors.Conflict(
            "This relative is already linked with another account; one account at a time. "
            "The other link must end first.",
            "这位家人已经绑定了另一个共济账户，同一时间只能绑定一个。请先解除原来的绑定。",
            code="relative_already_linked",
        ) from None
    except StaleLink:
        raise _changed() from None
    for side, person in ((payer, payer_side.person), (relative, relative_side.person)):
        notify(
            ctx.notices,
            person,
            "family_link_active",
            {
                "name": side.link.other_name,
                "relation": rules.RELATION_LABELS[side.link.relation][0],
            },
        )
    log.info("family link active", extra={"link_id": payer.link.link_id})


def _changed() -> errors.Conflict:
    return errors.Conflict(
        "This link changed meanwhile; please look at it again.",
        "这条绑定刚刚有变化，请刷新后再试。",
        code="link_changed",
    )


def _pending(stored: StoredLink, now: datetime) -> None:
    status, _ = stored.link.status_at(now)
    if status != "pending":
        raise errors.Conflict(
            "This request is no longer waiting for consent (it is "
            f"{rules.STATUS_LABELS[status][1]}).",
            f"这条申请已不在等待确认状态（当前：{rules.STATUS_LABELS[status][0]}）。",
            code="not_pending",
        )


def confirm_with_code(ctx: FamilyContext, payer_id: str, link_id: str, code: str) -> dict[str, Any]:
    """The payer enters the code the relative received: the relative's consent."""
    payer_side = _side(ctx, payer_id)
    mine = _link(payer_side, link_id)
    if mine.link.role != "payer":
        raise errors.Forbidden(
            "Only the account holder enters the relative's code; accept the request instead.",
            "验证码由申请绑定的一方输入；您可以直接点“同意绑定”。",
        )
    now = ctx.clock.now()
    _pending(mine, now)
    auth.verify_consent(ctx.auth, mine.other_person_id, link_id, code)
    relative_side, relative = _other(ctx, mine)
    if relative_side is None or relative is None:  # pragma: no cover - a code needs both
        raise errors.CodeInvalid("The code is wrong.", "验证码不对。")
    _activate(ctx, payer_side, mine, relative_side, relative, now)
    return _link_json(_activated(mine, now), now, _code_minutes(ctx))


def accept(ctx: FamilyContext, relative_id: str, link_id: str) -> dict[str, Any]:
    """The relative, signed in, agrees to a request for them."""
    relative_side = _side(ctx, relative_id)
    mine = _link(relative_side, link_id)
    if mine.link.role != "relative":
        raise errors.Forbidden(
            "Your relative accepts this request, not you.", "这条申请需要由您的家人同意。"
        )
    now = ctx.clock.now()
    _pending(mine, now)
    payer_side, payer = _other(ctx, mine)
    if payer_side is None or payer is None:  # pragma: no cover - both copies are written together
        raise _changed()
    _activate(ctx, payer_side, payer, relative_side, mine, now)
    return _link_json(_activated(mine, now), now, _code_minutes(ctx))


def _activated(stored: StoredLink, now: datetime) -> StoredLink:
    """The copy as :meth:`activate` wrote it (no need to read it back)."""
    link = replace(stored.link, status="active", consented_at=now.replace(microsecond=0))
    return replace(stored, link=link, version=stored.version + 1)


def end(ctx: FamilyContext, person_id: str, link_id: str) -> dict[str, Any]:
    """解除：either side ends a link (or withdraws / declines a request)."""
    mine = _link(_side(ctx, person_id), link_id)
    now = ctx.clock.now()
    status, _ = mine.link.status_at(now)
    if status == "ended":
        raise errors.Conflict(
            "This link has already ended.", "这条绑定已经解除。", code="already_ended"
        )
    other_side, other = _other(ctx, mine)
    if mine.link.role == "payer":
        reason = "ended_by_payer"
    else:
        reason = "declined" if status == "pending" else "ended_by_relative"
    sides = [(mine, status == "active")]
    if other is not None and other.link.status != "ended":
        sides.append((other, status == "active"))
    try:
        ctx.store.end(sides, reason, now)
    except StaleLink:
        raise _changed() from None
    if other_side is not None and other is not None and status == "active":
        notify(
            ctx.notices,
            other_side.person,
            "family_link_ended",
            {"name": other.link.other_name, "end_reason": rules.END_REASONS[reason][0]},
        )
    log.info("family link ended", extra={"link_id": link_id, "reason": reason})
    ended = replace(
        mine.link, status="ended", ended_at=now.replace(microsecond=0), end_reason=reason
    )
    return _link_json(replace(mine, link=ended), now, _code_minutes(ctx))


def active_payer_link(links: tuple[StoredLink, ...], now: datetime) -> StoredLink | None:
    """The relative's copy of their active link (at most one), if any."""
    for stored in links:
        if stored.link.role == "relative" and stored.link.status_at(now)[0] == "active":
            return stored
    return None


def use_texts(
    amount: int, payer: StoredLink, relative: StoredLink, what_zh: str, what_en: str
) -> dict[str, str]:
    rel_zh = rules.RELATION_LABELS[payer.link.relation][0]
    rel_en = rules.RELATION_LABELS[payer.link.relation][1]
    verb_zh, verb_en = ("退回", "refunded") if amount < 0 else ("支付", "paid")
    shown = yuan(abs(amount))
    return {
        "text_zh": f"为{rel_zh}{payer.link.other_name}{verb_zh}{what_zh}{shown}元",
        "text_en": f"{verb_en} {shown} yuan for your {rel_en} {payer.link.other_name}: {what_en}",
        "relative_text_zh": f"{relative.link.other_name}的共济账户{verb_zh}{what_zh}{shown}元",
        "relative_text_en": (
            f"{relative.link.other_name}'s account {verb_en} {shown} yuan: {what_en}"
        ),
    }


def usable_link(
    store: Any,
    now: datetime,
    relative_links: tuple[StoredLink, ...],
    relative_status: str,
    link_id: str | None = None,
    payer_side: FamilySide | None = None,
) -> tuple[StoredLink, StoredLink, FamilySide] | rules.Refusal:
    """The relative's active link that may pay now (their copy, the payer's copy, the payer's
    side), or why not; with ``link_id``, only that link. Reads the payer's side (one Query)
    unless it was read already (``payer_side``, with a settlement's inputs).
    Nothing here depends on the payer's balance."""
    mine = active_payer_link(relative_links, now)
    if mine is None or (link_id is not None and mine.link.link_id != link_id):
        return rules.Refusal(
            "no_family_link",
            "There is no active family link, so nothing is paid from a relative's account.",
            "没有生效的家庭共济绑定，不能用家人的账户支付。",
        )
    if payer_side is None or payer_side.person.person_id != mine.other_person_id:
        payer_side = store.side(mine.other_person_id)
    payer_copy = None if payer_side is None else find_link(payer_side.links, mine.link.link_id)
    if payer_side is None or payer_copy is None:
        return rules.Refusal("no_family_link", "The link is gone.", "家庭共济绑定已不存在。")
    try:
        rules.check_use(payer_copy.link.status, payer_side.person.status, relative_status)
    except rules.Refusal as exc:
        return exc
    return mine, payer_copy, payer_side


def plan_use(
    store: Any,
    now: datetime,
    relative_links: tuple[StoredLink, ...],
    relative_status: str,
    due_fen: int,
    kind: str,
    ref: str,
    what: tuple[str, str],
    link_id: str | None = None,
    payer_side: FamilySide | None = None,
) -> tuple[FamilyUse, FamilySide] | rules.Refusal:
    """What the relative's linked account would pay towards ``due_fen`` (no write), or why
    not; with ``link_id``, only through that link. Reads the payer's side (one Query) unless
    given (``payer_side``)."""
    usable = usable_link(store, now, relative_links, relative_status, link_id, payer_side)
    if isinstance(usable, rules.Refusal):
        return usable
    mine, payer_copy, payer_side = usable
    amount = rules.family_payment(payer_side.account_balance or 0, due_fen)
    texts = use_texts(amount, payer_copy, mine, *what)
    at = now.isoformat(timespec="milliseconds")
    return FamilyUse(payer_copy, mine, kind, amount, at, ref, **texts), payer_side


def pay_contribution(ctx: FamilyContext, payer_id: str, link_id: str, year: int) -> dict[str, Any]:
    """The payer's account pays a resident relative's contribution for ``year``."""
    mine = _link(_side(ctx, payer_id), link_id)
    if mine.link.role != "payer":
        raise errors.Forbidden(
            "Only the account holder pays from the account.", "只有共济账户本人可以发起代缴。"
        )
    now = ctx.clock.now()
    relative = ctx.store.side(mine.other_person_id)
    relative_copy = find_link(relative.links, link_id) if relative else None
    if relative is None or relative_copy is None or mine.link.status_at(now)[0] != "active":
        raise _refused(
            rules.Refusal(
                "link_not_active",
                "This family link is not active, so the account cannot pay.",
                "家庭共济绑定未生效或已解除，不能用共济账户支付。",
            )
        )
    person = relative.person
    if person.scheme != "resident":
        raise errors.RuleViolation(
            "Your relative is in the employees' scheme: their employer pays, there is no "
            "resident contribution to pay.",
            "这位家人参加的是职工医保，由单位缴费，没有居民医保个人缴费可代缴。",
            code="not_a_resident",
        )
    policy = policy_in_force(person.region, date(year, 1, 1))
    due = resident_year(year, person.groups, policy)
    if not due.window.contains(now.date()):
        raise errors.RuleViolation(
            f"The {year} contribution can be paid from {due.window.start} to {due.window.end}.",
            f"{year}年度居民医保的缴费期是{due.window.start.year}年{due.window.start.month}月"
            f"{due.window.start.day}日至{due.window.end.month}月{due.window.end.day}日，"
            "请在缴费期内缴费。",
            code="outside_enrolment_window",
        )
    if due.individual_fen == 0:
        raise errors.RuleViolation(
            "Medical assistance pays all of this relative's contribution: nothing to pay.",
            "这位家人的个人缴费由医疗救助全额资助，无需缴费。",
            code="nothing_to_pay",
        )
    ref = "c" + secrets.token_hex(8)
    planned = plan_use(
        ctx.store,
        now,
        relative.links,
        person.status,
        due.individual_fen,
        "contribution",
        ref,
        (f"{year}年度居民医保个人缴费", f"{year} resident contribution"),
        link_id,
    )
    if isinstance(planned, rules.Refusal):
        raise _refused(planned)
    use, payer_side = planned
    if use.amount < due.individual_fen:
        raise errors.RuleViolation(
            f"The account holds {yuan(payer_side.account_balance or 0)} yuan; the contribution is "
            f"{yuan(due.individual_fen)} yuan. Pay it another way.",
            f"个人账户余额{yuan(payer_side.account_balance or 0)}元，不足以缴纳"
            f"{yuan(due.individual_fen)}元，请用其他方式缴费。",
            code="balance_too_low",
        )
    line = {
        "at": use.at,
        "period": str(year),
        "kind": "resident",
        "amount": due.individual_fen + due.subsidy_fen,
        "ref": ref,
        "detail": {
            "individual": due.individual_fen,
            "subsidy": due.subsidy_fen,
            "subsidy_source": due.subsidy_source,
            "paid_on": now.date().isoformat(),
            "payer": "family_account",
            "payer_name": relative_copy.link.other_name,
        },
    }
    try:
        paid = ctx.store.pay_contribution(use, payer_side, year, line)
    except StaleLink:
        raise _changed() from None
    if not paid:
        raise errors.Conflict(
            f"The {year} contribution of this relative is already paid.",
            f"这位家人{year}年度的居民医保已经缴费，不用重复缴纳。",
            code="already_paid",
        )
    paid_values: dict[str, Any] = {
        "year": year,
        "amount": due.individual_fen,
        "name": relative_copy.link.other_name,
    }
    if due.subsidy_source:
        paid_values |= {
            "subsidy": SUBSIDY_ZH[due.subsidy_source],
            "subsidy_amount": due.subsidy_fen,
        }
    notify(
        ctx.notices,
        person,
        "family_contribution_paid_subsidised" if due.subsidy_source else "family_contribution_paid",
        paid_values,
    )
    log.info("family contribution paid", extra={"link_id": link_id, "ref": ref})
    return {
        "year": year,
        "ref": ref,
        "paid": format_fen(due.individual_fen),
        "subsidy": format_fen(due.subsidy_fen),
        "account_balance": format_fen((payer_side.account_balance or 0) - use.amount),
        "text_zh": use.text_zh,
        "text_en": use.text_en,
    }


def uses(
    ctx: FamilyContext, person_id: str, year_text: str | None, cursor: str | None
) -> dict[str, Any]:
    """家庭共济明细：what I paid for relatives and what relatives paid for me, newest first."""
    today = ctx.clock.now().date()
    year = year_param(year_text, FIRST_YEAR, today.year, today.year, "（家庭共济自2021年起）")
    after = None if cursor is None else decode_cursor(cursor, f"FAMILY#{year}#")
    lines, last = ctx.store.uses(person_id, year, PAGE_SIZE, after)
    return {
        "year": year,
        "entries": [
            {
                **line,
                "amount": format_fen(line["amount"]),
                "relation_label": _label(rules.RELATION_LABELS, line["relation"]),
            }
            for line in lines
        ],
        "next_cursor": encode_cursor(last),
    }


def change_insurance_status(ctx: FamilyContext, person_id: str, status: str) -> list[str]:
    """参保状态变更 (from the core system): when insurance ends, every open link ends with it,
    in the same transaction. Returns the ended link ids."""
    for _ in range(5):  # a link that changes meanwhile: read again
        now = ctx.clock.now()
        sides, others = (
            _open_sides(ctx, _side(ctx, person_id), now) if status == "ended" else ([], [])
        )
        try:
            ctx.store.set_status(person_id, status, sides, now)
            break
        except StaleLink:
            continue
    else:
        raise _changed()
    for other_side, copy in others:
        notify(
            ctx.notices, other_side.person, "family_insurance_ended", {"name": copy.link.other_name}
        )
    log.info("insurance status changed", extra={"person_id": person_id, "status": status})
    return sorted({s.link.link_id for s, _ in sides})


def _open_sides(
    ctx: FamilyContext, side: FamilySide, now: datetime
) -> tuple[list[tuple[StoredLink, bool]], list[tuple[FamilySide, StoredLink]]]:
    """Both copies of every link still open (pending within its day, or active), and the
    other persons to tell, with their copies."""
    sides: list[tuple[StoredLink, bool]] = []
    others: list[tuple[FamilySide, StoredLink]] = []
    for mine in side.links:
        current, _ = mine.link.status_at(now)
        if current == "ended":
            continue  # ended or lapsed: nothing to end, nobody to tell
        active = current == "active"
        sides.append((mine, active))
        other_side, other = _other(ctx, mine)
        if other_side is not None and other is not None and other.link.status != "ended":
            sides.append((other, active))
            others.append((other_side, other))
    return sides, others


__all__ = [
    "FamilyContext",
    "accept",
    "change_insurance_status",
    "confirm_with_code",
    "end",
    "overview",
    "pay_contribution",
    "plan_use",
    "request_link",
    "usable_link",
    "uses",
]
