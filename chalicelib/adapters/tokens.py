"""Signed access tokens (JWT, HS256) with the key from configuration."""

from __future__ import annotations

import functools
import secrets
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from chalicelib.errors import Unauthorized
from chalicelib.ports import TokenClaims


def _pyjwt_for_hmac() -> ModuleType:
    """PyJWT as its base install is (no ``[crypto]`` extra): HMAC only.

    PyJWT imports ``cryptography`` when it is itself imported, for RSA, EC and EdDSA
    keys we never use: ~10 ms of a Lambda's cold start, the largest import of a first
    request. Our tokens are HS256, which PyJWT signs and checks with the standard
    library's ``hmac``. While PyJWT is imported, ``cryptography`` is hidden, so PyJWT
    takes its own fallback for an install without it (``has_crypto`` false: any other
    algorithm is refused, as ``algorithms=["HS256"]`` refuses it anyway). The Lambda
    package leaves ``cryptography`` out (infra/package.py), so there PyJWT takes that
    fallback by itself; the hiding is for dev and test installs, where Authlib's declared
    dependencies bring it (our OAuth 2 parts of Authlib never import it).
    This module is imported with ``app`` (bootstrap.py), before any thread serves.
    """
    if "jwt" not in sys.modules and "cryptography" not in sys.modules:
        sys.modules["cryptography"] = None  # type: ignore[assignment]  # "not installed"
        try:
            import jwt
        finally:
            del sys.modules["cryptography"]
    import jwt

    return jwt


if TYPE_CHECKING:
    import jwt
else:
    jwt = _pyjwt_for_hmac()

_ISSUER = "yibao"
_AUDIENCE = "yibao-api"
SIGNED_TOKENS_KEPT = 1024  # a few hundred bytes each; more than one container serves at once


class JwtTokenService:
    def __init__(self, secret: str, ttl_seconds: int) -> None:
        if len(secret) < 32:
            raise ValueError("the token signing key must have at least 32 characters")
        self._secret = secret
        self._ttl = ttl_seconds
        # Only tokens that passed are kept (an exception is never cached), at most
        # SIGNED_TOKENS_KEPT of them, per key: a new key is a new service, a new cache.
        self._signed = functools.lru_cache(maxsize=SIGNED_TOKENS_KEPT)(self._checked_signature)

    def issue(
        self,
        subject: str,
        scopes: Sequence[str],
        now: int,
        extra: dict[str, str] | None = None,
        not_after: int | None = None,
    ) -> tuple[str, int]:
        """A signed token for ``ttl_seconds``, or less: never past ``not_after``."""
        exp = now + self._ttl if not_after is None else min(now + self._ttl, not_after)
        claims = {
            **({"ext": dict(extra)} if extra else {}),
            "iss": _ISSUER,
            "aud": _AUDIENCE,
            "sub": subject,
            "iat": now,
            "nbf": now,
            "exp": exp,
            "jti": secrets.token_urlsafe(12),
            "scope": " ".join(scopes),
        }
        return jwt.encode(claims, self._secret, algorithm="HS256"), exp - now

    def verify(self, token: str, now: int) -> TokenClaims:
        """The claims of a token we signed that is in force at ``now``; 401 otherwise.

        The signature and the claims' shape are checked once per token (a small cache of
        the tokens that passed: a hospital or a person sends the same token for minutes);
        the times are checked against ``now`` on every call, so an expired token is refused
        however often it passed before. Revocation (退出登录) is not the token's to know: it
        is checked per request (chalicelib/sessions.py), cache or not.
        """
        signed = self._signed(token)
        exp, iat, nbf = signed.expires_at, signed.issued_at, signed.not_before
        # The clock is ours (injected), not the library's; no token outlives the lifetime
        # we issue, whatever its signer wrote (a token of a leaked key cannot last a year).
        if exp <= now or exp - iat > self._ttl or iat > now + 60 or nbf > now + 60:
            raise _expired()
        return TokenClaims(
            subject=signed.subject,
            scopes=signed.scopes,
            expires_at=exp,
            token_id=signed.token_id,
            extra=dict(signed.extra),
        )

    def _checked_signature(self, token: str) -> _Signed:
        """Signature, audience, issuer and the claims' types; never the times (see verify)."""
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
        if not _well_formed(claims):
            raise _expired()
        return _Signed(
            subject=claims["sub"],
            scopes=tuple(claims.get("scope", "").split()),
            expires_at=claims["exp"],
            issued_at=claims["iat"],
            not_before=claims.get("nbf", claims["iat"]),
            token_id=claims["jti"],
            extra=tuple((str(k), str(v)) for k, v in claims.get("ext", {}).items()),
        )


@dataclass(frozen=True)
class _Signed:
    """What a token we signed says, as checked once (immutable: it is shared by requests)."""

    subject: str
    scopes: tuple[str, ...]
    expires_at: int
    issued_at: int
    not_before: int
    token_id: str
    extra: tuple[tuple[str, str], ...]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _well_formed(claims: dict[str, Any]) -> bool:
    """Every claim of the type we issue (a list or a string where a time should be: refused)."""
    return (
        _is_int(claims["exp"])
        and _is_int(claims["iat"])
        and _is_int(claims.get("nbf", 0))
        and isinstance(claims["sub"], str)
        and isinstance(claims["jti"], str)
        and isinstance(claims.get("scope", ""), str)
        and isinstance(claims.get("ext", {}), dict)
    )


def _expired() -> Unauthorized:
    return Unauthorized(
        "Your sign-in is missing, invalid or has expired. Please sign in again.",
        "您还没有登录，或者登录已过期，请重新登录。",
    )


_VOUCHER_AUDIENCE = "yibao-voucher"


class JwtVoucherSigner:
    """医保电子凭证：the signed payload of the QR code (JWT, HS256).

    Its key is derived from the token key for this one use and its audience is its
    own, so a voucher is never an access token and an access token never a voucher.
    Only signature and audience are checked here; the times are the service's (its
    clock), because a voucher verified in time may settle that visit later.
    """

    def __init__(self, secret: str) -> None:
        if len(secret) < 32:
            raise ValueError("the token signing key must have at least 32 characters")
        import hashlib
        import hmac

        self._key = hmac.new(secret.encode(), b"yibao-voucher", hashlib.sha256).hexdigest()

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode({**claims, "aud": _VOUCHER_AUDIENCE}, self._key, algorithm="HS256")

    def read(self, token: str) -> dict[str, Any] | None:
        """The claims of a voucher we signed; None for anything else."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key,
                algorithms=["HS256"],
                audience=_VOUCHER_AUDIENCE,
                options={
                    "require": ["exp", "iat", "sub", "jti"],
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.PyJWTError:
            return None
        if not (
            _is_int(claims["exp"])
            and _is_int(claims["iat"])
            and isinstance(claims["sub"], str)
            and isinstance(claims["jti"], str)
            and isinstance(claims.get("v"), dict)
        ):
            return None
        return claims
