"""代办：a relative files for a person (异地就医备案) only with that person's consent, given
by the SMS code family mutual aid uses (``auth.request_consent``, with its limits). The
answer is the same whether or not the person is insured here under that name; the filing
then records who filed it."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from chalicelib import errors
from chalicelib.rules.identity import IdNumber, mask_name
from chalicelib.services import auth
from chalicelib.services.auth import person_id_for
from chalicelib.services.filings import PROXY_MINUTES, FilingContext, load_record

log = logging.getLogger(__name__)


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
    agent = load_record(ctx, agent_id).person
    relative = auth.person_named(ctx.auth, relative_id, name)
    request_id = "rq" + secrets.token_hex(8)
    who = mask_name(agent.name)

    auth.request_consent(
        ctx.auth,
        agent_id,
        relative_id,
        relative,
        client_ip,
        request_id,
        "proxy_consent",
        {"name": who},
    )
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
