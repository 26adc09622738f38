"""Printable documents: 参保证明 (proof of insurance, checked by anyone with its code) and
the personal account's year statement (个人账户年度对账单)."""

from __future__ import annotations

import re
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.api.auth import auth_service
from chalicelib.api.citizen import current_person_id
from chalicelib.api.http import client_ip, field_error, json_body, json_response, query_param, route
from chalicelib.api.qr import public_url, qr_svg
from chalicelib.bootstrap import container, now_clock

bp = Blueprint(__name__)
NO_STORE = {"Cache-Control": "no-store"}


def _proofs() -> Any:
    from chalicelib.services import proofs

    return proofs


def _context() -> Any:
    from chalicelib.services.proofs import ProofContext

    c = container()
    return ProofContext(store=c.proof_store, clock=now_clock(c))


@route(bp, "/v1/me/proofs", "POST")
def issue_proof() -> Response:
    request = bp.current_request
    person_id = current_person_id(request)
    body = json_body(request, "proof-request")
    answer = _proofs().issue_proof(_context(), person_id, body["from"], body["to"])
    answer["verify_url"] = public_url(request) + answer["verify_path"]
    answer["qr_svg"] = qr_svg(answer["verify_url"])
    return json_response(answer, status=201, headers=NO_STORE)


@route(bp, "/v1/proofs/{code}", "GET")
def check_proof(code: str) -> Response:
    if not re.fullmatch(r"[A-Za-z0-9]{10}", code):
        raise field_error(
            "code",
            "pattern",
            "A proof's code has 10 letters and digits.",
            "参保证明核验码是10位字母和数字。",
        )
    limit = container().settings.certificate_checks_per_minute
    auth_service().throttle(container().auth(), "proof", client_ip(bp.current_request), limit)
    return json_response(_proofs().check_proof(_context(), code), headers=NO_STORE)


@route(bp, "/v1/me/account/statement", "GET")
def account_statement() -> Response:
    from chalicelib.services import ledgers

    person_id = current_person_id(bp.current_request, "account:read")
    body = ledgers.account_statement(
        container().ledgers(), person_id, query_param(bp.current_request, "year")
    )
    return json_response(body, headers=NO_STORE)
