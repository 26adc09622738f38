"""Contributions, personal account and benefit balance (``/v1/me/...``): one read each."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.api.citizen import current_person_id
from chalicelib.api.http import json_response, query_param, route
from chalicelib.bootstrap import container

bp = Blueprint(__name__)
NO_STORE = {"Cache-Control": "no-store"}


def _service() -> Any:
    """The ledger service, imported on first use (it brings the rules layer)."""
    from chalicelib.services import ledgers

    return ledgers


@route(bp, "/v1/me/contributions", "GET")
def contributions() -> Response:
    person_id = current_person_id(bp.current_request, "contributions:read")
    request = bp.current_request
    body = _service().contributions(
        container().ledgers(),
        person_id,
        query_param(request, "year"),
        query_param(request, "cursor"),
    )
    return json_response(body, headers=NO_STORE)


@route(bp, "/v1/me/account", "GET")
def account() -> Response:
    person_id = current_person_id(bp.current_request, "account:read")
    return json_response(_service().account(container().ledgers(), person_id), headers=NO_STORE)


@route(bp, "/v1/me/account/entries", "GET")
def account_entries() -> Response:
    person_id = current_person_id(bp.current_request, "account:read")
    body = _service().account_entries(
        container().ledgers(),
        person_id,
        query_param(bp.current_request, "month"),
        query_param(bp.current_request, "cursor"),
    )
    return json_response(body, headers=NO_STORE)


@route(bp, "/v1/me/benefits", "GET")
def benefits() -> Response:
    person_id = current_person_id(bp.current_request, "benefits:read")
    body = _service().benefits(
        container().ledgers(), person_id, query_param(bp.current_request, "year")
    )
    return json_response(body, headers=NO_STORE)
