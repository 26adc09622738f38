"""Helpers for the third-party app tests: register an app, consent, exchange the code."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

REDIRECT = "https://app.example/callback"


@dataclass
class AppReg:
    client_id: str
    secret: str
    redirect: str = REDIRECT

    def basic(self) -> dict[str, str]:
        raw = f"{self.client_id}:{self.secret}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def register(scopes: list[str], max_duration: str = "13_months", rate_limit: int = 1000,
             redirect: str = REDIRECT, name: str = "示范健康") -> AppReg:
    from chalicelib.bootstrap import container
    from chalicelib.services.apps import register_app

    client_id, secret = register_app(
        container().oauth(), name=name, operator="示范健康科技有限公司",
        purpose="帮您查看医保待遇，提醒额度用量。", privacy_url="https://app.example/privacy",
        redirect_uris=[redirect], scopes=scopes, max_duration=max_duration,
        rate_limit=rate_limit,
    )
    return AppReg(client_id, secret, redirect)


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.decode().rstrip("=")


def auth_query(app: AppReg, scope: str | None, challenge: str, **over: Any) -> str:
    params = {
        "response_type": "code", "client_id": app.client_id, "redirect_uri": app.redirect,
        "scope": scope, "state": secrets.token_urlsafe(16), "code_challenge": challenge,
        "code_challenge_method": "S256", **over,
    }
    return urlencode({k: v for k, v in params.items() if v is not None})


def consent(api: Any, person_token: str, query: str, scopes: list[str] | None = None,
            duration: str = "13_months", decision: str = "allow") -> Any:
    body: dict[str, Any] = {"request": query, "decision": decision, "duration": duration}
    if scopes is not None:
        body["scopes"] = scopes
    return api.post("/v1/oauth/consent", body, token=person_token)


def code_of(reply: Any) -> str:
    assert reply.status == 200, reply.text
    return str(parse_qs(urlsplit(reply.body["redirect_to"]).query)["code"][0])


def form(api: Any, path: str, fields: dict[str, str], headers: dict[str, str] | None = None) -> Any:
    return api.request("POST", path, raw=urlencode(fields).encode(),
                       headers={"Content-Type": "application/x-www-form-urlencoded",
                                **(headers or {})})


def exchange(api: Any, app: AppReg, code: str, verifier: str, **over: str) -> Any:
    fields = {"grant_type": "authorization_code", "code": code, "redirect_uri": app.redirect,
              "code_verifier": verifier, **over}
    return form(api, "/v1/oauth/token", fields, app.basic())


def refresh(api: Any, app: AppReg, refresh_token: str) -> Any:
    return form(api, "/v1/oauth/token",
                {"grant_type": "refresh_token", "refresh_token": refresh_token}, app.basic())


def connect(api: Any, person_token: str, app: AppReg, scopes: list[str],
            duration: str = "13_months") -> dict[str, Any]:
    """The whole flow: consent to ``scopes``, exchange the code; the token answer."""
    verifier, challenge = pkce()
    code = code_of(consent(api, person_token, auth_query(app, " ".join(scopes), challenge),
                           scopes, duration))
    reply = exchange(api, app, code, verifier)
    assert reply.status == 200, reply.text
    return dict(reply.body)
