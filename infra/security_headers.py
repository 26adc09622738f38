"""The portal's security headers: CloudFront sends them in dev and prod, and the local
server (``make run``, the browser tests) sends the same, so the portal is tested under
the policy it is deployed with. No ``unsafe-inline``: every script and style is a file.
"""

from __future__ import annotations

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)
HSTS_SECONDS = 63_072_000  # two years, the preload list's minimum is one
REFERRER_POLICY = "no-referrer"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": REFERRER_POLICY,
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Strict-Transport-Security": f"max-age={HSTS_SECONDS}; includeSubDomains",
}
