"""Card services for the card holder: status, loss, unfreeze, replacement, no-card certificate."""

from __future__ import annotations

import re
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.api.auth import auth_service
from chalicelib.api.citizen import current_person_id
from chalicelib.api.http import (
    client_ip,
    field_error,
    idempotency_key,
    json_body,
    json_response,
    route,
)
from chalicelib.api.qr import public_url, qr_svg
from chalicelib.bootstrap import container
from chalicelib.logs import request_id

bp = Blueprint(__name__)

NO_STORE = {"Cache-Control": "no-store"}


def _cards() -> Any:
    """The card service, imported on first use (it brings the card rules)."""
    from chalicelib.services import cards

    return cards


def _change(person_id: str, action: str, params: dict[str, Any]) -> Response:
    request = bp.current_request
    body = _cards().change_card(
        container().card_services(),
        person_id,
        action,
        params,
        idempotency_key=idempotency_key(request),
        request_id=request_id.get(),
    )
    return json_response(body, headers=NO_STORE)


@route(bp, "/v1/me/card", "GET")
def card_status() -> Response:
    person_id = current_person_id(bp.current_request, "card:read")
    return json_response(
        _cards().card_status(container().card_services(), person_id), headers=NO_STORE
    )


@route(bp, "/v1/me/card/loss", "POST")
def report_loss() -> Response:
    person_id = current_person_id(bp.current_request, "card:write")
    body = json_body(bp.current_request, "card-loss-request")
    action = "report_temporary_loss" if body["kind"] == "temporary" else "report_formal_loss"
    return _change(person_id, action, body)


@route(bp, "/v1/me/card/unfreeze-code", "POST")
def unfreeze_code() -> Response:
    request = bp.current_request
    person_id = current_person_id(request, "card:write")
    auth_service().request_step_up(
        container().auth(), person_id, "card_unfreeze", client_ip(request)
    )
    return json_response(
        {
            "detail": "A 6-digit code has been sent to your registered phone; valid 5 minutes.",
            "detail_zh": "验证码已发送到您登记的手机，5分钟内有效。",
        },
        status=202,
    )


@route(bp, "/v1/me/card/unfreeze", "POST")
def unfreeze() -> Response:
    request = bp.current_request
    person_id = current_person_id(request, "card:write")
    body = json_body(request, "card-unfreeze-request")
    key = idempotency_key(request)
    earlier = _cards().earlier_answer(container().card_services(), person_id, key, "unfreeze", {})
    if earlier is not None:  # a retry: the code was used by the first request
        return json_response(earlier, headers=NO_STORE)
    auth_service().verify_step_up(container().auth(), person_id, "card_unfreeze", body["code"])
    return _change(person_id, "unfreeze", {})


@route(bp, "/v1/me/card/replacement", "POST")
def request_replacement() -> Response:
    person_id = current_person_id(bp.current_request, "card:write")
    body = json_body(bp.current_request, "card-replacement-request")
    if body["pickup"] == "outlet" and body.get("outlet_id") not in _cards().OUTLETS:
        raise field_error(
            "outlet_id",
            "unknown_outlet",
            "Choose one of the listed outlets.",
            "请选择列出的领卡网点。",
        )
    return _change(person_id, "request_replacement", body)


@route(bp, "/v1/me/card/no-card-certificate", "GET")
def no_card_certificate() -> Response:
    request = bp.current_request
    person_id = current_person_id(request, "card:read")
    body = _cards().no_card_certificate(container().card_services(), person_id)
    body["qr_svg"] = qr_svg(public_url(request) + body["verify_path"])
    return json_response(body, headers=NO_STORE)


@route(bp, "/v1/certificates/{code}", "GET")
def check_certificate(code: str) -> Response:
    if not re.fullmatch(r"[A-Za-z0-9]{8}", code):
        raise field_error(
            "code",
            "pattern",
            "A certificate code has 8 letters and digits.",
            "无卡证明编号是8位字母和数字。",
        )
    limit = container().settings.certificate_checks_per_minute
    auth_service().throttle(container().auth(), "certificate", client_ip(bp.current_request), limit)
    return json_response(
        _cards().check_certificate(container().card_services(), code), headers=NO_STORE
    )
