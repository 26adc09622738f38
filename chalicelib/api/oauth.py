"""Third-party apps: the OAuth 2.0 endpoints, the consent page's API, the person's apps."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

from chalice.app import Blueprint, Request, Response

from chalicelib import errors
from chalicelib.api import problems
from chalicelib.api.callers import caller
from chalicelib.api.http import (
    FORM,
    _content_type,
    _raw,
    field_error,
    json_body,
    json_response,
    query_param,
    route,
)
from chalicelib.bootstrap import container

bp = Blueprint(__name__)

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
CONSENT_PAGE = "/consent.html"
_GRANT_ID = re.compile(r"g[0-9a-f]{20}")
_CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_CURSOR = re.compile(r"APPACCESS#[0-9]{11}#[0-9a-f]{8}")

# RFC 6749 error codes in the person's words (the app gets error and error_description too)
_WORDS: dict[str, tuple[str, str]] = {
    "invalid_request": ("Invalid authorization request", "授权请求不完整或有误"),
    "invalid_client": ("Unknown or suspended app, or wrong secret", "应用未登记、已暂停或密钥不对"),
    "invalid_grant": ("The code or refresh token is not valid", "授权码或刷新令牌无效"),
    "unauthorized_client": ("The app may not do this", "应用无权这样请求"),
    "unsupported_grant_type": ("Unsupported grant type", "不支持的授权方式"),
    "unsupported_response_type": ("Unsupported response type", "不支持的响应类型"),
    "invalid_scope": ("Scope not registered for this app", "申请的权限不在应用登记的范围内"),
    "access_denied": ("The person said no", "本人拒绝了授权"),
    "unsupported_token_type": ("Unsupported token type", "不支持的令牌类型"),
}


def _query_string(request: Request) -> str:
    params: Any = request.query_params or {}
    multi = getattr(params, "getlist", None)
    pairs: list[tuple[str, str]] = []
    for key in params:
        values = multi(key) if multi else [params[key]]
        pairs.extend((key, str(v)) for v in values)
    return urlencode(pairs)


def _form(request: Request) -> dict[str, str]:
    if _content_type(request) != FORM:
        raise errors.UnsupportedMediaType(
            "Send the form as application/x-www-form-urlencoded (RFC 6749).",
            "请以表单格式(application/x-www-form-urlencoded)发送。",
        )
    try:
        pairs = parse_qsl(_raw(request).decode("utf-8"), strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        pairs = None
    if pairs is None or len({k for k, _ in pairs}) != len(pairs):
        raise errors.MalformedRequest(
            "The form body is not valid (UTF-8, each field once).", "表单内容格式不对。"
        )
    return dict(pairs)


def _headers(request: Request) -> dict[str, str]:
    auth = request.headers.get("authorization")
    return {"Authorization": auth} if auth else {}


def oauth_problem(status: int, body: dict[str, Any], headers: dict[str, str]) -> Response:
    """An RFC 6749 error as an RFC 9457 problem that also carries error/error_description."""
    code = str(body.get("error", "invalid_request"))
    title, title_zh = _WORDS.get(code, _WORDS["invalid_request"])
    description = str(body.get("error_description") or title)
    problem = problems.problem_body(
        "oauth-" + code.replace("_", "-"),
        title,
        title_zh,
        status,
        description,
        f"{title_zh}。请回到应用重新发起授权。" if code != "access_denied" else "您没有同意授权。",
        error=code,
        error_description=description,
        code=code,
    )
    extra = {k: v for k, v in headers.items() if k.lower() == "www-authenticate"}
    return problems.problem_response(problem, {**NO_STORE, **extra})


def _answer(answer: Any) -> Response:
    if answer.status >= 400:
        return oauth_problem(answer.status, answer.body, answer.headers)
    return json_response(answer.body, answer.status, NO_STORE)


def app_token(request: Request) -> Response:
    """POST /v1/oauth/token for apps (authorization_code, refresh_token); Authlib answers."""
    from chalicelib.services import oauth

    return _answer(oauth.token(container().oauth(), _form(request), _headers(request)))


@route(bp, "/v1/oauth/revoke", "POST")
def revoke() -> Response:
    from chalicelib.services import oauth

    request = bp.current_request
    return _answer(oauth.revoke(container().oauth(), _form(request), _headers(request)))


@route(bp, "/v1/oauth/authorize", "GET")
def authorize() -> Response:
    """Check the app's request, then send the person to the consent page (or the app back)."""
    from chalicelib.services import oauth

    query = _query_string(bp.current_request)
    checked = oauth.check_authorization(container().oauth(), query)
    if isinstance(checked, oauth.OAuthAnswer):
        return _redirect_or_problem(checked)
    return Response(
        "", status_code=302, headers={"Location": f"{CONSENT_PAGE}?{query}", **NO_STORE}
    )


def _redirect_or_problem(answer: Any) -> Response:
    if answer.status == 302:
        return Response("", status_code=302, headers={"Location": answer.headers["Location"]})
    return oauth_problem(answer.status, answer.body, answer.headers)


@route(bp, "/v1/oauth/consent", "GET")
def consent() -> Response:
    """What the consent page shows for an authorization request."""
    from chalicelib.services import oauth

    checked = oauth.check_authorization(container().oauth(), _query_string(bp.current_request))
    if isinstance(checked, oauth.OAuthAnswer):
        if checked.status == 302:  # the app is known and its address checked: tell the page
            return oauth_problem(
                400,
                {"error": "invalid_request", "error_description": "The app's request is invalid."},
                {},
            )
        return oauth_problem(checked.status, checked.body, checked.headers)
    app, scopes = checked
    return json_response(oauth.consent_view(app, scopes), headers=NO_STORE)


@route(bp, "/v1/oauth/consent", "POST")
def decide() -> Response:
    """The person's answer (allow or deny, which categories, how long): where to go next."""
    from chalicelib.services import oauth

    request = bp.current_request
    who = caller(request)
    body = json_body(request, "oauth-consent-request")
    answer = oauth.decide(
        container().oauth(),
        who.person_id,
        body["request"],
        body["decision"] == "allow",
        list(body.get("scopes", [])),
        body.get("duration", "one_time"),
    )
    if answer.status != 302:
        return oauth_problem(answer.status, answer.body, answer.headers)
    return json_response({"redirect_to": answer.headers["Location"]}, headers=NO_STORE)


# --- 授权管理 and 谁查看了我的信息 -------------------------------------------------------------


@route(bp, "/v1/me/apps", "GET")
def my_apps() -> Response:
    from chalicelib.services import apps

    who = caller(bp.current_request)
    return json_response(apps.my_apps(container().oauth(), who.person_id), headers=NO_STORE)


@route(bp, "/v1/me/apps/{grant_id}", "DELETE")
def revoke_app(grant_id: str) -> Response:
    from chalicelib.services import apps

    who = caller(bp.current_request)
    if not _GRANT_ID.fullmatch(grant_id):
        raise errors.NotFound("You have no such authorization.", "没有找到这项授权。")
    view = apps.revoke_my_grant(container().oauth(), who.person_id, grant_id)
    return json_response(view, headers=NO_STORE)


@route(bp, "/v1/me/app-access", "GET")
def access_log() -> Response:
    from chalicelib.services import apps

    request = bp.current_request
    who = caller(request)
    client_id = query_param(request, "client_id")
    if client_id is not None and not _CLIENT_ID.fullmatch(client_id):
        raise field_error("client_id", "pattern", "client_id is an app's id.", "应用编号格式不对。")
    limit = query_param(request, "limit") or "20"
    if not limit.isdigit() or not 1 <= int(limit) <= 100:
        raise field_error(
            "limit", "range", "limit is a whole number from 1 to 100.", "每页条数应为1到100的整数。"
        )
    cursor = query_param(request, "cursor")
    if cursor is not None and not _CURSOR.fullmatch(cursor):
        raise field_error(
            "cursor", "pattern", "cursor is the next_cursor of a page.", "翻页参数不对。"
        )
    body = apps.my_access_log(container().oauth(), who.person_id, client_id, int(limit), cursor)
    return json_response(body, headers=NO_STORE)
