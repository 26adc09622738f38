"""Login by ID number and SMS code (身份证号 + 短信验证码).

``request_code`` answers the same way whether or not the pair matches, so the
endpoint cannot be used to find out who is insured. ``exchange_code`` turns a
correct, fresh, unused code into a short-lived access token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.config import OtpLimits
from chalicelib.errors import CodeInvalid, Forbidden, NotFound, TooManyRequests, Unauthorized
from chalicelib.ports import (
    Clock,
    LoginStore,
    PendingCode,
    Person,
    PersonRepository,
    RateBucket,
    RateLimited,
    Recipient,
    TokenClaims,
    TokenService,
)
from chalicelib.rules.identity import IdNumber
from chalicelib.rules.waits import wait_words

log = logging.getLogger(__name__)

CITIZEN_SCOPES = ("citizen",)


def keyed_hash(pepper: str, purpose: str, value: str, length: int = 32) -> str:
    """A keyed hash (HMAC-SHA256, base32) so that personal numbers are never used as keys."""
    digest = hmac.new(pepper.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().rstrip("=").lower()[:length]


def person_id_for(id_number: str, pepper: str) -> str:
    """The opaque person id derived from the ID number (20 base32 characters, 100 bits)."""
    return "p" + keyed_hash(pepper, "person", id_number, 20)


def phone_key(pepper: str, phone: str) -> str:
    """The keyed hash a person is found by from their phone (an inbound SMS)."""
    return keyed_hash(pepper, "phone-index", phone, 32)


@dataclass(frozen=True)
class AuthContext:
    """What the login services need besides the request."""

    persons: PersonRepository
    login: LoginStore
    notices: Any  # chalicelib.services.notices.NoticeContext: every SMS goes through it
    tokens: TokenService
    clock: Clock
    pepper: str
    limits: OtpLimits


NO_MATCH = "nomatch"
"""The phone counter of login requests whose ID number and phone do not match."""


def _buckets(
    ctx: AuthContext, phone: str | None, client_ip: str, now: int, counter: str
) -> list[RateBucket]:
    """The windows a code request counts in: the client IP's, and the phone's on the
    ``counter`` of what is asked for. Each purpose has its own phone counter (a minute,
    an hour, a day), and so do login requests whose pair does not match
    (:data:`NO_MATCH`): nobody can use up the holder's login codes by asking with their
    phone and another ID number, and step-up codes never spend login codes."""
    limits = ctx.limits
    ip_key = keyed_hash(ctx.pepper, "ip", client_ip, 16)
    buckets = []
    windows = [
        (f"ip#{ip_key}", "h", 3600, limits.per_ip_hour),
        (f"ip#{ip_key}", "d", 86_400, limits.per_ip_day),
    ]
    if phone is not None:
        phone_key = keyed_hash(ctx.pepper, "phone", phone, 16)
        # One code a minute per counter: 60 s after the last, not per clock minute.
        buckets.append(
            RateBucket(
                f"RL#phone#{phone_key}#{counter}#gap",
                1,
                now + limits.code_gap_seconds,
                gap=limits.code_gap_seconds,
            )
        )
        windows[:0] = [
            (f"phone#{phone_key}#{counter}", "h", 3600, limits.per_phone_hour),
            (f"phone#{phone_key}#{counter}", "d", 86_400, limits.per_phone_day),
        ]
    for subject, unit, seconds, limit in windows:
        start = now - now % seconds
        buckets.append(RateBucket(f"RL#{subject}#{unit}{start}", limit, start + seconds))
    return buckets


def _count(
    ctx: AuthContext,
    buckets: Sequence[RateBucket],
    pending: PendingCode | None,
    now: int,
    what_en: str,
    what_zh: str,
) -> None:
    """Count one request in ``buckets`` (storing ``pending`` with it); 429 when one is full."""
    try:
        ctx.login.record_code_request(buckets, pending, now)
    except RateLimited as exc:
        log.info("rate limited", extra={"limit": exc.key.split("#")[1]})
        wait_en, wait_zh = wait_words(exc.retry_after)
        raise TooManyRequests(
            f"Too many {what_en}. Please try again in {wait_en}.",
            f"{what_zh}太频繁，请在 {wait_zh}后再试。",
            exc.retry_after,
        ) from None


def throttle(ctx: AuthContext, name: str, client_ip: str, per_minute: int) -> None:
    """Let a client IP make at most ``per_minute`` requests of ``name`` a clock minute
    (public look-ups such as the certificate check, against guessing); else 429."""
    now = int(ctx.clock.now().timestamp())
    start = now - now % 60
    key = keyed_hash(ctx.pepper, "ip", client_ip, 16)
    bucket = RateBucket(f"RL#{name}#{key}#m{start}", per_minute, start + 60)
    _count(ctx, [bucket], None, now, "checks", "查询")


def code_hash(pepper: str, person_id: str, code: str, purpose: str = "login") -> str:
    label = f"otp:{person_id}" if purpose == "login" else f"otp:{purpose}:{person_id}"
    return keyed_hash(pepper, label, code, 52)


def _send_code(
    ctx: AuthContext,
    person: Recipient | None,
    phone: str | None,
    client_ip: str,
    purpose: str,
    kind: str,
    values: Mapping[str, Any],
    *,
    extra: Sequence[RateBucket] = (),
    counter: str | None = None,
) -> None:
    """Count the request against every limit; if ``person`` is given, store and send a code.

    Without ``person`` (the pair does not match, the relative is unknown) the request does
    the same work for nobody: a code stored under a decoy id that no person has and a
    decoy message (services/notices.py's :func:`decoy`), so that the answer takes as long
    either way and the time tells nothing (issue 15 item 2).

    ``kind`` and ``values`` name the SMS template (rules/notices.py) and its slots besides
    the code and its minutes; ``extra`` adds limits of the person asking, ``counter`` names
    the phone's counter (the purpose).
    """
    from chalicelib.services import notices

    now = int(ctx.clock.now().timestamp())
    code = f"{secrets.randbelow(1_000_000):06d}"
    owner = person.person_id if person is not None else _decoy_id()
    pending = PendingCode(
        owner,
        code_hash(ctx.pepper, owner, code, purpose),
        now + ctx.limits.ttl_seconds,
        purpose=purpose,
    )
    buckets = [*extra, *_buckets(ctx, phone, client_ip, now, counter or purpose)]
    _count(ctx, buckets, pending, now, "codes requested", "获取验证码")
    slots = {**values, "code": code, "minutes": ctx.limits.ttl_seconds // 60}
    if person is None:
        notices.decoy(ctx.notices, owner, phone or "", kind, slots)
        return
    notices.notify(ctx.notices, person, kind, slots)
    log.info("sms code sent", extra={"person_id": person.person_id, "purpose": purpose})


def _decoy_id() -> str:
    """A fresh person id that no person has (``d`` and 20 random base32 characters, the
    shape of :func:`person_id_for`'s): a decoy's code and record are stored under it."""
    return "d" + base64.b32encode(secrets.token_bytes(13)).decode().lower()[:20]


def request_code(ctx: AuthContext, id_number: IdNumber, phone: str, client_ip: str) -> None:
    """Send a 6-digit login code to the registered phone if the pair matches.

    The limits apply either way, and the caller answers the same either way.
    """
    person = ctx.persons.login_contact(person_id_for(id_number.value, ctx.pepper))
    matches = person is not None and hmac.compare_digest(person.phone, phone)
    if not matches:
        log.info("login code requested for a pair that does not match")
    _send_code(
        ctx,
        person if matches else None,
        phone,
        client_ip,
        "login",
        "login_code",
        {},
        counter=None if matches else NO_MATCH,
    )


def _check_code(ctx: AuthContext, person_id: str, code: str, purpose: str) -> None:
    now = int(ctx.clock.now().timestamp())
    pending = ctx.login.attempt_code(person_id, now, ctx.limits.max_attempts, purpose)
    given = code_hash(ctx.pepper, person_id, code, purpose)
    if (
        pending is None
        or not hmac.compare_digest(pending.code_hash, given)
        or not ctx.login.consume_code(person_id, given, purpose)
    ):
        log.info("sms code rejected", extra={"person_id": person_id, "purpose": purpose})
        raise CodeInvalid(
            "The code is wrong, expired or already used. After 5 wrong tries a code stops "
            "working: request a new one.",
            "验证码不对、已过期或已使用。输错5次后验证码作废，请重新获取验证码。",
        )


def exchange_code(ctx: AuthContext, id_number: IdNumber, code: str) -> tuple[str, int]:
    """A signed access token for a correct login code; the code is used up."""
    person_id = person_id_for(id_number.value, ctx.pepper)
    _check_code(ctx, person_id, code, "login")
    log.info("login", extra={"person_id": person_id})
    now = int(ctx.clock.now().timestamp())
    # The session's start travels (signed) in every token of the session: 继续 cannot
    # move it, so no session outlasts MAX_SESSION_SECONDS from the login.
    return ctx.tokens.issue(
        person_id,
        CITIZEN_SCOPES,
        now,
        {SESSION_START: str(now)},
        not_after=now + MAX_SESSION_SECONDS,
    )


MAX_SESSION_SECONDS = 2 * 60 * 60
"""A session lasts at most two hours from the login, however often it is continued."""
SESSION_START = "session_start"


def refresh_token(ctx: AuthContext, claims: TokenClaims) -> tuple[str, int]:
    """继续：a fresh token of the same session without a new SMS code (the token shown must
    still be valid), ending no later than two hours after the login."""
    now = int(ctx.clock.now().timestamp())
    start_text = claims.extra.get(SESSION_START, "")
    if "citizen" not in claims.scopes or not start_text.isdigit():
        raise Forbidden(
            "Only a citizen's own sign-in can be continued.", "只有本人登录才能继续。"
        )
    ends = int(start_text) + MAX_SESSION_SECONDS
    if now >= ends - 60:  # nothing left worth a new token
        raise Unauthorized(
            "You have been signed in for 2 hours, the longest a session lasts. "
            "Please sign in again with a new SMS code.",
            "您已登录满2小时，这是一次登录最长的时间。为了安全，请用新的短信验证码重新登录。",
        )
    return ctx.tokens.issue(
        claims.subject, CITIZEN_SCOPES, now, {SESSION_START: start_text}, not_after=ends
    )


STEP_UP_PURPOSES = {"card_unfreeze": "解挂"}


def request_step_up(ctx: AuthContext, person_id: str, purpose: str, client_ip: str) -> None:
    """Send a fresh code to the registered phone before a sensitive action (二次验证)."""
    person = ctx.persons.get_person(person_id)
    if person is None:
        raise NotFound("No insured person for this sign-in.", "没有找到您的参保信息。")
    _send_code(
        ctx,
        person,
        person.phone,
        client_ip,
        purpose,
        "step_up_code",
        {"purpose": STEP_UP_PURPOSES[purpose]},
    )


def verify_step_up(ctx: AuthContext, person_id: str, purpose: str, code: str) -> None:
    """Raise :class:`CodeInvalid` unless ``code`` is the fresh step-up code for ``purpose``."""
    _check_code(ctx, person_id, code, purpose)


def person_named(ctx: AuthContext, person_id: str, name: str) -> Person | None:
    """The insured person with this id if their name is ``name`` (compared in constant time),
    so that asking for someone's consent tells nothing when the pair does not match."""
    found = ctx.persons.get_person(person_id)
    if found is not None and hmac.compare_digest(found.name.encode(), name.encode()):
        return found
    return None


def request_consent(
    ctx: AuthContext,
    requester_id: str,
    relative_id: str,
    relative: Person | None,
    client_ip: str,
    link_id: str,
    kind: str,
    values: Mapping[str, Any],
) -> None:
    """Send a relative a consent code for one request (家庭共济), if the relative is known.

    The limits are counted the same whether or not the relative exists, so a 429 tells
    nothing: the requester may ask once a minute and 5 times a day, and a relative (by
    their person id, never by phone) gets at most one request a minute and 5 a day. These
    are apart from the login limits, so requests cannot use up someone's login codes.
    """
    now = int(ctx.clock.now().timestamp())
    gap = ctx.limits.code_gap_seconds
    day = now - now % 86_400
    extra = []
    for who, subject in (("by", requester_id), ("for", relative_id)):
        key = keyed_hash(ctx.pepper, "consent", subject, 16)
        extra += [
            RateBucket(f"RL#consent#{who}#{key}#gap", 1, now + gap, gap=gap),
            RateBucket(f"RL#consent#{who}#{key}#d{day}", CONSENTS_PER_DAY, day + 86_400),
        ]
    _send_code(ctx, relative, None, client_ip, _consent(link_id), kind, values, extra=extra)


def verify_consent(ctx: AuthContext, relative_id: str, link_id: str, code: str) -> None:
    """Raise :class:`CodeInvalid` unless ``code`` is the relative's code for this request."""
    _check_code(ctx, relative_id, code, _consent(link_id))


def _consent(link_id: str) -> str:
    """Each request has its own code, so one request never replaces or voids another's."""
    return f"family_consent#{link_id}"


CONSENTS_PER_DAY = 5
