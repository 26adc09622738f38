"""Which kind a bearer token is: an app's opaque OAuth token, or one of our signed JWTs.

Told by its prefix alone, so that a portal or hospital request never imports the OAuth
machinery (Authlib, the apps' tables) just to learn that it is not an app's call.
"""

from __future__ import annotations

ACCESS_PREFIX, REFRESH_PREFIX = "ybat_", "ybrt_"


def is_app_token(token: str) -> bool:
    """An app's access token (issued by services/oauth.py), by its prefix."""
    return token.startswith(ACCESS_PREFIX)
