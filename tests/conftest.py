"""Fixtures shared by the tiers that need the local stack.

The stack is the moto server over HTTP on 127.0.0.1 (a subprocess), started once
per test session on a free port and stopped at the end. Unit tests never touch it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.demo import DemoPerson, person
from local.stack import MotoServer, local_env

DEMO_SEED = 990101
DEMO_COUNT = 1200  # the browser and API tiers take a fresh person per login
TEST_ENV = {
    # Every test request comes from 127.0.0.1: the IP limits get their own test.
    "YIBAO_OTP_PER_IP_HOUR": "1000000",
    "YIBAO_OTP_PER_IP_DAY": "1000000",
    "YIBAO_CERT_CHECKS_PER_MINUTE": "1000000",
}


class Stack:
    def __init__(self, moto: MotoServer) -> None:
        self.moto = moto
        self._next = 5  # the five chosen demo logins are kept for tests that name them

    def fresh_person(self, **wanted: Any) -> DemoPerson:
        """A demo person no earlier test has used (login limits are per phone)."""
        while self._next < DEMO_COUNT:
            candidate = person(DEMO_SEED, self._next)
            self._next += 1
            if candidate.status == "active" and all(
                getattr(candidate, k) == v for k, v in wanted.items()
            ):
                return candidate
        raise RuntimeError("ran out of demo persons: raise DEMO_COUNT")

    def last_code(self, phone: str, wording: str = "登录") -> str | None:
        """The code in the newest SMS of that kind sent to ``phone``, if any."""
        for message in reversed(self.moto.sent_sms()):
            if message["to"].endswith(phone):
                found = re.search(wording + r"验证码是(\d{6})", message["text"])
                if found:
                    return found.group(1)
        return None

    def last_sms(self, phone: str) -> str:
        return next(m["text"] for m in reversed(self.moto.sent_sms()) if m["to"].endswith(phone))

    def sms_count(self, phone: str) -> int:
        return sum(1 for m in self.moto.sent_sms() if m["to"].endswith(phone))


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    saved = dict(os.environ)
    with MotoServer() as moto:
        os.environ.update(local_env(moto.port, table="yibao-test"))
        os.environ.update(TEST_ENV)
        from chalicelib.demo import seed_region

        seed_region(DEMO_COUNT, DEMO_SEED)
        try:
            yield Stack(moto)
        finally:
            os.environ.clear()
            os.environ.update(saved)


@pytest.fixture(scope="session")
def api(stack: Stack) -> Any:
    from local.client import ApiClient

    return ApiClient()


def token_for(stack: Stack, api: Any, p: DemoPerson) -> str:
    """An access token for ``p`` through the real endpoints and the sent SMS."""
    reply = api.post("/v1/auth/otp", {"id_number": p.id_number, "phone": p.phone})
    assert reply.status == 202, reply.text
    code = stack.last_code(p.phone)
    assert code, "no SMS code was sent"
    reply = api.post("/v1/auth/token", {"id_number": p.id_number, "code": code})
    assert reply.status == 200, reply.text
    return str(reply.body["access_token"])


@pytest.fixture
def login(stack: Stack, api: Any) -> Any:
    """``login(person) -> access token`` through the real endpoints and the sent SMS."""
    return lambda p: token_for(stack, api, p)


@pytest.fixture(scope="session")
def live_server(stack: Stack) -> Iterator[str]:
    """Portal and API on one local URL (the same server as ``make run``)."""
    from local.server import serve
    from local.stack import free_port

    port = free_port()
    server = serve(port, stack.moto.url)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()


def hospital_client(api: Any, name: str, hospital_id: str) -> dict[str, str]:
    """A hospital client registered for ``hospital_id`` and its access token (client
    credentials, form-encoded), through the real token endpoint."""
    from datetime import datetime
    from urllib.parse import urlencode

    from chalicelib.bootstrap import container
    from chalicelib.services.clients import register_client

    c = container()
    client_id, secret = register_client(
        c.clients, c.settings.pepper, name, ["settlements:write"], hospital_id, datetime.now()
    )
    reply = api.request(
        "POST", "/v1/oauth/token",
        raw=urlencode({"grant_type": "client_credentials", "client_id": client_id,
                       "client_secret": secret}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert reply.status == 200, reply.text
    return {"id": hospital_id, "client_id": client_id, "secret": secret,
            "token": reply.body["access_token"]}


@pytest.fixture(scope="session")
def hospital(stack: Stack, api: Any) -> dict[str, str]:
    """A registered hospital client and its access token (client credentials, form-encoded)."""
    return hospital_client(api, "示范县人民医院 HIS", "H990101001")
