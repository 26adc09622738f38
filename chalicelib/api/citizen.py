"""The insured person's own data (``/v1/me``), with a citizen token."""

from __future__ import annotations

from chalice.app import Blueprint, Request, Response

from chalicelib.api.http import bearer_token, json_response, require_scope, route
from chalicelib.bootstrap import container, now_clock
from chalicelib.services.profile import get_me

bp = Blueprint(__name__)


def current_person_id(request: Request, scope: str | None = None) -> str:
    """The person the bearer token speaks for; 401 or 403 otherwise.

    A citizen's own token may do everything; a third party's token only what its
    scopes grant (e.g. ``card:read``).
    """
    c = container()
    now = int(now_clock(c).now().timestamp())
    claims = c.tokens.verify(bearer_token(request), now)
    if "citizen" not in claims.scopes:
        require_scope(claims, scope or "citizen")
    return str(claims.subject)


@route(bp, "/v1/me", "GET")
def me() -> Response:
    person_id = current_person_id(bp.current_request)
    return json_response(
        get_me(container().persons, person_id), headers={"Cache-Control": "no-store"}
    )
