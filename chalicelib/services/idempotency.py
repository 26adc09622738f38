"""What makes two requests "the same" for idempotency: a digest of their content."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from chalicelib.errors import Conflict
from chalicelib.ports import StoredAnswer


def fingerprint(request: dict[str, Any]) -> str:
    """SHA-256 of the request's canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(request, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def replay(stored: StoredAnswer, digest: str) -> dict[str, Any]:
    """The first answer given to a key, if the request is the same one (409 otherwise)."""
    if stored.fingerprint != digest:
        raise Conflict(
            "This Idempotency-Key was already used for a different request.",
            "这个请求编号已用于另一项办理，请换一个编号。",
            code="idempotency_key_reused",
        )
    body: dict[str, Any] = json.loads(stored.body)
    return body
