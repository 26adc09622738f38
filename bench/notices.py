"""The monthly SMS notices through the whole pipeline on the local stack (issue #10).

20,000 account holders (``YIBAO_BENCH_NOTICES``) are written straight to a fresh table
(profile, account, the year's account page with the month's credit), then planned from
the sparse index onto SQS and sent by the sender Lambda's own handler (drained here as
Lambda's event source mapping would) through SNS, all on the moto server over HTTP.
Printed: notices per second; DynamoDB, SQS and SNS requests per notice; the planner's
peak memory (tracemalloc) at 2,000 and at 20,000 accounts. Budget: ratio ≤ 1.2.
"""

from __future__ import annotations

import json
import logging
import os
import time
import tracemalloc
import uuid
from collections import Counter
from dataclasses import replace
from datetime import datetime
from typing import Any

from bench.verdict import Budgets

MONTH = "2026-10"
REGION = "990101"


def _seed(count: int, pepper: str) -> None:
    """``count`` employees with an account, three items each, by BatchWriteItem."""
    from chalicelib.adapters.dynamodb import models
    from chalicelib.services.auth import person_id_for, phone_key

    models.create_tables()
    with models.PersonItem.batch_write() as batch:
        for i in range(count):
            id_number = f"990101198001{i:06d}"
            pid = person_id_for(id_number, pepper)
            pk = models.person_pk(pid)
            phone = f"139{i:08d}"
            batch.save(
                models.PersonItem(
                    pk,
                    models.PROFILE_SK,
                    person_id=pid,
                    name="张三",
                    id_masked=id_number[:6] + "********" + id_number[-4:],
                    birth_date="1980-01-01",
                    sex="male",
                    phone=phone,
                    phone_key=phone_key(pepper, phone),
                    scheme="employee",
                    region=REGION,
                )
            )
            batch.save(
                models.AccountItem(
                    pk,
                    models.ACCOUNT_SK,
                    balance=100_000 + i,
                    version=1,
                    notice_shard=models.notice_shard(REGION, pid),
                )
            )
            line = {"at": f"{MONTH}-05T09:00:00+08:00", "period": MONTH, "kind": "credit"}
            batch.save(
                models.LedgerYearItem(
                    pk,
                    f"{models.ACCOUNT_PAGE}{MONTH[:4]}",
                    lines=json.dumps([{**line, "amount": 12_345, "detail": {}, "ref": None}]),
                    opening_balance=0,
                )
            )


def _count_calls(client: Any, counter: Counter[str], service: str) -> None:
    def count(**_: Any) -> None:
        counter[service] += 1

    client.meta.events.register("before-call.*.*", count)


def _planner_peak(ctx: Any, regions: tuple[str, ...]) -> tuple[int, float]:
    """Plan the month under tracemalloc: (accounts planned, peak bytes allocated)."""
    from chalicelib.services.notices import plan_month

    tracemalloc.start()
    tracemalloc.reset_peak()
    planned = plan_month(ctx, MONTH, regions)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return planned, float(peak)


def _sender(ctx: Any, queue: Any) -> Any:
    """The sender Lambda's handler with the bench's context (its clock: 09:00)."""
    from chalicelib.adapters.notice_batch import handle_batch

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return handle_batch(event, context, ctx, queue)

    return handler


def run(budgets: Budgets, moto_port: int) -> None:
    from chalicelib.adapters.clock import CHINA, FixedClock
    from chalicelib.bootstrap import container
    from chalicelib.ops.notices import drain
    from local.metering import dynamodb_requests

    total = int(os.environ.get("YIBAO_BENCH_NOTICES", "20000"))
    small = max(1, total // 10)
    morning = FixedClock(datetime(2026, 11, 1, 9, 0, tzinfo=CHINA))
    os.environ["YIBAO_SMS_PER_SECOND"] = "100000"  # the pipeline's own speed, not a quota's
    peaks: dict[int, float] = {}
    figures: dict[str, Any] = {}
    for count in (small, total):
        tag = uuid.uuid4().hex[:6]
        os.environ["YIBAO_TABLE"] = f"yibao-bench-notices-{tag}"
        os.environ["YIBAO_STAGE"] = f"bench{tag}"
        c = container()
        c.bind_tables()
        started = time.perf_counter()
        _seed(count, c.settings.pepper)
        seeded = time.perf_counter() - started
        ctx = replace(c.notices(), clock=morning)
        calls: Counter[str] = Counter()
        _count_calls(c.notice_queue._client, calls, "sqs")
        _count_calls(c.sms._client, calls, "sns")
        with dynamodb_requests() as dynamo:
            started = time.perf_counter()
            planned, peaks[count] = _planner_peak(ctx, (REGION,))
            planning = time.perf_counter() - started
            if count == total:
                sent = drain(c.notice_queue, _sender(ctx, c.notice_queue), senders=8)
                elapsed = time.perf_counter() - started
                figures = {
                    "planned": planned,
                    "handled": sent,
                    "seconds": elapsed,
                    "planning": planning,
                    "seeded": seeded,
                    "dynamodb": sum(dynamo.values()),
                    "sqs": calls["sqs"],
                    "sns": calls["sns"],
                }
    n = figures["planned"]
    print(f"monthly notices through the whole pipeline (local stack, {n:,} accounts)")
    print(
        f"  {n / figures['seconds']:.0f} notices/s end to end "
        f"({figures['seconds']:.0f} s; planning {figures['planning']:.1f} s; "
        f"seeding {figures['seeded']:.0f} s not counted)"
    )
    print(
        f"  per notice: {figures['dynamodb'] / n:.2f} DynamoDB, {figures['sqs'] / n:.2f} SQS, "
        f"{figures['sns'] / n:.2f} SNS requests"
    )
    budgets.count("notices: SNS publishes per notice", figures["sns"] / n, 1)
    print(
        f"  planner peak memory: {peaks[small] / 1024:.0f} KiB at {small:,} accounts, "
        f"{peaks[total] / 1024:.0f} KiB at {total:,}"
    )
    budgets.ratio(f"planner memory {total:,} / {small:,}", [peaks[total] / peaks[small]], 1.2)


def main() -> int:
    """``make bench-notices``: this benchmark alone, on a moto server of its own."""
    from local.stack import MotoServer, local_env

    budgets = Budgets()
    with MotoServer() as moto:
        os.environ.update(local_env(moto.port, table="yibao-bench"))
        for name in ("", "yibao"):  # the figures, not the log
            logging.getLogger(name).setLevel(logging.WARNING)
        run(budgets, moto.port)
    return 1 if budgets.summary() else 0


if __name__ == "__main__":
    raise SystemExit(main())
