"""Under load: a bounded run on the local stack, beside the same DynamoDB requests raw.

Phase 1: 50 virtual users each log in (code by SMS, read from the local stack) and read
their pages (``/v1/me``, card, account, settlements, benefits) for ``seconds``.
Phase 2: 20 hospitals each settle 30-item bills for ``seconds``.
The app is the local server (``local.server``, the API over HTTP in its own process, one
request at a time in the gateway, like one Lambda). Beside it, the same shape raw: 50
and then 20 threads replaying, with boto3, the DynamoDB requests each endpoint makes
(recorded once by the meter) against the same moto server.

Prints p50, p95, p99 and errors per endpoint for both. The load comes from one machine,
so the per-IP code limits are raised for the run (the per-phone ones stay); a 429 would
be a documented refusal, anything else an error.

``make bench`` runs a short version (``seconds=5``); the long one:
``.venv/bin/python -m bench.load --seconds 60``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from local.stack import ROOT, MotoServer, free_port, local_env, wait_for

USERS = 50
HOSPITALS = 20
PERSONS = 120
READS = ("/v1/me", "/v1/me/card", "/v1/me/account", "/v1/me/settlements", "/v1/me/benefits")
LIMITS = {"YIBAO_OTP_PER_IP_HOUR": "100000", "YIBAO_OTP_PER_IP_DAY": "100000"}
SERVER = (
    "import sys, time\n"
    "from local.server import serve\n"
    "serve(int(sys.argv[1]), sys.argv[2])\n"
    "time.sleep(10**6)\n"
)

Samples = dict[str, list[tuple[int, float]]]  # endpoint -> [(status, seconds)]


async def _http(
    port: int, method: str, path: str, body: Any = None, token: str | None = None
) -> tuple[int, Any, float]:
    """One HTTP/1.1 request on its own connection: status, JSON answer, seconds."""
    data = json.dumps(body).encode() if body is not None else b""
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    if body is not None:
        head.append("Content-Type: application/json")
    if token:
        head.append(f"Authorization: Bearer {token}")
    head.append(f"Content-Length: {len(data)}")
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
    await writer.drain()
    raw = await reader.read()
    elapsed = time.perf_counter() - started
    writer.close()
    with contextlib.suppress(ConnectionError):
        await writer.wait_closed()
    status_line, _, rest = raw.partition(b"\r\n")
    _, _, payload = rest.partition(b"\r\n\r\n")
    status = int(status_line.split()[1])
    try:
        answer = json.loads(payload) if payload else None
    except ValueError:
        answer = None
    return status, answer, elapsed


def _code(moto_url: str, phone: str) -> str | None:
    with urllib.request.urlopen(moto_url + "/moto-api/data.json", timeout=30) as response:
        data = json.load(response)
    from local.stack import sms_from_data

    for message in reversed(sms_from_data(data)):
        if message["to"].endswith(phone):
            found = re.search(r"登录验证码是(\d{6})", message["text"])
            if found:
                return found.group(1)
    return None


async def _user(
    port: int, moto_url: str, p: Any, seconds: float, samples: Samples, signed_in: dict[str, str]
) -> None:
    """Log in, then read for ``seconds`` (from the login's end: a slow login reads as long)."""

    def note(label: str, status: int, took: float) -> None:
        samples[label].append((status, took))

    status, _, took = await _http(
        port, "POST", "/v1/auth/otp", {"id_number": p.id_number, "phone": p.phone}
    )
    note("POST /v1/auth/otp", status, took)
    code = await asyncio.to_thread(_code, moto_url, p.phone)
    status, answer, took = await _http(
        port, "POST", "/v1/auth/token", {"id_number": p.id_number, "code": code}
    )
    note("POST /v1/auth/token", status, took)
    if status != 200:
        return
    token = signed_in[p.id_number] = answer["access_token"]
    reads = [r for r in READS if p.scheme == "employee" or r != "/v1/me/account"]
    until = time.monotonic() + seconds
    turn = 0
    while time.monotonic() < until:
        path = reads[turn % len(reads)]
        turn += 1
        status, _, took = await _http(port, "GET", path, token=token)
        note(f"GET {path}", status, took)


async def _hospital(
    port: int, token: str, person_ids: list[str], first: int, until: float, samples: Samples
) -> None:
    from bench.paths import settlement_body

    turn = first
    while time.monotonic() < until:
        body = settlement_body(person_ids[turn % len(person_ids)])
        turn += HOSPITALS
        status, _, seconds = await _http(port, "POST", "/v1/settlements", body, token=token)
        samples["POST /v1/settlements (30 items)"].append((status, seconds))


def _hospital_token(port: int, index: int) -> str:
    from datetime import datetime
    from urllib.parse import urlencode

    from chalicelib.bootstrap import container
    from chalicelib.services.clients import register_client

    c = container()
    client_id, secret = register_client(
        c.clients,
        c.settings.pepper,
        f"load-{index}",
        ["settlements:write"],
        "H990101001",
        datetime.now(),
    )
    form = urlencode(
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    ).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/v1/oauth/token",
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.load(response)["access_token"])


def _raw(
    calls: dict[str, list[tuple[str, dict[str, Any]]]],
    labels: list[str],
    workers: int,
    seconds: float,
) -> Samples:
    """``workers`` threads replaying each endpoint's DynamoDB requests with boto3."""
    import boto3
    from botocore import xform_name
    from botocore.exceptions import ClientError

    from chalicelib.config import settings

    s = settings()
    samples: Samples = defaultdict(list)
    lock = threading.Lock()
    until = time.monotonic() + seconds

    def worker(index: int) -> None:
        client = boto3.client("dynamodb", endpoint_url=s.aws_endpoint, region_name=s.region)
        turn = index
        while time.monotonic() < until:
            label = labels[turn % len(labels)]
            turn += 1
            started = time.perf_counter()
            status = 200
            for operation, kwargs in calls[label]:
                try:
                    getattr(client, xform_name(operation))(**kwargs)
                except ClientError as e:  # a replayed settlement's transaction: refused
                    if operation != "TransactWriteItems":
                        status = int(e.response["ResponseMetadata"]["HTTPStatusCode"])
            elapsed = time.perf_counter() - started
            with lock:
                samples[label].append((status, elapsed))

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(worker, range(workers)))
    return samples


def _recorded(token: str, hospital_token: str, person_id: str) -> dict[str, Any]:
    """The DynamoDB requests each endpoint makes, once, through the app in this process."""
    from bench.paths import settlement_body
    from local.client import ApiClient
    from local.metering import dynamodb_requests

    api = ApiClient()
    calls: dict[str, Any] = {}
    for path in READS:
        with dynamodb_requests() as meter:
            reply = api.get(path, token=token)
        assert reply.status == 200, (path, reply.text)
        calls[f"GET {path}"] = meter.calls
    with dynamodb_requests() as meter:
        reply = api.post("/v1/settlements", settlement_body(person_id), token=hospital_token)
    assert reply.status == 200, reply.text
    calls["POST /v1/settlements (30 items)"] = meter.calls
    return calls


def _report(title: str, samples: Samples) -> None:
    print(f"  {title}")
    print(f"    {'endpoint':<36} {'n':>6} {'p50':>7} {'p95':>7} {'p99':>7}  errors (429s)")
    for label in sorted(samples):
        got = samples[label]
        ms = sorted(seconds * 1000 for _, seconds in got)
        q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
        refused = sum(1 for status, _ in got if status == 429)
        errors = sum(1 for status, _ in got if status >= 400 and status != 429)
        print(
            f"    {label:<36} {len(ms):>6} {q[49]:>6.0f}ms {q[94]:>5.0f}ms {q[98]:>5.0f}ms"
            f"  {errors} ({refused})"
        )


def run(seconds: float) -> int:
    """The load run; returns the number of errors (statuses ≥ 400 other than 429)."""
    import logging

    from chalicelib.demo import person

    for name in ("", "yibao"):  # the figures, not the access log of the recording
        logging.getLogger(name).setLevel(logging.WARNING)
    with MotoServer() as moto:
        os.environ.update(local_env(moto.port, table="yibao-load"))
        os.environ.update(LIMITS)
        from chalicelib.demo import seed_region
        from chalicelib.services.auth import person_id_for

        seed_region(PERSONS)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(port), moto.url],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(f"http://127.0.0.1:{port}/")
            active = [
                p for p in (person(990101, i) for i in range(PERSONS)) if p.status == "active"
            ]
            users = active[:USERS]
            pepper = os.environ["YIBAO_PEPPER"]
            ids = [person_id_for(p.id_number, pepper) for p in active]
            tokens = [_hospital_token(port, i) for i in range(HOSPITALS)]
            app: Samples = defaultdict(list)
            signed_in: dict[str, str] = {}

            async def phases() -> None:
                await asyncio.gather(
                    *(_user(port, moto.url, p, seconds, app, signed_in) for p in users)
                )
                until = time.monotonic() + seconds
                await asyncio.gather(
                    *(_hospital(port, t, ids, i, until, app) for i, t in enumerate(tokens))
                )

            asyncio.run(phases())
        finally:
            server.terminate()
            server.wait(10)
        print(
            f"load run: {USERS} users reading for {seconds:g} s, then {HOSPITALS} hospitals "
            f"settling for {seconds:g} s"
        )
        _report("through the app (local server over HTTP)", app)
        employee = next(p.id_number for p in users if p.scheme == "employee")
        calls = _recorded(signed_in[employee], tokens[0], ids[0])
        raw = _raw(calls, [f"GET {r}" for r in READS], USERS, seconds)
        raw.update(_raw(calls, ["POST /v1/settlements (30 items)"], HOSPITALS, seconds))
        _report("the same DynamoDB requests raw (boto3 threads)", raw)
    return sum(1 for got in app.values() for status, _ in got if status >= 400 and status != 429)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60)
    errors = run(parser.parse_args(argv).seconds)
    print(f"load run: {errors} errors other than 429")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
