"""``make bench``: budgets, measured as ratios within one run (this machine is noisy).

Each budget prints its figure (ratios with median and interquartile range) and
``holds`` or ``falls short`` (bench/verdict.py); the run ends with a line counting
those that fall short and exits non-zero when any does.

1. Cold import of ``app`` against importing boto3, pynamodb.models and chalice.app
   (each in a fresh interpreter, interleaved, median of N; the bare interpreter's
   start-up is subtracted from both; both from bytecode). Budget: ≤ 1.15.
2. DynamoDB requests made by each endpoint on the local stack.
   Budget: every citizen read (``GET /v1/me/...``) 1; login (code request, token) ≤ 3 each;
   the filing look-ups (``/v1/regions``, ``/v1/institutions``) none.
3. ``settle()`` incl. ``parse_bill`` from a 30-item bill's JSON text against
   ``json.loads`` + a Decimal parse and sum of its amounts. Budget: ≤ 5.
4. DynamoDB requests per settlement through the API (by person id). Budget: one read
   batch and one transaction.
5. The portal's first screen, compressed (``bench/portal.py``). Budget: ≤ 60 KB.
6. The Lambda package's size (``bench/package.py``). Budget: the zip ≤ 24 MB.
7. ``POST /v1/auth/otp`` whose pair matches and whose pair does not, 30 requests each
   in turns (``bench/login.py``): the ratio of the medians within 0.9–1.1, and the AWS
   requests of each path the same (no timing oracle).
8. The monthly SMS notices, 2,000 accounts through the whole pipeline on the local
   stack (``bench/notices.py``; ``make bench-notices`` sends 20,000): notices/s,
   DynamoDB, SQS and SNS requests per notice, every planned notice sent; the planner's
   peak memory at 2,000 vs 20,000 accounts. Budget: ratio ≤ 1.2.
9. Cold start (``bench/cold_start.py``): a fresh process to the first answer of
   ``GET /v1/me`` against a fresh process importing boto3, pynamodb.models and
   chalice.app and making the same request raw, both from bytecode. Budget: ≤ 1.15.
10. A settlement on every path (``bench/paths.py``): by person id, by card number, with
   family aid, replay, estimate, reversal. Budget: 1 read batch + 1 transaction (a
   replay and an estimate: 1 read, no transaction).
11. Request overhead (``bench/paths.py``): citizen reads and settlements of 30 and 300
    items through the app against the same DynamoDB requests raw with boto3. Budget ≤ 1.3.
12. A short load run (``bench/load.py``, 5 s a phase; the long one:
    ``python -m bench.load --seconds 60``): p50/p95/p99 and errors per endpoint, beside
    the same requests raw. Budget: no errors other than 429.

``python -m bench --skip notices,load`` leaves those parts out while working.
"""

from __future__ import annotations

import logging
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from local.stack import ROOT

BASELINE = "import boto3, pynamodb.models, chalice.app"
APP = "import app"
BARE = "pass"


def _seconds(code: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env=env)
    return time.perf_counter() - started


def cold_import(rounds: int = 15) -> dict[str, Any]:
    """Both sides from bytecode, in one private cache (bench/cold_start.py says why)."""
    from bench.cold_start import bytecode_cache

    times: dict[str, list[float]] = {BARE: [], BASELINE: [], APP: []}
    with bytecode_cache() as (warm, measured):
        for code in times:  # warm the file cache and the .pyc files once
            _seconds(code, warm)
        for _ in range(rounds):
            for code in times:
                times[code].append(_seconds(code, measured))
    bare, base, app = (statistics.median(times[c]) for c in (BARE, BASELINE, APP))
    ratios = [
        (a - b) / (r - b) for b, r, a in zip(times[BARE], times[BASELINE], times[APP], strict=True)
    ]
    return {
        "bare_ms": bare * 1000,
        "baseline_ms": (base - bare) * 1000,
        "app_ms": (app - bare) * 1000,
        "ratios": ratios,
    }


def request_counts(
    api: Any, stack_last_code: Callable[[str], str | None], read_bytes: dict[str, tuple[int, int]]
) -> tuple[dict[str, int], str]:
    """Requests per endpoint, and the access token of the person who made them."""
    from chalicelib.demo import person
    from local.metering import dynamodb_requests

    p = person(990101, 1)  # 李秀英：an employee, so she has an account
    counts: dict[str, int] = {}
    with dynamodb_requests() as c:
        api.post("/v1/auth/otp", {"id_number": p.id_number, "phone": p.phone})
    counts["POST /v1/auth/otp"] = sum(c.values())
    code = stack_last_code(p.phone)
    with dynamodb_requests() as c:
        token = api.post("/v1/auth/token", {"id_number": p.id_number, "code": code}).body
    counts["POST /v1/auth/token"] = sum(c.values())
    reads = [
        (f"GET {path}", path)
        for path in (
            "/v1/me",
            "/v1/me/card",
            "/v1/me/contributions",
            "/v1/me/account",
            "/v1/me/account/entries",
            "/v1/me/benefits",
            "/v1/me/settlements",
            "/v1/me/family",
            "/v1/me/family/uses",
            "/v1/me/notices",
            "/v1/me/notices/preferences",
        )
    ]
    filing_id = _a_filing(api, token["access_token"])
    reads += [
        ("GET /v1/me/filings", "/v1/me/filings"),
        ("GET /v1/me/filings/{id}", f"/v1/me/filings/{filing_id}"),
        ("GET /v1/regions", "/v1/regions?q=云南"),
        ("GET /v1/institutions", "/v1/institutions?city=530100"),
    ]
    for label, path in reads:
        with dynamodb_requests() as c:
            reply = api.get(path, token=token["access_token"])
        assert reply.status == 200, (path, reply.text)
        counts[label] = sum(c.values())
        read_bytes[label] = (c.bytes_read, len(reply.text.encode()))
    with dynamodb_requests() as c:
        preview = {"category": "referral", "province": "110000", "city": "110100"}
        api.post("/v1/me/filings/preview", preview, token=token["access_token"])
    counts["POST /v1/me/filings/preview"] = sum(c.values())
    return counts, str(token["access_token"])


def _a_filing(api: Any, token: str) -> str:
    """A filing of the bench's person (异地就医备案), for the read of one filing."""
    from datetime import datetime

    from chalicelib.adapters.clock import CHINA

    reply = api.post(
        "/v1/me/filings",
        {
            "category": "long_term_resident",
            "province": "110000",
            "city": "110100",
            "start": datetime.now(CHINA).date().isoformat(),
            "commitment": True,
        },
        token=token,
    )
    assert reply.status == 201, reply.text
    return str(reply.body["filing_id"])


def main(argv: list[str] | None = None) -> int:
    import argparse

    from bench.verdict import Budgets

    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated parts to leave out while working (notices, load); "
        "`make bench` runs them all",
    )
    skipped = set(parser.parse_args(argv).skip.split(","))

    budgets = Budgets()
    print("cold import (fresh interpreter, 15 rounds interleaved, start-up subtracted)")
    figures = cold_import()
    print(f"  boto3 + pynamodb.models + chalice.app: {figures['baseline_ms']:.0f} ms (median)")
    print(f"  app:                                   {figures['app_ms']:.0f} ms (median)")
    budgets.ratio("import app / baseline", figures["ratios"], 1.15)

    from local.stack import MotoServer, local_env

    with MotoServer() as moto:
        os.environ.update(local_env(moto.port, table="yibao-bench"))
        from chalicelib.demo import seed_region

        seed_region(20)
        from local.client import ApiClient

        def last_code(phone: str) -> str | None:
            import re

            for m in reversed(moto.sent_sms()):
                if m["to"].endswith(phone):
                    found = re.search(r"(\d{6})", m["text"])
                    return found.group(1) if found else None
            return None

        def code_of(phone: str, wording: str) -> str | None:
            import re

            for m in reversed(moto.sent_sms()):
                if m["to"].endswith(phone):
                    found = re.search(wording + r"验证码是(\d{6})", m["text"])
                    if found:
                        return found.group(1)
            return None

        api = ApiClient()
        for name in ("", "yibao"):  # the figures, not the access log
            logging.getLogger(name).setLevel(logging.WARNING)
        read_bytes: dict[str, tuple[int, int]] = {}
        counts, payer_token = request_counts(api, last_code, read_bytes)
        from bench import apps, login

        app_counts = apps.app_read_requests(api, payer_token)
        settlement = settlement_through_api(api)
        paths, ratios = _paths_and_overhead(api, settlement["token"], payer_token, code_of)
        from bench.cold_start import cold_start

        cold = cold_start(payer_token)
        login.run(budgets, api)  # last: its 60+ code requests fill the client IP's hour
        notice_budgets = Budgets()
        if "notices" not in skipped:
            from bench import notices

            notices.run(notice_budgets, moto.port)
    limits = {
        "POST /v1/auth/otp": 3,
        "POST /v1/auth/token": 3,
        "GET /v1/regions": 0,
        "GET /v1/institutions": 0,
        "POST /v1/me/filings/preview": 2,  # the person, and the last settlement
    }
    print("cold start: a fresh process to the first answer of GET /v1/me, 11 rounds interleaved")
    print(f"  boto3 + pynamodb.models + chalice.app + the GetItem raw: {cold['raw_ms']:.0f} ms")
    print(f"  app, from its Lambda event to the answer:               {cold['app_ms']:.0f} ms")
    budgets.ratio("first answer of GET /v1/me / raw", cold["ratios"], 1.15)
    print("DynamoDB requests per endpoint (local stack)")
    for endpoint, n in counts.items():
        budgets.count(endpoint, n, limits.get(endpoint, 1))  # a citizen read: one request

    print("bytes DynamoDB answered per citizen read (against the bytes of the reply)")
    for endpoint, (read, answer) in read_bytes.items():
        if endpoint == "GET /v1/me/account":
            budgets.count(f"{endpoint} ({answer} B)", read, 4096, " B")
        else:
            print(f"  {endpoint:<34} {read:>8} B read, {answer} B answered")

    apps.report(budgets, app_counts)

    from bench import settlement as engine

    engine.report(budgets)
    print("settlements through the API on the local stack (moto server over HTTP)")
    print(f"  {settlement['per_second']:.1f} settlements/s ({settlement['ms_each']:.0f} ms each)")
    print("DynamoDB requests per settlement (by person id, the most of any one of them)")
    budgets.count("settlement: read requests", settlement["reads"], 1)
    budgets.count("settlement: transactions", settlement["transactions"], 1)
    print("DynamoDB requests of a settlement on every path (reads, transactions)")
    for label, (reads, writes) in paths.items():
        read_budget, write_budget = (1, 0) if label.startswith(("replay", "estimate")) else (1, 1)
        budgets.count(f"{label}: reads", reads, read_budget)
        budgets.count(f"{label}: transactions", writes, write_budget)
    print("request overhead: through the app / the same DynamoDB requests raw (boto3), 9 rounds")
    for label, samples in ratios.items():
        budgets.ratio(f"overhead {label}", samples, 1.3)
    from bench import package, portal

    portal.report(budgets)
    package.report(budgets)
    budgets.verdicts += notice_budgets.verdicts  # printed with the pipeline's figures above
    if "load" not in skipped:  # the short load run; the long one: python -m bench.load
        from bench import load

        errors = load.run(seconds=5)
        budgets.count("load run: errors other than 429", errors, 0)
    return 1 if budgets.summary() else 0


def _login(api: Any, code_of: Callable[[str, str], str | None]) -> Callable[[Any], str]:
    def login(p: Any) -> str:
        reply = api.post("/v1/auth/otp", {"id_number": p.id_number, "phone": p.phone})
        assert reply.status in (200, 202), reply.text
        code = code_of(p.phone, "登录")
        token = api.post("/v1/auth/token", {"id_number": p.id_number, "code": code})
        assert token.status == 200, token.text
        return str(token.body["access_token"])

    return login


def _paths_and_overhead(
    api: Any, hospital_token: str, payer_token: str, code_of: Callable[[str, str], str | None]
) -> tuple[dict[str, tuple[int, int]], dict[str, list[float]]]:
    from bench.paths import overhead, settlement_paths
    from chalicelib.bootstrap import container
    from chalicelib.demo import person
    from chalicelib.services.auth import person_id_for

    pepper = container().settings.pepper
    relative = next(
        p
        for p in (person(990101, i) for i in range(2, 20))
        if p.status == "active" and p.scheme == "resident" and p.card_number
    )
    login = _login(api, code_of)
    relative_token = login(relative)
    paths = settlement_paths(
        api, hospital_token, payer_token, relative, relative_token, code_of, pepper
    )
    reads = ["/v1/me", "/v1/me/card", "/v1/me/account", "/v1/me/settlements", "/v1/me/benefits"]
    active = [p for p in (person(990101, i) for i in range(2, 20)) if p.status == "active"]
    ids = [person_id_for(p.id_number, pepper) for p in active]
    return paths, overhead(api, hospital_token, payer_token, reads, ids)


def settlement_through_api(api: Any) -> dict[str, Any]:
    from datetime import datetime
    from urllib.parse import urlencode

    from bench.settlement import api_figures
    from chalicelib.bootstrap import container
    from chalicelib.demo import person
    from chalicelib.services.auth import person_id_for
    from chalicelib.services.clients import register_client

    c = container()
    client_id, secret = register_client(
        c.clients, c.settings.pepper, "bench", ["settlements:write"], "H990101001", datetime.now()
    )
    token = api.request(
        "POST",
        "/v1/oauth/token",
        raw=urlencode(
            {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        ).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    ).body["access_token"]
    active = [p for p in (person(990101, i) for i in range(2, 20)) if p.status == "active"]
    ids = [person_id_for(p.id_number, c.settings.pepper) for p in active]
    return {**api_figures(api, token, ids), "token": token}


if __name__ == "__main__":
    sys.exit(main())
