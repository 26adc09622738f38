"""医保电子凭证：the person's QR code (citizen) and its verification (hospital client)."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.api.citizen import current_person_id
from chalicelib.api.http import json_body, json_response, route
from chalicelib.api.qr import qr_svg
from chalicelib.api.settlements import hospital_of
from chalicelib.bootstrap import container

bp = Blueprint(__name__)
NO_STORE = {"Cache-Control": "no-store"}


def _vouchers() -> Any:
    """The voucher service, imported on first use."""
    from chalicelib.services import vouchers

    return vouchers


@route(bp, "/v1/me/voucher", "POST")
def issue() -> Response:
    person_id = current_person_id(bp.current_request)
    body = _vouchers().issue_voucher(container().vouchers(), person_id)
    body["qr_svg"] = qr_svg(body["voucher"], scale=3, error="l")
    return json_response(body, status=201, headers=NO_STORE)


@route(bp, "/v1/vouchers/verification", "POST")
def verify() -> Response:
    request = bp.current_request
    hospital_id = hospital_of(request)
    body = json_body(request, "voucher-verification-request")
    answer = _vouchers().verify_voucher(container().vouchers(), hospital_id, body["voucher"])
    return json_response(answer, headers=NO_STORE)
