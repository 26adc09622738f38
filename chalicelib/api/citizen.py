"""The insured person's own data (``/v1/me``), with a citizen token."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Request, Response

from chalicelib import sessions
from chalicelib.api.http import (
    bearer_token,
    field_error,
    json_body,
    json_response,
    query_param,
    require_scope,
    route,
)
from chalicelib.bootstrap import container, now_clock
from chalicelib.ports import TokenClaims
from chalicelib.services.profile import get_me

bp = Blueprint(__name__)


def _settlements() -> Any:
    """The settlement service, imported on first use (it brings the rules engine)."""
    from chalicelib.services import settlements

    return settlements


def bearer_claims(request: Request) -> TokenClaims:
    """The bearer token's claims, if it is signed by us and in date; 401 otherwise."""
    c = container()
    claims: TokenClaims = c.tokens.verify(
        bearer_token(request), int(now_clock(c).now().timestamp())
    )
    return claims


def current_person_id(request: Request, scope: str | None = None) -> str:
    """The person the bearer token speaks for; 401 or 403 otherwise.

    A citizen's own token may do everything; a third party's token only what its
    scopes grant (e.g. ``card:read``). A signed-out token gets 401 from the first read
    of the person's data, or before anything else happens (chalicelib/sessions.py).
    """
    claims = bearer_claims(request)
    if "citizen" not in claims.scopes:
        require_scope(claims, scope or "citizen")
    sessions.expect(claims.subject, claims.token_id, container().session_store.is_revoked)
    return str(claims.subject)


@route(bp, "/v1/me", "GET")
def me() -> Response:
    person_id = current_person_id(bp.current_request)
    return json_response(
        get_me(container().persons, person_id), headers={"Cache-Control": "no-store"}
    )


@route(bp, "/v1/me/estimates", "POST")
def estimate() -> Response:
    request = bp.current_request
    person_id = current_person_id(request)
    body = json_body(request, "estimate-request")
    return json_response(
        _settlements().estimate(container().settlements(), person_id, body),
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
