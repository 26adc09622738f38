"""Signed access tokens (JWT, HS256) with the key from configuration."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import jwt

from chalicelib.errors import Unauthorized
from chalicelib.ports import TokenClaims

_ISSUER = "yibao"
_AUDIENCE = "yibao-api"


class JwtTokenService:
    def __init__(self, secret: str, ttl_seconds: int) -> None:
        if len(secret) < 32:
            raise ValueError("the token signing key must have at least 32 characters")
        self._secret = secret
        self._ttl = ttl_seconds

    def issue(
        self, subject: str, scopes: Sequence[str], now: int, extra: dict[str, str] | None = None
    ) -> tuple[str, int]:
        claims = {
            **({"ext": dict(extra)} if extra else {}),
            "iss": _ISSUER,
            "aud": _AUDIENCE,
            "sub": subject,
            "iat": now,
            "nbf": now,
            "exp": now + self._ttl,
            "jti": secrets.token_urlsafe(12),
            "scope": " ".join(scopes),
        }
        return jwt.encode(claims, self._secret, algorithm="HS256"), self._ttl

    def verify(self, token: str, now: int) -> TokenClaims:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                audience=_AUDIENCE,
                issuer=_ISSUER,
                options={
                    "require": ["exp", "iat", "sub", "jti"],
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.PyJWTError:
            raise _expired() from None
        # The clock is ours (injected), not the library's.
        if int(claims["exp"]) <= now or int(claims.get("nbf", 0)) > now + 60:
            raise _expired()
        return TokenClaims(
            subject=str(claims["sub"]),
            scopes=tuple(str(claims.get("scope", "")).split()),
            expires_at=int(claims["exp"]),
            token_id=str(claims["jti"]),
            extra={str(k): str(v) for k, v in dict(claims.get("ext") or {}).items()},
        )


def _expired() -> Unauthorized:
    return Unauthorized(
        "Your sign-in is missing, invalid or has expired. Please sign in again.",
        "您还没有登录，或者登录已过期，请重新登录。",
    )
