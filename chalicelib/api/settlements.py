"""For hospitals and apps: client credentials, settlement and reversal (冲正)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from chalice.app import Blueprint, Request, Response

from chalicelib import errors
from chalicelib.api.http import (
    FORM,
    MAX_BODY_BYTES,
    bearer_token,
    form_or_json_body,
    json_body,
    json_response,
    require_scope,
    route,
)
from chalicelib.bootstrap import Container, container, now_clock
from chalicelib.ports import TokenClaims

bp = Blueprint(__name__)


def _settlements() -> Any:
    """The settlement service, imported on first use (it brings the rules engine)."""
    from chalicelib.services import settlements

    return settlements


NO_STORE = {"Cache-Control": "no-store"}


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, value = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _, secret = base64.b64decode(value, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return client_id, secret


@route(bp, "/v1/oauth/token", "POST")
def client_token() -> Response:
    request = bp.current_request
    if _app_grant(request):
        from chalicelib.api.oauth import app_token

        return app_token(request)
    body = form_or_json_body(request, "client-token-request")
    given = _basic_credentials(request) or (body.get("client_id"), body.get("client_secret"))
    client_id, secret = given
    if not client_id or not secret:
        raise errors.Unauthorized(
            "Send client_id and client_secret (form fields or HTTP Basic).",
            "请提供接入方编号和密钥。",
            code="invalid_client",
        )
    c = container()
    from chalicelib.services.clients import client_token as issue

    token, lifetime, scopes = issue(
        c.clients,
        c.tokens,
        c.settings.pepper,
        client_id,
        secret,
        (body.get("scope") or "").split(),
        int(now_clock(c).now().timestamp()),
    )
    return json_response(
        {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": lifetime,
            "scope": " ".join(scopes),
        },
        headers=NO_STORE,
    )


def _app_grant(request: Request) -> bool:
    """An app's grant (authorization_code, refresh_token) rather than a hospital's."""
    from urllib.parse import parse_qs

    if (request.headers.get("content-type") or "").split(";")[0].strip().lower() != FORM:
        return False
    raw = request.raw_body or b""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    grant_types = parse_qs(text[:MAX_BODY_BYTES]).get("grant_type", [])
    return bool(grant_types) and grant_types[0] in ("authorization_code", "refresh_token")


def hospital_of(request: Request, c: Container | None = None) -> str:
    """The hospital a client token speaks for (scope settlements:write); 401 or 403 otherwise.

    ``c``: the request's container, when the route has it already (one look-up a request).
    """
    from chalicelib.api.callers import not_for_apps
    from chalicelib.services.app_tokens import is_app_token

    c = c or container()
    token = bearer_token(request)
    if is_app_token(token):  # an app's token (the person's consent) never settles
        raise not_for_apps()
    claims: TokenClaims = c.tokens.verify(token, int(now_clock(c).now().timestamp()))
    require_scope(claims, "settlements:write")
    hospital_id = claims.extra.get("hospital_id")
    if not hospital_id:
        raise errors.Forbidden(
            "This client is not registered for a hospital.", "该接入方没有登记所属医院。"
        )
    return hospital_id


@route(bp, "/v1/settlements", "POST")
def settle_visit() -> Response:
    request = bp.current_request
    c = container()
    hospital_id = hospital_of(request, c)
    body = json_body(request, "settlement-request")
    items = _settlements().bill_items(body, "settlement-request")  # checked once, here
    if "voucher" in body:  # 医保电子凭证: it names the person, for this one visit
        from chalicelib.services import vouchers

        voucher = body.pop("voucher")
        if body["hospital_id"] == hospital_id:  # else settle_visit refuses it in plain words
            body["person_id"] = vouchers.person_for_visit(
                c.vouchers(), hospital_id, body["visit_id"], voucher
            )
    answer = _settlements().settle_visit(c.settlements(), hospital_id, body, items)
    return json_response(answer, headers=NO_STORE)


@route(bp, "/v1/settlements/{settlement_id}/reversal", "POST")
def reverse(settlement_id: str) -> Response:
    c = container()
    hospital_id = hospital_of(bp.current_request, c)
    if not settlement_id.isalnum() or len(settlement_id) > 40:
        raise errors.NotFound("No settlement has this id.", "没有这笔结算。")
    answer = _settlements().reverse_settlement(c.settlements(), hospital_id, settlement_id)
    return json_response(answer, headers=NO_STORE)
