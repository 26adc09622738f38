"""The insured person's own data (``/v1/me``), with a citizen token."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Request, Response

from chalicelib.api.callers import caller
from chalicelib.api.http import (
    field_error,
    json_body,
    json_response,
    query_param,
    route,
)
from chalicelib.bootstrap import container
from chalicelib.rules.identity import mask_name
from chalicelib.services.profile import get_me

bp = Blueprint(__name__)


def _settlements() -> Any:
    """The settlement service, imported on first use (it brings the rules engine)."""
    from chalicelib.services import settlements

    return settlements


def current_person_id(request: Request, scope: str | None = None) -> str:
    """The person the bearer token speaks for; 401, 403 or 429 otherwise.

    The person's own portal token may use every person route; an app's token only
    the routes whose scope (in :mod:`chalicelib.api.scopes`) the person allowed it.
    ``scope``, when a handler names it, is for the reader: the table decides. A
    signed-out portal token gets 401 from the first read of the person's data, or before
    anything else happens (chalicelib/sessions.py).
    """
    return caller(request, scope).person_id


@route(bp, "/v1/me", "GET")
def me() -> Response:
    who = caller(bp.current_request)
    body = get_me(container().persons, who.person_id)
    if who.app is not None:  # an app sees its pairwise subject and a masked name only
        body = {**body, "person_id": who.subject, "name": mask_name(body["name"])}
    return json_response(body, headers={"Cache-Control": "no-store"})


@route(bp, "/v1/me/estimates", "POST")
def estimate() -> Response:
    request = bp.current_request
    person_id = current_person_id(request)
    body = json_body(request, "estimate-request")
    items = _settlements().bill_items(body, "estimate-request")  # checked once, here
    return json_response(
        _settlements().estimate(container().settlements(), person_id, body, items),
        headers={"Cache-Control": "no-store"},
    )


@route(bp, "/v1/me/settlements", "GET")
def my_settlements() -> Response:
    request = bp.current_request
    person_id = current_person_id(request)
    limit_text = query_param(request, "limit")
    limit_text = "20" if limit_text is None else limit_text
    if not limit_text.isdigit() or not 1 <= int(limit_text) <= 100:
        raise field_error(
            "limit", "range", "limit is a whole number from 1 to 100.", "每页条数应为1到100的整数。"
        )
    body = _settlements().my_settlements(
        container().settlements(), person_id, int(limit_text), query_param(request, "cursor")
    )
    return json_response(body, headers={"Cache-Control": "no-store"})
