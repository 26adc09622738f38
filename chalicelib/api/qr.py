"""QR codes for the portal's printed and shown codes (无卡证明, 电子凭证, 参保证明)."""

from __future__ import annotations

from chalice.app import Request

from chalicelib.bootstrap import container


def public_url(request: Request) -> str:
    """The portal's public origin: configured (behind CloudFront), else from the request."""
    configured = container().settings.public_url
    if configured:
        return configured.rstrip("/")
    host = request.headers.get("host", "127.0.0.1")
    proto = request.headers.get("x-forwarded-proto", "http" if host.startswith("127.") else "https")
    return f"{proto}://{host}"


def qr_svg(text: str, scale: int = 4, error: str = "m") -> str:
    """A QR code of ``text`` as an SVG data URI (segno: pure Python, no I/O); ``error``
    "l" for a code shown on a screen (less dense), "m" for print."""
    import segno

    return str(segno.make(text, error=error).svg_data_uri(scale=scale, border=2))
