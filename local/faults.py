"""Make DynamoDB fail on purpose, for the fault tests: a ``before-send`` hook on the
botocore clients PynamoDB uses.

The hook stands where the network would be, so botocore's own retries, PynamoDB's
error wrapping and the repositories' handling all run as they do against a sick
database. A fault is one of:

- ``throttle``: DynamoDB answers ``ThrottlingException`` (HTTP 400), as when over capacity;
- ``conflict``: a ``TransactWriteItems`` is cancelled with ``TransactionConflict``
  (another transaction touched an item); other operations pass;
- ``reset``: the connection is reset before the request reaches DynamoDB;
- ``reset_after_commit``: the request reaches DynamoDB and is applied, then the
  connection is reset before the answer arrives (the write happened; the caller
  cannot know).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

WRITES = ("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem")


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


def _error(request: Any, status: int, body: dict[str, Any]) -> Any:
    from botocore.awsrequest import AWSResponse

    headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "fault"}
    return AWSResponse(request.url, status, headers, _Body(json.dumps(body).encode()))


@dataclass
class Faults:
    """What the hook did: ``injected[operation]`` faults, ``passed[operation]`` requests."""

    kind: str
    operations: tuple[str, ...]
    times: int | None  # None: every matching request fails
    injected: Counter[str] = field(default_factory=Counter)
    passed: Counter[str] = field(default_factory=Counter)

    def before_send(self, request: Any, event_name: str = "", **_: Any) -> Any:
        operation = event_name.rsplit(".", 1)[-1]
        wanted = operation in self.operations and (
            self.kind != "conflict" or operation == "TransactWriteItems"
        )
        if not wanted or (self.times is not None and sum(self.injected.values()) >= self.times):
            self.passed[operation] += 1
            return None
        self.injected[operation] += 1
        return self._fail(request)

    def _fail(self, request: Any) -> Any:
        from botocore.exceptions import ConnectionClosedError

        if self.kind == "throttle":
            return _error(
                request,
                400,
                {
                    "__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException",
                    "message": "Rate of requests exceeds the allowed throughput.",
                },
            )
        if self.kind == "conflict":
            count = len(json.loads(request.body or b"{}").get("TransactItems", []))
            reasons = [{"Code": "None"}] * count
            reasons[0] = {"Code": "TransactionConflict", "Message": "Transaction is ongoing"}
            return _error(
                request,
                400,
                {
                    "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
                    "message": "Transaction cancelled, please refer cancellation reasons",
                    "CancellationReasons": reasons,
                },
            )
        if self.kind == "reset_after_commit":
            import urllib3

            urllib3.PoolManager().request(
                request.method, request.url, body=request.body, headers=dict(request.headers)
            )
        elif self.kind != "reset":
            raise ValueError(f"unknown fault {self.kind!r}")
        raise ConnectionClosedError(endpoint_url=request.url)


def _clients() -> list[Any]:
    """Every botocore client PynamoDB uses: one per model class, one for transactions."""
    from chalicelib.adapters.dynamodb import models

    found: dict[int, Any] = {}
    for model in (*models.TABLES, *models.ALL_MODELS):
        client = model._get_connection().connection.client
        found[id(client)] = client
    client = models.transaction_connection().client
    found[id(client)] = client
    return list(found.values())


@contextmanager
def dynamodb_faults(
    kind: str, operations: tuple[str, ...] = WRITES, times: int | None = None
) -> Iterator[Faults]:
    """Within the block, DynamoDB requests of ``operations`` fail with ``kind``
    (the first ``times`` of them, or all)."""
    faults = Faults(kind, operations, times)
    clients = _clients()
    for client in clients:
        client.meta.events.register_first(
            "before-send.dynamodb", faults.before_send, unique_id="yibao-fault"
        )
    try:
        yield faults
    finally:
        for client in clients:
            client.meta.events.unregister("before-send.dynamodb", unique_id="yibao-fault")
