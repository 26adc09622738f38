"""Login: request an SMS code, exchange it for an access token, continue the session."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import sessions
from chalicelib.api.http import (
    client_ip,
    field_error,
    json_body,
    json_response,
    route,
)
from chalicelib.bootstrap import container, now_clock
from chalicelib.rules.identity import IdNumber, InvalidIdentity, parse_id_number, parse_mobile

bp = Blueprint(__name__)

CODE_REQUESTED = {
    "detail": "If the ID number and phone match our records, a 6-digit code has been sent "
    "to that phone. It is valid for 5 minutes.",
    "detail_zh": "如果身份证号和手机号与登记的一致，验证码已发送到该手机，5分钟内有效。",
}


def auth_service() -> Any:
    """The login service (services/auth.py), imported on first use: most requests, a cold
    ``GET /v1/me`` among them, check a token and never ask it for anything."""
    from chalicelib.services import auth

    return auth


def id_number_field(raw: str) -> IdNumber:
    try:
        return parse_id_number(raw, now_clock(container()).now().date())
    except InvalidIdentity as exc:
        raise field_error("id_number", exc.code, exc.text_en, exc.text_zh) from None


@route(bp, "/v1/auth/otp", "POST")
def request_code() -> Response:
    request = bp.current_request
    body = json_body(request, "auth-otp-request")
    id_number = id_number_field(body["id_number"])
    try:
        phone = parse_mobile(body["phone"])
    except InvalidIdentity as exc:
        raise field_error("phone", exc.code, exc.text_en, exc.text_zh) from None
    auth_service().request_code(container().auth(), id_number, phone, client_ip(request))
    return json_response(CODE_REQUESTED, status=202)


@route(bp, "/v1/auth/token", "POST")
def exchange_code() -> Response:
    body = json_body(bp.current_request, "auth-token-request")
    id_number = id_number_field(body["id_number"])
    token, lifetime = auth_service().exchange_code(container().auth(), id_number, body["code"])
    return json_response(
        {"access_token": token, "token_type": "Bearer", "expires_in": lifetime},
        headers={"Cache-Control": "no-store"},
    )


@route(bp, "/v1/auth/refresh", "POST")
def refresh() -> Response:
    """继续：the token shown, still valid, for a fresh one of the same (at most 2-hour) session."""
    from chalicelib.api.callers import bearer_claims

    c = container()
    claims = bearer_claims(bp.current_request)
    sessions.expect(claims.subject, claims.token_id, c.session_store.is_revoked)
    sessions.settle()  # a signed-out token is not continued (one read)
    token, lifetime = auth_service().refresh_token(c.auth(), claims)
    return json_response(
        {"access_token": token, "token_type": "Bearer", "expires_in": lifetime},
        headers={"Cache-Control": "no-store"},
    )


@route(bp, "/v1/auth/logout", "POST")
def logout() -> Response:
    """退出登录：the bearer token stops working now, not when it expires."""
    from chalicelib.api.callers import bearer_claims
    from chalicelib.services.sessions import sign_out

    c = container()
    sign_out(c.session_store, bearer_claims(bp.current_request), now_clock(c))
    return Response(body="", status_code=204, headers={"Cache-Control": "no-store"})
