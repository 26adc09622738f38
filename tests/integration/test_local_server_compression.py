"""The local server compresses the portal like the CDN will (gzip when accepted)."""

from __future__ import annotations

import gzip
import urllib.request

from local.stack import ROOT


def _get(url: str, accept: str | None) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": accept} if accept else {})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return dict(reply.headers.items()), reply.read()


def test_text_is_gzipped_when_the_browser_accepts_it(live_server: str) -> None:
    headers, body = _get(live_server + "/assets/i18n.js", "gzip, deflate, br")
    assert headers.get("Content-Encoding") == "gzip"
    assert headers.get("Vary") == "Accept-Encoding"
    assert int(headers["Content-Length"]) == len(body)
    original = (ROOT / "frontend/assets/i18n.js").read_bytes()
    assert gzip.decompress(body) == original
    assert len(body) < len(original) / 2


def test_plain_when_not_accepted(live_server: str) -> None:
    headers, body = _get(live_server + "/index.html", None)
    assert "Content-Encoding" not in headers
    assert body == (ROOT / "frontend/index.html").read_bytes()
