"""The sandbox's demo app (示范健康): the app's side of the OAuth 2.0 flow, in ``make run``.

``/local/demo-app`` plays a third-party app as a developer would write it, with an
off-the-shelf client (Authlib's ``OAuth2Session`` over requests): PKCE S256, a random
``state``, the code exchanged with the app's secret on the server side, a first call
(``GET /v1/me/benefits``), a refresh (the refresh token works once) and the sandbox's
"let the grant lapse" button. Synthetic persons only: the demo region's.

The app is registered on first use with a fixed local client id and secret (below), so
the quickstart (docs/apps-quickstart.md) can name them; they exist only on the local stack.
"""

from __future__ import annotations

import html
import json
import threading
from typing import Any
from urllib.parse import parse_qs, urlsplit

CLIENT_ID = "app_demo_health"
CLIENT_SECRET = "local-demo-secret-not-for-any-real-deployment"  # noqa: S105 (local only)
SCOPES = ["profile:read", "benefits:read", "account:read", "settlements:read", "card:read"]
BASE = "/local/demo-app"

_lock = threading.Lock()
_verifiers: dict[str, str] = {}  # state -> PKCE verifier, for flows under way
_last: dict[str, Any] = {}  # the demo app's one "user session": its latest token answer


def redirect_uri(origin: str) -> str:
    return f"{origin}{BASE}/callback"


def ensure_registered(origin: str) -> None:
    """Register the demo app for this server's address (once per local stack)."""
    from chalicelib.bootstrap import container
    from chalicelib.services.apps import register_app

    ctx = container().oauth()
    if ctx.store.get_app(CLIENT_ID) is not None:
        return
    register_app(
        ctx, name="示范健康（演示应用）", operator="示范健康科技有限公司（演示）",
        purpose="帮您查看医保待遇和个人账户余额，提醒额度用量。",
        privacy_url="https://app.example/privacy", redirect_uris=[redirect_uri(origin)],
        scopes=SCOPES, max_duration="13_months", rate_limit=600,
        client_id=CLIENT_ID, secret=CLIENT_SECRET,
    )


def _session(origin: str, **extra: Any) -> Any:
    from authlib.integrations.requests_client import OAuth2Session

    return OAuth2Session(
        CLIENT_ID, CLIENT_SECRET, scope=" ".join(SCOPES), redirect_uri=redirect_uri(origin),
        code_challenge_method="S256", token_endpoint_auth_method="client_secret_basic",  # noqa: S106
        **extra,
    )


def handle(origin: str, path: str) -> tuple[int, dict[str, str], str]:
    """One request to the demo app: (status, headers, HTML)."""
    from authlib.common.security import generate_token

    ensure_registered(origin)
    route = urlsplit(path).path.removeprefix(BASE) or "/"
    if route == "/start":
        verifier = generate_token(48)
        uri, state = _session(origin).create_authorization_url(
            f"{origin}/v1/oauth/authorize", code_verifier=verifier
        )
        with _lock:
            _verifiers[state] = verifier
        return 302, {"Location": uri}, ""
    if route == "/callback":
        return _callback(origin, path)
    if route == "/refresh":
        return _refresh(origin)
    if route == "/expire":
        return _expire(origin)
    if route == "/call":
        return _page(origin, "读取结果 / Result", _call(origin))
    return _page(origin, "示范健康（演示应用） / Demo health app", "")


def _callback(origin: str, path: str) -> tuple[int, dict[str, str], str]:
    query = parse_qs(urlsplit(path).query)
    if "error" in query:
        return _page(origin, "没有得到授权 / Not allowed",
                     _block("error", {k: v[0] for k, v in query.items()}))
    with _lock:
        verifier = _verifiers.pop(query.get("state", [""])[0], None)
    if verifier is None:  # not the demo app's own flow: e.g. the quickstart's, by curl
        shown = {k: query.get(k, [""])[0] for k in ("code", "state")}
        return _page(origin, "授权码 / Your authorization code",
                     "<p>这不是演示应用自己发起的授权（例如快速入门里用 curl 发起的）："
                     "请用下面的 code 兑换令牌，5分钟内有效，只能用一次。"
                     "Not the demo app's own request (e.g. the quickstart's): exchange this "
                     "code at the token endpoint within 5 minutes, once.</p>"
                     + _block("code", shown))
    session = _session(origin, state=query["state"][0])
    token = session.fetch_token(
        f"{origin}/v1/oauth/token", authorization_response=f"{origin}{path}",
        code_verifier=verifier,
    )
    with _lock:
        _last.clear()
        _last.update(token)
    return _page(origin, "已连接 / Connected", _block("token", _shown(token)) + _call(origin))


def _refresh(origin: str) -> tuple[int, dict[str, str], str]:
    import requests

    refresh_token = _last.get("refresh_token")
    if not refresh_token:
        return _page(origin, "没有刷新令牌 / No refresh token", "<p>请先连接。Connect first.</p>")
    reply = requests.post(
        f"{origin}/v1/oauth/token", data={"grant_type": "refresh_token",
                                          "refresh_token": refresh_token},
        auth=(CLIENT_ID, CLIENT_SECRET), timeout=20,
    )
    body = reply.json()
    if reply.ok:
        with _lock:
            _last.update(body)
        return _page(origin, "已刷新 / Refreshed", _block("token", _shown(body)))
    return _page(origin, f"刷新被拒绝 / Refused ({reply.status_code})", _block("error", body))


def _expire(origin: str) -> tuple[int, dict[str, str], str]:
    from chalicelib.bootstrap import container
    from chalicelib.services.apps import expire_grant_of

    token = _last.get("access_token")
    if not token:
        return _page(origin, "还没有授权 / Nothing to expire", "<p>请先连接。Connect first.</p>")
    expire_grant_of(container().oauth(), CLIENT_ID, token)
    return _page(origin, "授权已过期（演示） / The grant has lapsed",
                 "<p>现在试试刷新或再读一次：都会被拒绝。"
                 "Now refresh or call again: both are refused.</p>")


def _call(origin: str) -> str:
    import requests

    token = _last.get("access_token")
    if not token:
        return "<p>请先连接。Connect first.</p>"
    reply = requests.get(f"{origin}/v1/me/benefits",
                         headers={"Authorization": f"Bearer {token}"}, timeout=20)
    return (f"<h2>GET /v1/me/benefits → {reply.status_code}</h2>"
            + _block("benefits" if reply.ok else "error", reply.json()))


def _shown(token: dict[str, Any]) -> dict[str, Any]:
    """The token answer with the token values shortened (a page is no place for them)."""
    return {k: (v[:9] + "…" if k in ("access_token", "refresh_token") else v)
            for k, v in token.items()}


def _block(name: str, data: Any) -> str:
    text = html.escape(json.dumps(data, ensure_ascii=False, indent=2))
    return f'<pre id="demo-{name}" class="card demo-json">{text}</pre>'


def _page(origin: str, title: str, body: str) -> tuple[int, dict[str, str], str]:
    links = [("start", "用医保账号连接 / Connect with my insurance account"),
             ("call", "再读一次 / Call again"), ("refresh", "刷新令牌 / Refresh the token"),
             ("expire", "让授权过期（演示） / Let the grant lapse (sandbox)")]
    nav = "".join(f'<li><a id="demo-{k}" class="button secondary" href="{BASE}/{k}">{text}</a></li>'
                  for k, text in links)
    page = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><link rel="stylesheet" href="/assets/style.css">
<link rel="stylesheet" href="/assets/apps.css"></head>
<body><main id="main"><h1>{html.escape(title)}</h1>
<p>这是沙箱里的演示应用，只用演示地区的虚构人员。It plays a third-party app on the local
stack, with synthetic persons only. client_id: <code>{CLIENT_ID}</code></p>
{body}<ul class="plain-list">{nav}</ul></main></body></html>"""
    return 200, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}, page
