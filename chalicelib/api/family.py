"""家庭共济 (family mutual aid) under ``/v1/me/family``: thin handlers over the service."""

from __future__ import annotations

import re
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.api.auth import id_number_field
from chalicelib.api.citizen import current_person_id
from chalicelib.api.http import client_ip, field_error, json_body, json_response, query_param, route
from chalicelib.bootstrap import container

bp = Blueprint(__name__)
NO_STORE = {"Cache-Control": "no-store"}
_LINK_ID = re.compile(r"^f[0-9a-f]{16}$")


def _service() -> Any:
    """The family service, imported on first use (it brings the rules layer)."""
    from chalicelib.services import family

    return family


def _link_id(link_id: str) -> str:
    if not _LINK_ID.fullmatch(link_id):
        raise field_error(
            "link_id", "pattern", "This is not a family link id.", "家庭共济绑定编号不正确。"
        )
    return link_id


@route(bp, "/v1/me/family", "GET")
def overview() -> Response:
    person_id = current_person_id(bp.current_request, "family:read")
    return json_response(_service().overview(container().family(), person_id), headers=NO_STORE)


@route(bp, "/v1/me/family", "POST")
def request_link() -> Response:
    request = bp.current_request
    person_id = current_person_id(request, "family:write")
    body = json_body(request, "family-link-request")
    number = id_number_field(body["id_number"])
    link = _service().request_link(
        container().family(), person_id, number, body["name"], body["relation"], client_ip(request)
    )
    return json_response(link, status=201, headers=NO_STORE)


@route(bp, "/v1/me/family/uses", "GET")
def uses() -> Response:
    person_id = current_person_id(bp.current_request, "family:read")
    body = _service().uses(
        container().family(),
        person_id,
        query_param(bp.current_request, "year"),
        query_param(bp.current_request, "cursor"),
    )
    return json_response(body, headers=NO_STORE)


@route(bp, "/v1/me/family/{link_id}/consent", "POST")
def consent(link_id: str) -> Response:
    request = bp.current_request
    person_id = current_person_id(request, "family:write")
    body = json_body(request, "family-consent-request")
    link = _service().confirm_with_code(
        container().family(), person_id, _link_id(link_id), body["code"]
    )
    return json_response(link, headers=NO_STORE)


@route(bp, "/v1/me/family/{link_id}/code", "POST")
def resend_code(link_id: str) -> Response:
    request = bp.current_request
    person_id = current_person_id(request, "family:write")
    answer = _service().resend_code(
        container().family(), person_id, _link_id(link_id), client_ip(request)
    )
    return json_response(answer, status=202, headers=NO_STORE)


@route(bp, "/v1/me/family/{link_id}/accept", "POST")
def accept(link_id: str) -> Response:
    person_id = current_person_id(bp.current_request, "family:write")
    link = _service().accept(container().family(), person_id, _link_id(link_id))
    return json_response(link, headers=NO_STORE)


@route(bp, "/v1/me/family/{link_id}/end", "POST")
def end(link_id: str) -> Response:
    person_id = current_person_id(bp.current_request, "family:write")
    link = _service().end(container().family(), person_id, _link_id(link_id))
    return json_response(link, headers=NO_STORE)


@route(bp, "/v1/me/family/{link_id}/contribution", "POST")
def pay_contribution(link_id: str) -> Response:
    request = bp.current_request
    person_id = current_person_id(request, "family:write")
    body = json_body(request, "family-contribution-request")
    paid = _service().pay_contribution(
        container().family(), person_id, _link_id(link_id), body["year"]
    )
    return json_response(paid, status=201, headers=NO_STORE)
