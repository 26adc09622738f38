"""医保电子凭证：the insured person's QR code, which a hospital or pharmacy scans instead of
the card.

The phone asks for a voucher every minute: a signed token that names one person and
carries the masked facts a counter needs (name, ID number, scheme, insurance status,
card state), valid 60 seconds. Verifying it is one conditional write of its id, so
that it is used once: a replay, by the same hospital or another, is refused. The
hospital that verified it may then settle that one visit with it (``voucher`` as the
person reference of a settlement) within the settling window. It works while the
card is reported lost: that is what it is for.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib import errors
from chalicelib.ports import Clock, PersonRepository, VoucherUsed
from chalicelib.rules.identity import mask_name
from chalicelib.services.profile import CARD_STATUSES, SCHEMES, STATUSES, label

VOUCHER_SECONDS = 60  # a screenshot of the code is useless a minute later
SETTLE_WINDOW_SECONDS = 4 * 3600  # a verified voucher settles that visit within this time


@dataclass(frozen=True)
class VoucherContext:
    persons: PersonRepository
    signer: Any  # JwtVoucherSigner
    store: Any  # DynamoVoucherStore
    clock: Clock


def _refused(code: str, detail: str, detail_zh: str) -> errors.VoucherRefused:
    return errors.VoucherRefused(detail, detail_zh, code=code)


def _invalid() -> errors.VoucherRefused:
    return _refused(
        "invalid",
        "This is not a valid electronic voucher (altered or not issued by us). "
        "Ask the patient to open 医保电子凭证 in the portal and scan the code again.",
        "这不是有效的医保电子凭证（内容被改动或不是本系统签发）。请患者在医保服务中打开电子凭证，出示二维码重新扫。",
    )


def _expired() -> errors.VoucherRefused:
    return _refused(
        "expired",
        "This voucher has expired: a voucher is valid 60 seconds. "
        "Ask the patient to show the code on the phone again (it refreshes by itself).",
        "这个电子凭证已过期（每个二维码只在60秒内有效）。请患者重新出示手机上的二维码（会自动刷新）。",
    )


def _used() -> errors.VoucherRefused:
    return _refused(
        "used",
        "This voucher has been used already; each code is used once. "
        "Ask the patient to show the new code on the phone and scan that one.",
        "这个电子凭证已经使用过，每个二维码只能用一次。请患者出示手机上刷新后的新二维码再扫。",
    )


def _at(epoch: int, like: datetime) -> str:
    return datetime.fromtimestamp(epoch, like.tzinfo).isoformat(timespec="seconds")


def issue_voucher(ctx: VoucherContext, person_id: str) -> dict[str, Any]:
    """A new voucher for the signed-in person only (one read: the profile and the card)."""
    view = ctx.persons.get_view(person_id)
    if view is None:
        raise errors.NotFound(
            "No insured person is registered for this sign-in.",
            "没有找到您的参保信息，请联系当地医保经办机构。",
        )
    person, card = view.person, view.card
    now = ctx.clock.now()
    issued = int(now.timestamp())
    facts = {
        "n": mask_name(person.name),
        "i": person.id_masked,
        "s": person.scheme,
        "st": person.status,
        "c": card.status if card else "none",
        "r": person.region,
    }
    token = ctx.signer.sign(
        {
            "sub": person_id,
            "jti": secrets.token_urlsafe(12),
            "iat": issued,
            "exp": issued + VOUCHER_SECONDS,
            "v": facts,
        }
    )
    return {
        "voucher": token,
        "issued_at": _at(issued, now),
        "expires_at": _at(issued + VOUCHER_SECONDS, now),
        "expires_in": VOUCHER_SECONDS,
        **_facts(facts),
    }


def _facts(v: dict[str, Any]) -> dict[str, Any]:
    card = str(v.get("c", "none"))
    return {
        "name_masked": v.get("n"),
        "id_number_masked": v.get("i"),
        "scheme": v.get("s"),
        "scheme_label": label(SCHEMES, str(v.get("s"))),
        "status": v.get("st"),
        "status_label": label(STATUSES, str(v.get("st"))),
        "card": {
            "status": card,
            "status_label": label(CARD_STATUSES, card)
            if card != "none"
            else {"zh": "未办卡", "en": "No card"},
            # the voucher settles whatever the card's state: it stands in for the card
            "voucher_settles": True,
        },
    }


def _claims(ctx: VoucherContext, token: str) -> dict[str, Any]:
    claims: dict[str, Any] | None = ctx.signer.read(token)
    if claims is None or not 0 < claims["exp"] - claims["iat"] <= VOUCHER_SECONDS:
        raise _invalid()
    return claims


def verify_voucher(ctx: VoucherContext, hospital_id: str, token: str) -> dict[str, Any]:
    """核验：who the voucher names, in one DynamoDB request (the conditional put of its id)."""
    claims = _claims(ctx, token)
    now = ctx.clock.now()
    epoch = int(now.timestamp())
    if claims["iat"] > epoch + 60:
        raise _invalid()
    if claims["exp"] <= epoch:
        raise _expired()
    settle_until = epoch + SETTLE_WINDOW_SECONDS
    try:
        ctx.store.claim(
            claims["jti"],
            claims["sub"],
            hospital_id,
            now.isoformat(timespec="seconds"),
            settle_until,
        )
    except VoucherUsed:
        raise _used() from None
    return {
        "voucher_id": claims["jti"],
        "person_id": claims["sub"],
        **_facts(claims["v"]),
        "verified_at": now.isoformat(timespec="seconds"),
        "settle_until": _at(settle_until, now),
    }


def person_for_visit(ctx: VoucherContext, hospital_id: str, visit_id: str, token: str) -> str:
    """The person a settlement's ``voucher`` names: a fresh voucher, or one this hospital
    verified, for this visit only (one conditional write)."""
    claims = _claims(ctx, token)
    now = ctx.clock.now()
    epoch = int(now.timestamp())
    fresh = claims["iat"] - 60 <= epoch < claims["exp"]
    if not fresh and not claims["iat"] <= epoch < claims["iat"] + SETTLE_WINDOW_SECONDS:
        raise _expired()
    try:
        ctx.store.claim_for_visit(
            claims["jti"],
            claims["sub"],
            hospital_id,
            visit_id,
            now.isoformat(timespec="seconds"),
            epoch,
            epoch + SETTLE_WINDOW_SECONDS,
            fresh,
        )
    except VoucherUsed:
        if fresh:
            raise _used() from None
        raise _refused(
            "not_usable",
            "This voucher cannot settle this visit: it expired before this hospital verified "
            "it, or it was used by another hospital or for another visit. Ask the patient to "
            "show the new code on the phone and scan it.",
            "这个电子凭证不能用于本次结算：它在本院核验前已过期，或已被其他医院、其他就诊使用。"
            "请患者出示手机上刷新后的新二维码再扫。",
        ) from None
    return str(claims["sub"])
