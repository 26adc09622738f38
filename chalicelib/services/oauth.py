"""Third-party apps (第三方应用): OAuth 2.0 authorization code with PKCE, on Authlib's grants.

The protocol (parameter checks, client authentication, PKCE, error answers) is
Authlib's ``AuthorizationServer`` and its grants; this module supplies the storage,
the house rules of RFC 9700 and Blue Button 2.0, and the person's side:

* confidential clients only (client_secret_basic or _post), response type ``code``;
* PKCE with ``S256`` only (``plain`` refused), ``state`` of 16 to 256 characters,
  the redirect URI given and matching a registered one exactly;
* access tokens of 1 hour; refresh tokens once each, rotated; a refresh token used
  twice revokes the whole grant; a code used twice too (RFC 6749 §4.1.2);
* a grant is one-time (1 hour, no refresh token) or lasts 13 months, capped by the
  app's registration; ``access_grant_expiration`` is in every token answer;
* the app knows the person only by a pairwise subject, a keyed hash of the person
  and the app under the server's secret (no app can compute or match it).
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import parse_qsl

from authlib.oauth2.rfc6749 import AuthorizationServer, ClientMixin, OAuth2Request
from authlib.oauth2.rfc6749.errors import (
    InvalidGrantError,
    InvalidRequestError,
    OAuth2Error,
)
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant, RefreshTokenGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge

from chalicelib import errors
from chalicelib.adapters.dynamodb.oauth import App, Code, Grant, Token
from chalicelib.api.scopes import APP_SCOPES
from chalicelib.ports import Clock
from chalicelib.services.app_tokens import ACCESS_PREFIX, REFRESH_PREFIX
from chalicelib.services.auth import keyed_hash

log = logging.getLogger(__name__)

ACCESS_TOKEN_SECONDS = 3600
CODE_SECONDS = 600
GRANT_MONTHS = 13
DURATIONS = ("one_time", "13_months")
AUDIT_KEEP_SECONDS = 3 * 366 * 86_400  # 3 years (DynamoDB TTL deletes later)
PER_PERSON_PER_MINUTE = 60  # one app's calls for one person
AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


@dataclass
class OAuthContext:
    store: Any
    clock: Clock
    pepper: str

    def now(self) -> int:
        return int(self.clock.now().timestamp())


def secret_hash(pepper: str, client_id: str, secret: str) -> str:
    return keyed_hash(pepper, f"app:{client_id}", secret, 52)


def value_hash(value: str) -> str:
    """Codes and tokens are 256-bit random values: a plain SHA-256 keys them safely."""
    return hashlib.sha256(value.encode()).hexdigest()


def pairwise_subject(pepper: str, client_id: str, person_id: str) -> str:
    """The person as one app sees them: stable for that app, unrelated across apps."""
    return "s" + keyed_hash(pepper, f"pairwise:{client_id}", person_id, 26)


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


# --- Authlib's models ---------------------------------------------------------------------


class AppClient(ClientMixin):
    """A registered app as Authlib's client: confidential, code and refresh grants only."""

    def __init__(self, app: App, pepper: str) -> None:
        self.app = app
        self.client_id = app.client_id
        self._pepper = pepper

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None  # the redirect URI is always given, and must match exactly

    def get_allowed_scope(self, scope: str | None) -> str | None:
        wanted = (scope or "").split()
        if not wanted or not set(wanted) <= set(self.app.scopes):
            return None
        return " ".join(dict.fromkeys(wanted))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.app.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        given = secret_hash(self._pepper, self.client_id, client_secret)
        return hmac.compare_digest(self.app.secret_hash, given)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("authorization_code", "refresh_token")


@dataclass
class _CodeModel:
    code: Code

    def get_redirect_uri(self) -> str:
        return self.code.redirect_uri

    def get_scope(self) -> str:
        return self.code.scope


@dataclass
class _TokenModel:
    token: Token

    def check_client(self, client: AppClient) -> bool:
        return self.token.client_id == client.client_id

    def get_scope(self) -> str:
        return self.token.scope


class _Request(OAuth2Request):
    def __init__(self, method: str, data: dict[str, str], headers: dict[str, str]) -> None:
        super().__init__(method, "https://yibao.invalid/oauth", headers=headers)
        self.payload = BasicOAuth2Payload(data)
        self._data = data

    @property
    def form(self) -> dict[str, str]:
        return self._data

    @property
    def args(self) -> dict[str, str]:
        return self._data


class _S256Only(CodeChallenge):
    """PKCE, required, S256 only (RFC 9700 §2.1.1)."""

    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send code_challenge (S256).")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("code_challenge_method must be S256 ('plain' is refused).")
        super().validate_code_challenge(grant, redirect_uri)

    def get_authorization_code_challenge(self, authorization_code: _CodeModel) -> str:
        return authorization_code.code.code_challenge

    def get_authorization_code_challenge_method(self, authorization_code: _CodeModel) -> str:
        return "S256"


class _CodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    server: _Server

    def validate_authorization_request(self) -> str:
        redirect_uri = str(super().validate_authorization_request())
        state = self.request.payload.state or ""
        if not 16 <= len(state) <= 256:
            raise InvalidRequestError(
                "state is required: 16 to 256 characters, random per request.",
                redirect_uri=redirect_uri,
                state=state or None,
            )
        return redirect_uri

    def save_authorization_code(self, code: str, request: Any) -> None:
        grant: Grant = request.user
        ctx = self.server.ctx
        self.server.ctx.store.save_code(
            Code(
                value_hash(code),
                grant.client_id,
                grant.person_id,
                grant.grant_id,
                request.payload.redirect_uri,
                " ".join(grant.scopes),
                request.payload.data["code_challenge"],
                ctx.now() + CODE_SECONDS,
            )
        )

    def query_authorization_code(self, code: str, client: AppClient) -> _CodeModel | None:
        ctx = self.server.ctx
        fresh, reused = ctx.store.use_code(value_hash(code), client.client_id, ctx.now())
        if reused is not None:
            log.warning("authorization code used twice: its grant is revoked")
            ctx.store.revoke_grant(reused.person_id, reused.grant_id, ctx.now(), "code_reuse")
        return None if fresh is None else _CodeModel(fresh)

    def delete_authorization_code(self, authorization_code: _CodeModel) -> None:
        """Nothing to do: the code was marked used when it was read (once, conditionally)."""

    def authenticate_user(self, authorization_code: _CodeModel) -> Grant | None:
        code = authorization_code.code
        return self.server.live_grant(code.person_id, code.grant_id, code.client_id)


class _RefreshGrant(RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotation: every refresh answers a new refresh token
    server: _Server

    def authenticate_refresh_token(self, refresh_token: str) -> _TokenModel | None:
        ctx = self.server.ctx
        fresh, reused = ctx.store.use_refresh_token(value_hash(refresh_token))
        if reused is not None:
            log.warning("refresh token used twice: its grant is revoked")
            ctx.store.revoke_grant(reused.person_id, reused.grant_id, ctx.now(), "refresh_reuse")
            return None
        if fresh is None or fresh.expires_at <= ctx.now():
            return None
        return _TokenModel(fresh)

    def authenticate_user(self, refresh_token: _TokenModel) -> Grant | None:
        token = refresh_token.token
        grant = self.server.live_grant(token.person_id, token.grant_id, token.client_id)
        if grant is None:
            raise InvalidGrantError("The grant has expired or was revoked: ask the person again.")
        return grant

    def revoke_old_credential(self, refresh_token: _TokenModel) -> None:
        """Nothing to do: the refresh token was marked used when it was read."""


class _Revocation(RevocationEndpoint):
    """RFC 7009: revoking an app's token takes back the whole grant it belongs to."""

    CLIENT_AUTH_METHODS = AUTH_METHODS
    server: _Server

    def query_token(self, token_string: str, token_type_hint: str | None) -> _TokenModel | None:
        found = self.server.ctx.store.get_token(value_hash(token_string))
        return None if found is None else _TokenModel(found)

    def revoke_token(self, token: _TokenModel, request: Any) -> None:
        ctx = self.server.ctx
        ctx.store.revoke_grant(token.token.person_id, token.token.grant_id, ctx.now(), "app")


class _Server(AuthorizationServer):
    def __init__(self, ctx: OAuthContext) -> None:
        super().__init__(scopes_supported=list(APP_SCOPES))
        self.ctx = ctx
        self.register_grant(_CodeGrant, [_S256Only(required=True)])
        self.register_grant(_RefreshGrant)
        self.register_endpoint(_Revocation)
        self.register_token_generator("default", self._token)

    def query_client(self, client_id: str) -> AppClient | None:
        app = self.ctx.store.get_app(client_id)
        if app is None or app.status != "active":
            return None
        return AppClient(app, self.ctx.pepper)

    def live_grant(self, person_id: str, grant_id: str, client_id: str) -> Grant | None:
        grant = self.ctx.store.get_grant(person_id, grant_id)
        if grant is None or grant.client_id != client_id or grant.status != "active":
            return None
        return grant if grant.expires_at > self.ctx.now() else None

    def _token(
        self,
        grant_type: str,
        client: AppClient,
        user: Grant,
        scope: str,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        now = self.ctx.now()
        answer: dict[str, Any] = {
            "token_type": "Bearer",
            "access_token": ACCESS_PREFIX + secrets.token_urlsafe(32),
            "expires_in": max(1, min(ACCESS_TOKEN_SECONDS, user.expires_at - now)),
            "scope": scope,
            "patient": pairwise_subject(self.ctx.pepper, client.client_id, user.person_id),
            "access_grant_expiration": _iso(self.ctx, user.expires_at),
        }
        if include_refresh_token and user.duration != "one_time":
            answer["refresh_token"] = REFRESH_PREFIX + secrets.token_urlsafe(32)
        return answer

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        grant: Grant = request.user
        now = self.ctx.now()
        common = (grant.client_id, grant.person_id, grant.grant_id, token["scope"])
        self.ctx.store.save_token(
            Token(value_hash(token["access_token"]), "access", *common, now + token["expires_in"])
        )
        if "refresh_token" in token:
            self.ctx.store.save_token(
                Token(value_hash(token["refresh_token"]), "refresh", *common, grant.expires_at)
            )

    def create_oauth2_request(self, request: _Request) -> _Request:
        return request

    def handle_response(self, status: int, body: Any, headers: Any) -> OAuthAnswer:
        return OAuthAnswer(status, body if isinstance(body, dict) else {}, dict(headers))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signals here."""


def _iso(ctx: OAuthContext, epoch: int) -> str:
    tz = ctx.clock.now().tzinfo
    return datetime.fromtimestamp(epoch, tz).isoformat(timespec="seconds")


@dataclass(frozen=True)
class OAuthAnswer:
    """What Authlib answers: a status, a JSON body (may be empty) and headers (Location)."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str]


_PRINTABLE = re.compile(r"[\x20-\x7e]*")


def _query(text: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
    except ValueError:
        raise InvalidRequestError(
            "The authorization request is not a valid query string."
        ) from None
    data: dict[str, str] = {}
    for key, value in pairs:
        if key in data:
            raise InvalidRequestError(f"Multiple '{key}' in request.")
        # RFC 6749 Appendix A: every parameter is printable ASCII (VSCHAR, NQCHAR, a URI)
        if not _PRINTABLE.fullmatch(key + value):
            raise InvalidRequestError("The authorization request has characters it may not.")
        data[key] = value
    return data


# --- the use cases ------------------------------------------------------------------------


def check_authorization(ctx: OAuthContext, query: str) -> tuple[AppClient, list[str]] | OAuthAnswer:
    """Validate an authorization request: (the app, the scopes asked) or Authlib's error."""
    server = _Server(ctx)
    request = _Request("GET", _query_or_error(query), {})
    try:
        grant = server.get_consent_grant(request)
    except OAuth2Error as error:
        return server.handle_error_response(request, error)  # type: ignore[no-any-return]
    return grant.client, request.scope.split()


def _query_or_error(query: str) -> dict[str, str]:
    try:
        return _query(query)
    except InvalidRequestError:
        return {}


def consent_view(app: AppClient, scopes: list[str]) -> dict[str, Any]:
    """What the consent page shows: the app, its operator and purpose, each category."""
    a = app.app
    durations = ["one_time"] if a.max_duration == "one_time" else list(DURATIONS)
    return {
        "client_id": a.client_id,
        "app_name": a.name,
        "operator": a.operator,
        "purpose": a.purpose,
        "privacy_url": a.privacy_url,
        "categories": [
            {"scope": s, "zh": APP_SCOPES[s][0], "en": APP_SCOPES[s][1]} for s in scopes
        ],
        "durations": durations,
    }


def decide(
    ctx: OAuthContext,
    person_id: str,
    query: str,
    allow: bool,
    chosen: list[str],
    duration: str,
) -> OAuthAnswer:
    """The person's answer on the consent page: a redirect with a code, or access_denied."""
    server = _Server(ctx)
    request = _Request("GET", _query_or_error(query), {})
    try:
        authlib_grant = server.get_consent_grant(request)
    except OAuth2Error as error:
        return server.handle_error_response(request, error)  # type: ignore[no-any-return]
    app: AppClient = authlib_grant.client
    asked = request.scope.split()
    if not allow:
        return server.create_authorization_response(request, None, authlib_grant)  # type: ignore[no-any-return]
    if not chosen or not set(chosen) <= set(asked):
        raise errors.RuleViolation(
            "Choose at least one of the categories the app asked for.",
            "请至少选择一项应用申请的信息类别。",
            code="scopes_not_asked",
        )
    if duration not in DURATIONS or (app.app.max_duration == "one_time" and duration != "one_time"):
        raise errors.RuleViolation(
            "This app may only be allowed once (one_time).",
            "这个应用只能一次性授权。",
            code="duration_not_allowed",
        )
    now = ctx.clock.now()
    lapses = now + timedelta(seconds=ACCESS_TOKEN_SECONDS)
    if duration == "13_months":
        lapses = add_months(now, GRANT_MONTHS)
    grant = Grant(
        person_id=person_id,
        grant_id="g" + secrets.token_hex(10),
        client_id=app.client_id,
        app_name=app.app.name,
        scopes=tuple(s for s in asked if s in chosen),
        duration=duration,
        created_at=int(now.timestamp()),
        expires_at=int(lapses.timestamp()),
        status="active",
    )
    ctx.store.save_grant(grant)
    return server.create_authorization_response(request, grant, authlib_grant)  # type: ignore[no-any-return]


def token(ctx: OAuthContext, form: dict[str, str], headers: dict[str, str]) -> OAuthAnswer:
    """The token endpoint for apps: authorization_code and refresh_token grants."""
    server = _Server(ctx)
    return server.create_token_response(_Request("POST", form, headers))  # type: ignore[no-any-return]


def revoke(ctx: OAuthContext, form: dict[str, str], headers: dict[str, str]) -> OAuthAnswer:
    """RFC 7009 for apps: 200 whether or not the token was known."""
    server = _Server(ctx)
    answer = server.create_endpoint_response("revocation", _Request("POST", form, headers))
    return answer  # type: ignore[no-any-return]
