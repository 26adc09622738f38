"""Query parameters the statements share: a year, and an opaque cursor.

A cursor is the key to continue after, base64url-encoded; it must decode to a key
with the expected prefix, or the caller gets one plain problem (start again).
"""

from __future__ import annotations

import base64
import binascii

from chalicelib import errors


def encode_cursor(key: str | None) -> str | None:
    return None if key is None else base64.urlsafe_b64encode(key.encode()).decode()


def decode_cursor(cursor: str, prefix: str, max_chars: int = 200) -> str:
    """The key a cursor stands for; 422 ``/cursor`` unless it starts with ``prefix``."""
    try:
        key = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise errors.invalid_cursor() from None
    if not key.startswith(prefix) or len(key) > max_chars:
        raise errors.invalid_cursor()
    return key


def year_param(text: str | None, first: int, last: int, default: int, why_zh: str = "") -> int:
    """A ``year`` query parameter from ``first`` to ``last``; ``default`` when absent."""
    if text is None:
        return default
    if not text.isdigit() or len(text) != 4 or not first <= int(text) <= last:
        raise errors.field_error(
            "year",
            "range",
            f"year is a year from {first} to {last}.",
            f"年份应在{first}年到{last}年之间{why_zh}。",
        )
    return int(text)
