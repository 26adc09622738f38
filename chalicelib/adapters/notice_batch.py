"""The sender Lambda's batch handling, with Powertools' batch utility.

Each SQS record is one notice. A record that fails (the gateway refused, or quiet
hours) is reported in ``batchItemFailures`` so that only it comes back; the rest of the
batch is done. Before reporting it, its visibility is set: quiet hours until 08:00,
a failed send by exponential backoff (30 s, 60 s, 120 s … at most 15 minutes). After
the queue's ``max_receives`` a message goes to the dead-letter queue
(``python -m chalicelib.notices replay-dlq`` puts it back).
"""

from __future__ import annotations

import logging
from typing import Any

from chalicelib.services import notices

log = logging.getLogger(__name__)
BACKOFF_SECONDS = 30
BACKOFF_MOST = 900


def backoff(receive_count: int) -> int:
    """The wait before the next try of a message received ``receive_count`` times."""
    return int(min(BACKOFF_MOST, BACKOFF_SECONDS * 2 ** max(0, receive_count - 1)))


def handle_batch(event: dict[str, Any], context: Any, ctx: Any, queue: Any) -> dict[str, Any]:
    """Deliver every record of an SQS event; the partial batch response for Lambda."""
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    def record_handler(record: SQSRecord) -> str:
        try:
            return notices.deliver(ctx, record.json_body)
        except notices.Postponed as wait:
            queue.wait_longer(record.receipt_handle, wait.seconds)
            raise
        except notices.SendFailed:
            count = int(record.attributes.approximate_receive_count or 1)
            queue.wait_longer(record.receipt_handle, backoff(count))
            raise

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    response: dict[str, Any] = dict(
        process_partial_response(event, record_handler, processor, context)
    )
    return response
