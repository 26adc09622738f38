"""Machine clients: registration and the OAuth 2.0 client-credentials grant."""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from chalicelib import errors
from chalicelib.ports import MachineClient, TokenService
from chalicelib.services.auth import keyed_hash

log = logging.getLogger(__name__)

# A machine client speaks for a hospital, never for a person: the person's data goes to apps
# only through their consent (OAuth 2.0, chalicelib/api/scopes.py).
KNOWN_SCOPES = frozenset({"settlements:write"})


def _secret_hash(pepper: str, client_id: str, secret: str) -> str:
    return keyed_hash(pepper, f"client:{client_id}", secret, 52)


def register_client(
    store: Any,
    pepper: str,
    name: str,
    scopes: Sequence[str],
    hospital_id: str | None,
    now: datetime,
) -> tuple[str, str]:
    """A new client id and secret; the secret is shown once and stored only hashed."""
    unknown = set(scopes) - KNOWN_SCOPES
    if unknown:
        raise ValueError(f"unknown scopes: {sorted(unknown)}")
    if "settlements:write" in scopes and not hospital_id:
        raise ValueError("a client that settles must be registered for a hospital")
    client_id = "c" + secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    store.save(
        MachineClient(
            client_id,
            name,
            _secret_hash(pepper, client_id, secret),
            tuple(scopes),
            hospital_id,
            now.isoformat(timespec="seconds"),
        )
    )
    return client_id, secret


def client_token(
    store: Any,
    tokens: TokenService,
    pepper: str,
    client_id: str,
    secret: str,
    wanted: Sequence[str],
    now: int,
) -> tuple[str, int, tuple[str, ...]]:
    """An access token for a client with valid credentials, for the scopes asked (or all)."""
    client = store.get(client_id)
    given = _secret_hash(pepper, client_id, secret)
    if client is None or not hmac.compare_digest(client.secret_hash, given):
        log.info("client authentication failed")
        raise errors.Unauthorized(
            "The client id or secret is wrong.", "接入方编号或密钥不对。", code="invalid_client"
        )
    scopes = tuple(wanted) if wanted else client.scopes
    if not set(scopes) <= set(client.scopes):
        raise errors.Forbidden(
            "The client is not registered for these scopes.",
            "该接入方未获得这些权限。",
            code="invalid_scope",
        )
    extra = {"hospital_id": client.hospital_id} if client.hospital_id else {}
    token, lifetime = tokens.issue(client.client_id, scopes, now, extra)
    return token, lifetime, scopes
