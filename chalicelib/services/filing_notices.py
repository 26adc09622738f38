"""The SMS of remote-care filing (异地就医备案), fixed templates with their slots.

Every filing SMS is sent through :func:`send` (the consent code for a relative goes with
the login codes' limits through ``auth.request_consent``, worded by :func:`text`), so the
notice pipeline can take them over at one place. Chinese with full-width punctuation;
the signature 【…】 is added here.
"""

from __future__ import annotations

import logging
from typing import Any

from chalicelib.ports import Person

log = logging.getLogger(__name__)

TEMPLATES = {
    "filing_accepted": (
        "您的异地就医备案已办好：{category}，{city}，{validity}。"
        "持医保电子凭证或社保卡到当地定点医院可直接结算。"
    ),
    "filing_by_agent": (
        "{agent}已为您代办异地就医备案：{category}，{city}，{validity}。"
        "如有疑问，请登录医保服务平台查看或取消。"
    ),
    "filing_changed": (
        "您的异地就医备案已变更：{category}，{city}，{validity}。如非本人操作，请登录医保服务平台查看。"
    ),
    "filing_cancelled": (
        "您在{city}的异地就医备案已于{day}取消。如非本人操作，请登录医保服务平台查看。"
    ),
    "filing_lapsing": (
        "您在{city}的异地就医备案将于{day}到期，到期后在当地看病不能直接结算。"
        "仍在外地的，请在到期前重新备案。"
    ),
    "proxy_consent": (
        "{agent}申请为您代办异地就医备案。验证码{code}，{minutes}分钟内有效，"
        "同意请把验证码告诉对方；不同意请忽略。"
    ),
}


def text(kind: str, values: dict[str, Any]) -> str:
    """The template ``kind`` with its slots filled (no signature)."""
    return TEMPLATES[kind].format(**values)


def send(sms: Any, signature: str, person: Person, kind: str, values: dict[str, Any]) -> bool:
    """Send one filing SMS to the person; False when it could not be sent (what was done
    stays done: the caller decides whether to try again)."""
    try:
        sms.send(person.phone, f"【{signature}】" + text(kind, values))
    except Exception:
        log.exception("filing SMS failed", extra={"person_id": person.person_id, "kind": kind})
        return False
    return True
