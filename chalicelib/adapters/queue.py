"""The notice queue on SQS: batches of ten, with what SQS refuses sent again."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

log = logging.getLogger(__name__)
BATCH = 10  # SQS takes at most ten messages a request


class SqsNoticeQueue:
    def __init__(self, client: Any, url: str, dead_letter_url: str | None = None) -> None:
        self._client = client
        self.url = url
        self.dead_letter_url = dead_letter_url

    def put(self, messages: Sequence[dict[str, Any]], delay_seconds: int = 0) -> None:
        for start in range(0, len(messages), BATCH):
            entries = [
                {
                    "Id": str(i),
                    "MessageBody": json.dumps(m, separators=(",", ":")),
                    "DelaySeconds": delay_seconds,
                }
                for i, m in enumerate(messages[start : start + BATCH])
            ]
            for _ in range(5):
                failed = self._client.send_message_batch(QueueUrl=self.url, Entries=entries).get(
                    "Failed", []
                )
                if not failed:
                    break
                again = {f["Id"] for f in failed}
                entries = [e for e in entries if e["Id"] in again]
            else:
                raise RuntimeError(f"SQS refused {len(entries)} messages five times")

    def wait_longer(self, receipt_handle: str, seconds: int) -> None:
        """Keep a received message invisible for ``seconds`` (backoff, quiet hours)."""
        self._client.change_message_visibility(
            QueueUrl=self.url, ReceiptHandle=receipt_handle, VisibilityTimeout=seconds
        )

    def replay_dead_letters(self, limit: int = 100_000) -> int:
        """Move what the dead-letter queue holds back onto the queue; returns how many."""
        if self.dead_letter_url is None:
            raise RuntimeError("no dead-letter queue configured")
        moved = 0
        while moved < limit:
            got = self._client.receive_message(
                QueueUrl=self.dead_letter_url, MaxNumberOfMessages=BATCH, WaitTimeSeconds=1
            ).get("Messages", [])
            if not got:
                return moved
            self._client.send_message_batch(
                QueueUrl=self.url,
                Entries=[{"Id": str(i), "MessageBody": m["Body"]} for i, m in enumerate(got)],
            )
            self._client.delete_message_batch(
                QueueUrl=self.dead_letter_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)
                ],
            )
            moved += len(got)
        return moved


def local_queue(client: Any, name: str, max_receives: int) -> SqsNoticeQueue:
    """The local stack's queue and its dead-letter queue, created if missing (moto)."""
    dead = client.create_queue(QueueName=name + "-dlq")["QueueUrl"]
    dead_arn = client.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    url = client.create_queue(
        QueueName=name,
        Attributes={
            "VisibilityTimeout": "60",
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dead_arn, "maxReceiveCount": str(max_receives)}
            ),
        },
    )["QueueUrl"]
    return SqsNoticeQueue(client, url, dead)
