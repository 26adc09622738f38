"""The monthly SMS notice run (月度个人账户短信) and its operator command.

``python -m chalicelib.notices run --month 2026-10 [--dry-run] [--senders N]`` plans the
month against the configured stack (the sparse index of accounts → the notices queue)
with a progress bar. With ``--senders`` (the default on the local stack, where no Lambda
consumes the queue) it also drains the queue through the sender Lambda's own handler,
as Lambda's event source mapping does, and ends with the counts by status. Safe to run
again: only what was not sent is sent. ``replay-dlq`` puts the dead-letter queue's
messages back on the queue. In AWS the schedule invokes :func:`plan_from_schedule` on
the 1st at 09:00 China time (EventBridge Scheduler, infra/stages.py SCHEDULES).
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.adapters.clock import CHINA

log = logging.getLogger(__name__)
_MONTH = re.compile(r"20\d\d-(0[1-9]|1[0-2])")


def plan_from_schedule(event: dict[str, Any]) -> dict[str, Any]:
    """The scheduled run: the month before the scheduled time (China time)."""
    from chalicelib.bootstrap import container
    from chalicelib.rules.notices import previous_month
    from chalicelib.services.notices import plan_month

    c = container()
    scheduled = event.get("scheduled_time")
    at = (
        datetime.fromisoformat(str(scheduled).replace("Z", "+00:00")).astimezone(CHINA)
        if scheduled
        else c.clock.now()
    )
    month = str(event.get("month") or previous_month(at.date()))
    # one thread per shard: 2 million accounts are 20,000 index pages and 200,000 batches
    planned = plan_month(c.notices(), month, c.settings.notice_regions, workers=16)
    return {"month": month, "planned": planned}


def send_batch(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The sender Lambda: one SQS batch, partial failures reported."""
    from chalicelib.adapters.notice_batch import handle_batch
    from chalicelib.bootstrap import container

    c = container()
    return handle_batch(event, context, c.notices(), c.notice_queue)


def _lambda_event(messages: list[dict[str, Any]], arn: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": arn,
                "awsRegion": arn.split(":")[3] if arn.count(":") >= 3 else "",
            }
            for m in messages
        ]
    }


def drain(
    queue: Any,
    handler: Callable[[dict[str, Any], Any], dict[str, Any]],
    *,
    senders: int = 2,
    idle_rounds: int = 2,
    on_batch: Callable[[int, int], None] | None = None,
) -> int:
    """What Lambda's event source mapping does, for the local stack: receive batches of
    ten, hand each to ``handler``, delete what it did not report as failed. Stops when
    the queue stays empty ``idle_rounds`` receives in a row (messages waiting for their
    visibility, e.g. quiet hours, stay). Returns how many records were handled."""
    client = queue._client
    arn = client.get_queue_attributes(QueueUrl=queue.url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    handled = 0
    lock = threading.Lock()

    def one_sender() -> None:
        nonlocal handled
        idle = 0
        while idle < idle_rounds:
            got = client.receive_message(
                QueueUrl=queue.url,
                MaxNumberOfMessages=10,
                WaitTimeSeconds=1,
                AttributeNames=["All"],
            ).get("Messages", [])
            if not got:
                idle += 1
                continue
            idle = 0
            answer = handler(_lambda_event(got, arn), None)
            failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
            done = [m for m in got if m["MessageId"] not in failed]
            if done:
                client.delete_message_batch(
                    QueueUrl=queue.url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                        for i, m in enumerate(done)
                    ],
                )
            with lock:
                handled += len(got)
            if on_batch is not None:
                on_batch(len(done), len(failed))

    threads = [threading.Thread(target=one_sender) for _ in range(max(1, senders))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return handled


def month_counts(ctx: Any, month: str, regions: tuple[str, ...]) -> Counter[str]:
    """The month's records by status (reads each account holder's record: an audit)."""
    counts: Counter[str] = Counter()
    for region in regions:
        for shard in range(ctx.store.shards):
            for ids in ctx.store.account_holders(region, shard, 500):
                for pid in ids:
                    record = ctx.store.get(pid, f"M#{month}")
                    counts[record.status if record else "not_planned"] += 1
    return counts


def run(month: str, dry_run: bool, senders: int, progress: bool = True) -> Counter[str]:
    from chalicelib.bootstrap import container
    from chalicelib.services.notices import plan_month

    c = container()
    ctx = c.notices()
    bar: Any = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(unit="account", desc=f"plan {month}", file=sys.stderr, mininterval=0.5)
    planned = plan_month(
        ctx,
        month,
        c.settings.notice_regions,
        dry_run=dry_run,
        progress=bar.update if bar is not None else None,
    )
    if bar is not None:
        bar.close()
    if dry_run:
        return Counter({"planned": planned})
    if senders > 0:
        send_bar: Any = None
        if progress:
            from tqdm import tqdm

            send_bar = tqdm(total=planned, unit="SMS", desc="send", file=sys.stderr)
        drain(
            c.notice_queue,
            send_batch,
            senders=senders,
            on_batch=(lambda done, failed: send_bar.update(done)) if send_bar else None,
        )
        if send_bar is not None:
            send_bar.close()
    counts = month_counts(ctx, month, c.settings.notice_regions)
    counts["planned"] = planned
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.notices", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_cmd = commands.add_parser("run", help="plan (and on the local stack send) a month")
    run_cmd.add_argument("--month", required=True, help="YYYY-MM, e.g. 2026-10")
    run_cmd.add_argument("--dry-run", action="store_true", help="count, queue nothing")
    run_cmd.add_argument(
        "--senders",
        type=int,
        default=None,
        help="senders draining the queue here (default: 2 on the local stack, else 0)",
    )
    run_cmd.add_argument("--quiet", action="store_true", help="no progress bar")
    commands.add_parser("replay-dlq", help="put the dead-letter queue back on the queue")
    args = parser.parse_args(argv)

    from chalicelib.bootstrap import container

    if args.command == "replay-dlq":
        moved = container().notice_queue.replay_dead_letters()
        print(f"replayed={moved}")
        return 0
    if not _MONTH.fullmatch(args.month):
        print("error: --month is YYYY-MM, e.g. 2026-10", file=sys.stderr)
        return 2
    senders = args.senders
    if senders is None:
        # the local stack's own queue has no Lambda behind it: drain it here
        senders = 2 if container().settings.notice_queue_url is None else 0
    counts = run(args.month, args.dry_run, senders, progress=not args.quiet)
    print(" ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    return 0
