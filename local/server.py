"""One local URL for the portal and the API, as CloudFront serves them in production.

``/v1/*`` goes to the Chalice app through Chalice's own local API Gateway;
``/local/outbox`` shows the SMS the moto server has "sent" (phones masked);
``/local/demo-app`` is the sandbox's demo app, the app's side of OAuth (local/demo_app.py);
everything else is a static file from ``frontend/``.
"""

from __future__ import annotations

import gzip
import json
import logging
import mimetypes
import threading
import urllib.request
from collections.abc import Callable
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from chalicelib.adapters.clock import CHINA
from infra.security_headers import SECURITY_HEADERS
from local.stack import ROOT, sms_from_data

FRONTEND = ROOT / "frontend"
MAX_BODY = 1024 * 1024  # API Gateway takes 10 MB; our largest request is far below this
# CloudFront compresses text of 1,000 bytes to 10 MB when the browser accepts it.
COMPRESS_MIN_BYTES = 1000
log = logging.getLogger("yibao.local")
NOT_FOUND = {
    "type": "https://yibao.example/problems/not-found",
    "title": "Not found",
    "title_zh": "没有找到",
    "status": 404,
    "detail": "There is nothing at this address.",
    "detail_zh": "这个地址没有内容。",
}


def problem(status: int, title: str, title_zh: str, detail: str, detail_zh: str) -> dict[str, Any]:
    """An RFC 9457 body for what the local server refuses itself (the app makes its own)."""
    return {
        "type": "about:blank",
        "title": title,
        "title_zh": title_zh,
        "status": status,
        "detail": detail,
        "detail_zh": detail_zh,
    }


def make_gateway() -> Callable[[str, str, dict[str, str], bytes | None], dict[str, Any]]:
    """Chalice's LocalGateway around ``app.app``, one request at a time (like one Lambda)."""
    from chalice.config import Config
    from chalice.local import LocalGateway

    from app import app

    config = Config.create(chalice_stage="local", app_name="yibao", lambda_timeout=30)
    gateway = LocalGateway(app, config)
    lock = threading.Lock()

    def handle(method: str, path: str, headers: dict[str, str], body: bytes | None) -> Any:
        with lock:
            return gateway.handle_request(method=method, path=path, headers=headers, body=body)

    return handle


class Handler(BaseHTTPRequestHandler):
    server_version = "yibao-local"
    gateway: Callable[..., dict[str, Any]]
    moto_url: str
    first_seen: dict[str, str]
    quiet = True

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            super().log_message(format, *args)

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for key, value in {**SECURITY_HEADERS, **headers}.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: Any, content_type: str = "application/json") -> None:
        self._send(
            status,
            {"Content-Type": content_type, "Cache-Control": "no-store"},
            json.dumps(data, ensure_ascii=False).encode(),
        )

    def _dispatch(self) -> None:
        try:
            self._route()
        except (BrokenPipeError, ConnectionResetError):
            raise
        except Exception:
            log.exception("local server error", extra={"method": self.command})
            self._problem(
                problem(
                    500,
                    "Server error",
                    "服务器出错",
                    "The local server failed; see its log.",
                    "本地服务器出错，请查看日志。",
                )
            )

    def _problem(self, body: dict[str, Any]) -> None:
        self._json(int(body["status"]), body, "application/problem+json")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (a malformed request line, …) as problem bodies."""
        log.warning("bad request line", extra={"status": code, "reason": message})
        self.close_connection = True
        self._problem(
            problem(
                code,
                HTTPStatus(code).phrase,
                "请求有误",
                message or "The request is malformed.",
                "请求格式有误。",
            )
        )

    def _refusal(self) -> dict[str, Any] | None:
        """What the request line or headers get wrong, before anything reads them."""
        if any(ord(c) < 0x20 or c == "\x7f" for c in self.path):
            return problem(
                400,
                "Bad request",
                "请求有误",
                "The address holds a control character.",
                "地址中含有控制字符。",
            )
        length = self.headers.get("Content-Length")
        if length is not None and not (length.isdigit() and int(length) <= MAX_BODY):
            return problem(
                400,
                "Bad request",
                "请求有误",
                "Content-Length must be a whole number of bytes up to 1 MB.",
                "Content-Length 须为不超过1MB的字节数。",
            )
        return None

    def _route(self) -> None:
        refusal = self._refusal()
        if refusal:
            log.warning("bad request", extra={"method": self.command, "reason": refusal["detail"]})
            self.close_connection = True
            self._problem(refusal)
            return
        path = self.path.split("#")[0]
        if path.startswith("/v1/") or path == "/v1":
            self._api(path)
        elif path.split("?")[0] == "/local/outbox":
            self._outbox()
        elif path.startswith("/local/demo-app"):
            self._demo_app(path)
        else:
            self._static(path.split("?")[0])

    def __getattr__(self, name: str) -> Any:
        # Every method (TRACE, QUERY, …) reaches the router: it answers 405 with a problem.
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def _api(self, path: str) -> None:
        from chalice.local import LocalGatewayException

        length = int(self.headers.get("Content-Length") or 0)  # checked by _refusal
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items()}
        try:
            response = self.gateway(self.command, path, headers, body)
        except LocalGatewayException:
            self._json(404, NOT_FOUND, "application/problem+json")
            return
        out: dict[str, str] = {k: str(v) for k, v in (response.get("headers") or {}).items()}
        for key, values in (response.get("multiValueHeaders") or {}).items():
            out[key] = ", ".join(map(str, values))
        raw = response.get("body") or b""
        payload = raw if isinstance(raw, bytes) else str(raw).encode()
        self._send(int(response["statusCode"]), out, payload)

    def _outbox(self) -> None:
        from chalicelib.rules.identity import mask_phone

        with urllib.request.urlopen(self.moto_url + "/moto-api/data.json", timeout=5) as r:
            messages = sms_from_data(json.load(r))
        # moto keeps no send time: note when this server first saw each message.
        seen = self.first_seen
        now = datetime.now(CHINA).isoformat(timespec="seconds")
        shown = [
            {
                "to": mask_phone(m["to"]),
                "text": m["text"],
                "sent_at": seen.setdefault(str(m["id"]), now),
            }
            for m in reversed(messages)
        ]
        self._json(200, {"messages": shown})

    def _demo_app(self, path: str) -> None:
        from local import demo_app

        address: Any = self.server.server_address
        status, headers, page = demo_app.handle(f"http://{address[0]}:{address[1]}", path)
        self._send(status, headers, page.encode())

    def _not_found_page(self) -> None:
        """An unknown address: a browser gets the portal's page in plain words (as the
        CDN's error page does), a program the RFC 9457 problem."""
        if "text/html" not in (self.headers.get("Accept") or ""):
            self._json(404, NOT_FOUND, "application/problem+json")
            return
        body = (FRONTEND / "404.html").read_bytes()
        headers = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"}
        self._send(404, headers, body)

    def _static(self, path: str) -> None:
        relative = path.lstrip("/") or "index.html"
        target = (FRONTEND / relative).resolve()
        if target.is_dir():
            target = target / "index.html"
        if FRONTEND.resolve() not in target.parents or not target.is_file():
            self._not_found_page()
            return
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        headers = {"Content-Type": content_type, "Cache-Control": "no-cache"}
        body = target.read_bytes()
        if _compressible(content_type, len(body)):
            headers["Vary"] = "Accept-Encoding"
            if "gzip" in (self.headers.get("Accept-Encoding") or ""):
                headers["Content-Encoding"] = "gzip"
                body = gzip.compress(body, compresslevel=6)
        self._send(200, headers, body)


def _compressible(content_type: str, size: int) -> bool:
    textual = content_type.startswith("text/") or content_type.split(";")[0].endswith(
        ("javascript", "json", "svg+xml")
    )
    return textual and size >= COMPRESS_MIN_BYTES


class LocalServer(ThreadingHTTPServer):
    """The threaded server with a listen backlog for a burst (the default is 5)."""

    request_queue_size = 512
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.exception("local server connection error")


def serve(port: int, moto_url: str, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """A started server (in a background thread); call ``shutdown()`` to stop it."""
    handler = type(
        "BoundHandler",
        (Handler,),
        {"gateway": staticmethod(make_gateway()), "moto_url": moto_url, "first_seen": {}},
    )
    server = LocalServer((host, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
