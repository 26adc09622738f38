"""Who is calling a person route: the person (portal token) or an app (OAuth token).

The scope a route needs comes from the one table, :mod:`chalicelib.api.scopes`, by the
route's method and path: a handler never names it. An app's call is remembered for the
request: its line in the person's access log (谁查看了我的信息) is written with its
checks, and :func:`finish` corrects the line's status when the route answered otherwise,
and adds the ``RateLimit`` headers.
"""

from __future__ import annotations

import contextvars
import logging
from dataclasses import dataclass

from chalice.app import Request, Response

from chalicelib import errors, sessions
from chalicelib.api.http import bearer_token, require_scope
from chalicelib.api.scopes import APP_SCOPES, needed_scope
from chalicelib.bootstrap import container, now_clock
from chalicelib.ports import TokenClaims
from chalicelib.services.app_tokens import is_app_token

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Caller:
    """The person a request speaks for; ``app`` is set when an app calls for them."""

    person_id: str
    app: object | None = None  # services.apps.AppCall

    @property
    def subject(self) -> str:
        """What the caller may see as the person's id: the app's pairwise subject."""
        return str(getattr(self.app, "subject", self.person_id))


# an app's call in this request (services.apps.AppCall), for finish()
_pending: contextvars.ContextVar[object | None] = contextvars.ContextVar("app_call", default=None)


def route_key(request: Request) -> str:
    return f"{request.method.upper()} {(request.context or {}).get('resourcePath', '')}"


def bearer_claims(request: Request) -> TokenClaims:
    """A portal token's claims, if it is signed by us and in date; 401 otherwise, and
    403 for an app's token (the portal's session routes are not for apps)."""
    token = bearer_token(request)
    if is_app_token(token):
        raise not_for_apps()
    c = container()
    claims: TokenClaims = c.tokens.verify(token, int(now_clock(c).now().timestamp()))
    return claims


def caller(request: Request, scope: str | None = None) -> Caller:
    """The person behind the bearer token; 401, 403 (scope) or 429 (an app's limits)."""
    token = bearer_token(request)
    key = route_key(request)
    needed = needed_scope(request.method, (request.context or {}).get("resourcePath", ""))
    if scope is not None and needed is not None and scope != needed:
        log.info("the scope table decides", extra={"route": key, "table": needed})
    c = container()
    if is_app_token(token):
        from chalicelib.services import apps  # the OAuth machinery: for an app's call only

        call = apps.app_access(c.oauth(), token, needed, key)
        _pending.set(call)
        if needed not in APP_SCOPES:
            raise not_for_apps()
        if needed not in call.scopes:
            raise errors.Forbidden(
                f"The person has not allowed this app the scope '{needed}'.",
                "您没有授权这个应用使用这类信息。",
                code="insufficient_scope",
            )
        return Caller(call.person_id, call)
    claims = c.tokens.verify(token, int(now_clock(c).now().timestamp()))
    if "citizen" not in claims.scopes:
        if needed not in APP_SCOPES:
            require_scope(claims, "citizen")
        require_scope(claims, str(needed))
    # a signed-out token: 401 from the first read of the person's data (sessions.py)
    sessions.expect(claims.subject, claims.token_id, c.session_store.is_revoked)
    return Caller(str(claims.subject))


def not_for_apps() -> errors.Forbidden:
    """The refusal of an app's token on a route no app may use (portal or hospital only)."""
    return errors.Forbidden(
        "Apps may not use this route: it is for the person in the portal, or for hospitals.",
        "第三方应用不能使用这项业务：只能由本人在网上服务大厅办理，或由定点医疗机构办理。",
        code="insufficient_scope",
    )


def finish(response: Response) -> None:
    """After an app's call: its access-log line and the RateLimit headers (RFC draft)."""
    call = _pending.get()
    if call is None:
        return
    _pending.set(None)
    from chalicelib.services import apps

    assert isinstance(call, apps.AppCall)
    try:  # the line was written with the call's checks; its status, if the route differed
        apps.call_ended(container().oauth(), call, response.status_code)
    except errors.StoreUnavailable:
        log.warning("access log status not corrected: the store did not answer")
    response.headers["RateLimit-Policy"] = f'"app";q={call.limit};w=60'
    response.headers["RateLimit"] = f'"app";r={call.remaining};t={call.reset}'


def reset() -> None:
    _pending.set(None)
