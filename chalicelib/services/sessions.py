"""退出登录: a citizen's sign-in ends when they log out, not when the token expires."""

from __future__ import annotations

import logging

from chalicelib.errors import Forbidden
from chalicelib.ports import Clock, SessionStore, TokenClaims

log = logging.getLogger(__name__)


def sign_out(store: SessionStore, claims: TokenClaims, clock: Clock) -> None:
    """Revoke the citizen token ``claims`` (by its ``jti``) until its ``exp``.

    Logging out twice is fine: the second time writes the same record again. Other
    tokens (a hospital's, a third party's) are not signed out here.
    """
    if "citizen" not in claims.scopes:
        raise Forbidden(
            "Only a citizen's own sign-in can be ended here.",
            "这里只能退出本人的登录。",
        )
    store.revoke(claims.subject, claims.token_id, claims.expires_at, int(clock.now().timestamp()))
    log.info("logout", extra={"person_id": claims.subject})
