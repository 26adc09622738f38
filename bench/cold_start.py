"""Cold start: a fresh process to the first answer of ``GET /v1/me`` (budget ≤ 1.15).

Against a fresh process that imports boto3, pynamodb.models and chalice.app and makes
the same DynamoDB request raw (the GetItem ``GET /v1/me`` makes, recorded by the meter).
Each in a fresh interpreter, interleaved, medians of N; the bare interpreter's start-up
is subtracted from both. The app's process gets the API Gateway event a Lambda would.

Both sides run from bytecode, as a package that ships it does: the processes share a
private cache (``PYTHONPYCACHEPREFIX``, a temporary directory), written by the warm-up
run of each and read by every measured one. Without it the comparison was lopsided:
boto3, PynamoDB and Chalice come with the ``.pyc`` files pip wrote, while this
environment's ``PYTHONDONTWRITEBYTECODE`` left the app's ~150 modules to be compiled
again in every measured process (~40 ms of ~300). The Lambda package ships the
bytecode of what this path imports (infra/package.py), so the app's side is measured
as it is deployed; the raw side's libraries are the same files.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from local.stack import ROOT

APP = """
import json, os
event = json.loads(os.environ["BENCH_EVENT"])
from app import app

class Context:
    aws_request_id = "cold-start"
    function_name = "yibao"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:cn-north-1:000000000000:function:yibao"

    def get_remaining_time_in_millis(self):
        return 30000

reply = app(event, Context())
assert reply["statusCode"] == 200, reply
"""

RAW = """
import json, os
import boto3, pynamodb.models, chalice.app
operation, kwargs = json.loads(os.environ["BENCH_CALL"])
client = boto3.client(
    "dynamodb",
    endpoint_url=os.environ["YIBAO_AWS_ENDPOINT"],
    region_name=os.environ["AWS_DEFAULT_REGION"],
)
from botocore import xform_name
getattr(client, xform_name(operation))(**kwargs)
"""

BARE = "pass"


@contextmanager
def bytecode_cache() -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """Environments (warm-up, measured) that share one private bytecode cache.

    The warm-up writes the ``.pyc`` files of every module a process imports, its own
    and its libraries' alike, into a temporary directory (the worktree and the venv are
    left as they are); the measured processes read them and write nothing.
    """
    with tempfile.TemporaryDirectory(prefix="yibao-pyc-") as cache:
        measured = {**os.environ, "PYTHONPYCACHEPREFIX": cache, "PYTHONDONTWRITEBYTECODE": "1"}
        warm = {k: v for k, v in measured.items() if k != "PYTHONDONTWRITEBYTECODE"}
        yield warm, measured


def _seconds(code: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def cold_start(token: str, rounds: int = 11) -> dict[str, Any]:
    """Ratios (app − bare) / (raw − bare) over ``rounds`` interleaved rounds."""
    from chalice.config import Config
    from chalice.local import LocalGateway

    from app import app
    from local.metering import dynamodb_requests

    gateway = LocalGateway(app, Config.create(chalice_stage="local", app_name="yibao"))
    headers = {"authorization": f"Bearer {token}", "host": "localhost"}
    event = gateway._generate_lambda_event("GET", "/v1/me", headers, None)
    with dynamodb_requests() as meter:
        reply = gateway.handle_request("GET", "/v1/me", headers, None)
    assert reply["statusCode"] == 200, reply
    assert len(meter.calls) == 1, meter.calls  # GET /v1/me makes one request
    request = {"BENCH_EVENT": json.dumps(event), "BENCH_CALL": json.dumps(meter.calls[0])}
    times: dict[str, list[float]] = {BARE: [], RAW: [], APP: []}
    with bytecode_cache() as (warm, measured):
        for code in times:  # the file cache and the bytecode, once
            _seconds(code, {**warm, **request})
        for _ in range(rounds):
            for code in times:
                times[code].append(_seconds(code, {**measured, **request}))
    ratios = [
        (a - b) / (r - b) for b, r, a in zip(times[BARE], times[RAW], times[APP], strict=True)
    ]
    bare, raw, answered = (statistics.median(times[c]) for c in (BARE, RAW, APP))
    return {"raw_ms": (raw - bare) * 1000, "app_ms": (answered - bare) * 1000, "ratios": ratios}
