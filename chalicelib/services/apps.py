"""Apps on the person's data: registration, each call's checks, the person's view.

* :func:`register_app` / :func:`set_app_status`: the operator's command (suspend: every
  token of the app stops at the next call, since each call reads the app);
* :func:`app_access`: one call by an app: token, grant, app, rate limits, scope, and its
  access-log line (:func:`call_ended` corrects the line's status when it differs);
* :func:`my_apps`, :func:`revoke_my_grant`, :func:`my_access_log`: 授权管理 and
  谁查看了我的信息 in the portal.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib import errors
from chalicelib.adapters.dynamodb.oauth import Access, App, Grant
from chalicelib.api.scopes import APP_SCOPES
from chalicelib.services.oauth import (
    AUDIT_KEEP_SECONDS,
    DURATIONS,
    PER_PERSON_PER_MINUTE,
    OAuthContext,
    pairwise_subject,
    secret_hash,
    value_hash,
)

WINDOW = 60


def register_app(
    ctx: OAuthContext,
    *,
    name: str,
    operator: str,
    purpose: str,
    privacy_url: str,
    redirect_uris: Sequence[str],
    scopes: Sequence[str],
    max_duration: str,
    rate_limit: int,
    client_id: str | None = None,
    secret: str | None = None,
) -> tuple[str, str]:
    """A new app's client id and secret (shown once, stored only as a keyed hash)."""
    unknown = set(scopes) - set(APP_SCOPES)
    if unknown or not scopes:
        raise ValueError(f"unknown or no scopes: {sorted(unknown)}; known: {sorted(APP_SCOPES)}")
    if max_duration not in DURATIONS:
        raise ValueError(f"max duration must be one of {DURATIONS}")
    if not redirect_uris or not all(_redirect_ok(u) for u in redirect_uris):
        raise ValueError("redirect URIs: https (or http on 127.0.0.1/localhost), no fragment")
    if not 1 <= rate_limit <= 100_000:
        raise ValueError("rate limit: 1 to 100000 calls a minute")
    client_id = client_id or "app_" + secrets.token_hex(8)
    secret = secret or secrets.token_urlsafe(32)
    ctx.store.save_app(
        App(
            client_id=client_id,
            name=name,
            operator=operator,
            purpose=purpose,
            privacy_url=privacy_url,
            secret_hash=secret_hash(ctx.pepper, client_id, secret),
            redirect_uris=tuple(redirect_uris),
            scopes=tuple(scopes),
            max_duration=max_duration,
            rate_limit=rate_limit,
            status="active",
            created_at=ctx.clock.now().isoformat(timespec="seconds"),
        )
    )
    return client_id, secret


def _redirect_ok(uri: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(uri)
    local = parts.hostname in ("127.0.0.1", "localhost")
    return (
        not parts.fragment
        and bool(parts.hostname)
        and (parts.scheme == "https" or (parts.scheme == "http" and local))
    )


def set_app_status(ctx: OAuthContext, client_id: str, status: str) -> None:
    if status not in ("active", "suspended") or not ctx.store.set_app_status(client_id, status):
        raise ValueError(f"no app {client_id!r} (or status not active/suspended)")


def expire_grant_of(ctx: OAuthContext, client_id: str, token: str) -> None:
    """The sandbox's way to make the grant behind one of the app's tokens lapse now."""
    found = ctx.store.get_token(value_hash(token))
    if found is None or found.client_id != client_id:
        raise ValueError("no such token of this app")
    ctx.store.expire_grant(found.person_id, found.grant_id, ctx.now())


# --- one call by an app -------------------------------------------------------------------


@dataclass(frozen=True)
class AppCall:
    """Who is calling: the app, for which person, with which scopes; the limits left; and
    the access-log line already written for the call (its sort key, the status it says)."""

    person_id: str
    client_id: str
    app_name: str
    scopes: tuple[str, ...]
    subject: str
    limit: int
    remaining: int
    reset: int
    logged: str = ""  # the access-log line's sort key
    status: int = 200  # what the line says: 200, or 403 when the scope is not the app's


def _signed_out() -> errors.Unauthorized:
    return errors.Unauthorized(
        "The access token is unknown, expired or revoked, or the app is suspended: "
        "ask the person to connect the app again.",
        "授权已失效、已被撤销或应用已被暂停，请重新授权。",
        code="invalid_token",
    )


def app_access(ctx: OAuthContext, token: str, needed: str | None, route: str) -> AppCall:
    """One call by an app: 401 unless token, grant and app are live; 429 past the limits.

    Three requests, whatever the route reads after: the token (GetItem), then the grant,
    the app and both rate counters together (one consistent BatchGetItem, so a revocation
    or a suspension stops the very next call), then one transaction that counts the call
    on both counters (each only below its limit: atomic across Lambda instances) and
    writes the person's access-log line with the status the checks foresee (403 when the
    route's scope ``needed`` is not the app's); :func:`call_ended` corrects the line when
    the route answers otherwise.
    """
    now = ctx.now()
    found = ctx.store.get_token(value_hash(token))
    if found is None or found.kind != "access" or found.expires_at <= now:
        raise _signed_out()
    window = now - now % WINDOW
    reset = window + WINDOW - now
    keys = (f"RL#APP#{found.client_id}#{window}",
            f"RL#APPPERSON#{found.client_id}#{found.person_id}#{window}")
    grant, app, (app_hits, person_hits) = ctx.store.call_state(
        found.person_id, found.grant_id, found.client_id, keys)
    if grant is None or grant.status != "active" or grant.expires_at <= now:
        raise _signed_out()
    if app is None or app.status != "active":
        raise _signed_out()
    scopes = tuple(found.scope.split())
    status = 200 if needed in APP_SCOPES and needed in scopes else 403
    logged = ctx.store.admit(
        ((keys[0], app.rate_limit), (keys[1], PER_PERSON_PER_MINUTE)), window + WINDOW,
        found.person_id, Access(app.client_id, app.name, needed or "-", route, now, status),
        AUDIT_KEEP_SECONDS,
    )
    if logged is None:
        raise errors.TooManyRequests(
            f"Too many calls this minute: try again in {reset} seconds.",
            "调用太频繁，请1分钟后再试。",
            retry_after=reset,
        )
    return AppCall(
        person_id=found.person_id,
        client_id=app.client_id,
        app_name=app.name,
        scopes=scopes,
        subject=pairwise_subject(ctx.pepper, app.client_id, found.person_id),
        limit=app.rate_limit,
        # as read before this call (others may have called since): what the headers say
        remaining=max(0, min(app.rate_limit - app_hits, PER_PERSON_PER_MINUTE - person_hits)
                      - 1),
        reset=reset,
        logged=logged,
        status=status,
    )


def call_ended(ctx: OAuthContext, call: AppCall, status: int) -> None:
    """The route answered ``status``: the call's access-log line says so (one write, only
    when it differs from what the checks foresaw, e.g. a 404 or a 422)."""
    if status != call.status:
        ctx.store.set_access_status(call.person_id, call.logged, status)


# --- the person's side --------------------------------------------------------------------


def _iso(ctx: OAuthContext, epoch: int | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, ctx.clock.now().tzinfo).isoformat(timespec="seconds")


def _grant_view(ctx: OAuthContext, grant: Grant, apps: dict[str, App | None]) -> dict[str, Any]:
    app = apps.get(grant.client_id)
    now = ctx.now()
    state = grant.status
    if state == "active" and grant.expires_at <= now:
        state = "expired"
    if state == "active" and app is not None and app.status != "active":
        state = "suspended"
    return {
        "grant_id": grant.grant_id,
        "client_id": grant.client_id,
        "app_name": grant.app_name,
        "operator": app.operator if app else None,
        "purpose": app.purpose if app else None,
        "categories": [
            {"scope": s, "zh": APP_SCOPES.get(s, (s, s))[0], "en": APP_SCOPES.get(s, (s, s))[1]}
            for s in grant.scopes
        ],
        "duration": grant.duration,
        "granted_at": _iso(ctx, grant.created_at),
        "expires_at": _iso(ctx, grant.expires_at),
        "status": state,
        "revoked_at": _iso(ctx, grant.revoked_at),
    }


def my_apps(ctx: OAuthContext, person_id: str) -> dict[str, Any]:
    grants = ctx.store.grants_of(person_id)
    apps = {g.client_id: ctx.store.get_app(g.client_id) for g in grants}
    views = [_grant_view(ctx, g, apps) for g in grants]
    views.sort(key=lambda v: (v["status"] != "active", v["granted_at"] or ""), reverse=False)
    return {"items": views}


def revoke_my_grant(ctx: OAuthContext, person_id: str, grant_id: str) -> dict[str, Any]:
    grant = ctx.store.get_grant(person_id, grant_id)
    if grant is None:
        raise errors.NotFound("You have no such authorization.", "没有找到这项授权。")
    ctx.store.revoke_grant(person_id, grant_id, ctx.now(), "person")
    after = ctx.store.get_grant(person_id, grant_id)
    return _grant_view(ctx, after, {after.client_id: ctx.store.get_app(after.client_id)})


def my_access_log(
    ctx: OAuthContext, person_id: str, client_id: str | None, limit: int, cursor: str | None
) -> dict[str, Any]:
    found, after = ctx.store.accesses(person_id, client_id, limit, cursor)
    return {
        "items": [
            {
                "client_id": a.client_id,
                "app_name": a.app_name,
                "scope": a.scope,
                "category_zh": APP_SCOPES.get(a.scope, (a.scope, a.scope))[0],
                "category_en": APP_SCOPES.get(a.scope, (a.scope, a.scope))[1],
                "route": a.route,
                "at": _iso(ctx, a.at),
                "status": a.status,
                "result": "allowed" if a.status < 400 else "refused",
            }
            for a in found
        ],
        "next_cursor": after,
    }
