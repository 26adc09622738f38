"""The insured person's own data (``/v1/me``), with a citizen token."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.http import bearer_token, json_response, require_scope, route
from chalicelib.bootstrap import container, now_clock
from chalicelib.services.profile import get_me

bp = Blueprint(__name__)


def current_person_id(scope: str = "citizen") -> str:
    """The person the bearer token speaks for; 401 or 403 otherwise."""
    c = container()
    now = int(now_clock(c).now().timestamp())
    claims = c.tokens.verify(bearer_token(bp.current_request), now)
    require_scope(claims, scope)
    return str(claims.subject)


@route(bp, "/v1/me", "GET")
def me() -> Response:
    person_id = current_person_id()
    return json_response(
        get_me(container().persons, person_id), headers={"Cache-Control": "no-store"}
    )
