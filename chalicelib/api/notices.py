"""短信：my SMS (``/v1/me/notices``), my preferences, and the inbound-SMS webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import errors
from chalicelib.api.citizen import current_person_id
from chalicelib.api.http import json_body, json_response, route
from chalicelib.bootstrap import container

bp = Blueprint(__name__)
NO_STORE = {"Cache-Control": "no-store"}
STALE_SECONDS = 300  # a signed request older (or newer) than this is refused


def _service() -> Any:
    from chalicelib.services import notices

    return notices


@route(bp, "/v1/me/notices", "GET")
def my_notices() -> Response:
    person_id = current_person_id(bp.current_request)
    return json_response(_service().history(container().notices(), person_id), headers=NO_STORE)


@route(bp, "/v1/me/notices/preferences", "GET")
def my_preferences() -> Response:
    person_id = current_person_id(bp.current_request)
    body = _service().preferences(container().notices(), person_id)
    return json_response(body, headers=NO_STORE)


@route(bp, "/v1/me/notices/preferences", "PUT")
def set_my_preferences() -> Response:
    person_id = current_person_id(bp.current_request)
    body = json_body(bp.current_request, "notice-preferences-request")
    answer = _service().set_preferences(container().notices(), person_id, body["groups"])
    return json_response(answer, headers=NO_STORE)


@route(bp, "/v1/sms/inbound", "POST")
def inbound_sms() -> Response:
    """The SMS provider's webhook: ``X-Yibao-Timestamp`` (epoch seconds) and
    ``X-Yibao-Signature`` (hex HMAC-SHA256 of ``<timestamp>.<body>``)."""
    from chalicelib.config import webhook_secret

    request = bp.current_request
    raw = request.raw_body or b""
    raw_bytes = raw.encode() if isinstance(raw, str) else raw
    stamp = request.headers.get("x-yibao-timestamp") or ""
    given = request.headers.get("x-yibao-signature") or ""
    expected = hmac.new(
        webhook_secret().encode(), stamp.encode() + b"." + raw_bytes, hashlib.sha256
    ).hexdigest()
    if not stamp.isdigit() or not hmac.compare_digest(given.lower(), expected):
        raise errors.Unauthorized(
            "Sign the request: X-Yibao-Timestamp and X-Yibao-Signature (HMAC-SHA256 of "
            "'<timestamp>.<body>').",
            "请求没有有效签名。",
        )
    now = int(container().notices().clock.now().timestamp())
    if abs(now - int(stamp)) > STALE_SECONDS:
        raise errors.Unauthorized(
            f"The timestamp is more than {STALE_SECONDS // 60} minutes from now: sign again.",
            f"请求时间与当前相差超过{STALE_SECONDS // 60}分钟，请重新签名后发送。",
        )
    body = json_body(request, "sms-inbound-request")
    # a provider's retry carries the same message id; without one, the signature
    seen_as = f"id:{body['message_id']}" if body.get("message_id") else f"sig:{expected}"
    outcome = _service().receive_inbound(container().notices(), body["from"], body["text"], seen_as)
    return json_response({"outcome": outcome}, headers=NO_STORE)


def sign(secret: str, stamp: int, body: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """A signed webhook request (for the provider's adapter and the tests)."""
    raw = json.dumps(body, ensure_ascii=False).encode()
    signature = hmac.new(secret.encode(), str(stamp).encode() + b"." + raw, hashlib.sha256)
    return raw, {
        "Content-Type": "application/json",
        "X-Yibao-Timestamp": str(stamp),
        "X-Yibao-Signature": signature.hexdigest(),
    }
