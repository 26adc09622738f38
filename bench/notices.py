"""The monthly SMS notices through the whole pipeline on the local stack (issue #10).

``YIBAO_BENCH_NOTICES`` account holders (2,000 in ``make bench``, 20,000 in ``make
bench-notices``) are written straight to a fresh table (profile, account, the year's
account page with the month's credit), then planned from the sparse index onto SQS and
sent by the sender Lambda's own handler (drained here as Lambda's event source mapping
would) through SNS, all on the moto server over HTTP. Printed: notices per second;
DynamoDB, SQS and SNS requests per notice. Then the planner alone at 2,000 and at 20,000
accounts (the sparse index's items only: all it reads), its peak memory (tracemalloc,
after a warm-up run: the first run's clients cost a few MB whatever the count).
Budgets: one SNS publish per notice at most; planner memory ratio ≤ 1.2.

The moto server answers one request at a time: on this machine the whole pipeline
made 38.8 notices a second when it was quiet (2026-12-03) and far fewer when test suites
share its two cores, so 20,000 sent take 10 minutes to an hour: that is ``make bench-notices``.
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
ROUNDS = 2  # of the planner-memory ratio


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


def _seed_index(count: int, pepper: str) -> None:
    """``count`` account items carrying their shard of the sparse index (the planner's
    whole input: it reads keys only)."""
    from chalicelib.adapters.dynamodb import models
    from chalicelib.services.auth import person_id_for

    models.create_tables()
    with models.AccountItem.batch_write() as batch:
        for i in range(count):
            pid = person_id_for(f"990101198001{i:06d}", pepper)
            batch.save(
                models.AccountItem(
                    models.person_pk(pid),
                    models.ACCOUNT_SK,
                    balance=0,
                    version=1,
                    notice_shard=models.notice_shard(REGION, pid),
                )
            )


def _fresh_stack(prefix: str) -> Any:
    """A container on a table and queue of their own."""
    tag = uuid.uuid4().hex[:6]
    return _stack_of(f"yibao-{prefix}-{tag}", f"{prefix}{tag}")


def _stack_of(table: str, stage: str) -> Any:
    """The container of that table and stage (the settings are read from the environment)."""
    from chalicelib.bootstrap import container

    os.environ["YIBAO_TABLE"] = table
    os.environ["YIBAO_STAGE"] = stage
    c = container()
    c.bind_tables()
    return c


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
    from chalicelib.ops.notices import drain
    from local.metering import dynamodb_requests

    total = int(os.environ.get("YIBAO_BENCH_NOTICES", "2000"))
    morning = FixedClock(datetime(2026, 11, 1, 9, 0, tzinfo=CHINA))
    os.environ["YIBAO_SMS_PER_SECOND"] = "100000"  # the pipeline's own speed, not a quota's
    c = _fresh_stack("bench-notices")
    started = time.perf_counter()
    _seed(total, c.settings.pepper)
    seeded = time.perf_counter() - started
    ctx = replace(c.notices(), clock=morning)
    calls: Counter[str] = Counter()
    _count_calls(c.notice_queue._client, calls, "sqs")
    _count_calls(c.sms._client, calls, "sns")
    with dynamodb_requests() as dynamo:
        started = time.perf_counter()
        planned, _ = _planner_peak(ctx, (REGION,))
        planning = time.perf_counter() - started
        handled = drain(c.notice_queue, _sender(ctx, c.notice_queue), senders=8)
        elapsed = time.perf_counter() - started
    from chalicelib.ops.notices import month_counts

    statuses = month_counts(ctx, MONTH, (REGION,))
    n = planned
    print(f"monthly notices through the whole pipeline (local stack, {n:,} accounts)")
    print(
        f"  {n / elapsed:.1f} notices/s end to end ({elapsed:.0f} s; planning "
        f"{planning:.1f} s; seeding {seeded:.0f} s not counted); {handled:,} handled; "
        + " ".join(f"{k}={v}" for k, v in sorted(statuses.items()))
    )
    print(
        f"  per notice: {sum(dynamo.values()) / n:.2f} DynamoDB, {calls['sqs'] / n:.2f} SQS, "
        f"{calls['sns'] / n:.2f} SNS requests"
        f" ({', '.join(f'{op} {k / n:.2f}' for op, k in sorted(dynamo.items()))})"
    )
    budgets.count("notices: SNS publishes per notice", calls["sns"] / n, 1)
    budgets.count("notices: planned but not sent", n - statuses["sent"], 0)
    # The planner alone, the two sizes in turn, a ratio per round; each measured run
    # follows a warm-up run on the same container (its first run makes the clients:
    # ~37 MB whatever the count, which swamped the planner's own few MB).
    stacks = {}
    for count in (2_000, 20_000):
        c = _fresh_stack("bench-planner")
        _seed_index(count, c.settings.pepper)
        stacks[count] = (os.environ["YIBAO_TABLE"], os.environ["YIBAO_STAGE"])
    peaks: dict[int, list[float]] = {2_000: [], 20_000: []}
    for _ in range(ROUNDS):
        for count, names in stacks.items():
            c = _stack_of(*names)  # a new container: its clients are made by a first run
            _planner_peak(replace(c.notices(), clock=morning), (REGION,))
            planned, peak = _planner_peak(replace(c.notices(), clock=morning), (REGION,))
            assert planned == count, (planned, count)
            peaks[count].append(peak)
    print(
        f"  planner peak memory ({ROUNDS} rounds): "
        + ", ".join(
            f"{'/'.join(f'{p / 1024:.0f}' for p in peaks[n])} KiB at {n:,} accounts"
            for n in peaks
        )
    )
    ratios = [big / small for small, big in zip(peaks[2_000], peaks[20_000], strict=True)]
    budgets.ratio("planner memory 20,000 / 2,000", ratios, 1.2)


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
