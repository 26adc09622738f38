"""A small client over Chalice's local API Gateway (in-process, real routing and events)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str
    body: Any = field(default=None)

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", self.headers.get("content-type", ""))


class ApiClient:
    def __init__(self) -> None:
        from local.server import make_gateway

        self._gateway = make_gateway()

    def request(
        self,
        method: str,
        path: str,
        json_body: Any = None,
        *,
        raw: bytes | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        sent = {"Content-Type": "application/json"} if json_body is not None else {}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        sent.update(headers or {})
        body = (
            raw
            if raw is not None
            else (
                json.dumps(json_body, ensure_ascii=False).encode()
                if json_body is not None
                else None
            )
        )
        response = self._gateway(method, path, sent, body)
        text = response.get("body") or ""
        if isinstance(text, bytes):
            text = text.decode()
        out = {k: str(v) for k, v in (response.get("headers") or {}).items()}
        parsed = json.loads(text) if text and text.lstrip()[:1] in "{[" else None
        return Reply(int(response["statusCode"]), out, text, parsed)

    def get(self, path: str, **kw: Any) -> Reply:
        return self.request("GET", path, **kw)

    def post(self, path: str, json_body: Any = None, **kw: Any) -> Reply:
        return self.request("POST", path, json_body, **kw)
