"""What makes two requests "the same" for idempotency: a digest of their content."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def fingerprint(request: dict[str, Any]) -> str:
    """SHA-256 of the request's canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(request, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
