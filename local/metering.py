"""Count the AWS requests the app makes (for ``make bench`` and the tests).

:func:`dynamodb_requests`: every PynamoDB call, transactions included, goes through
``Connection._make_api_call``; counting there counts what DynamoDB bills. The meter
also adds up the bytes DynamoDB answered (each response's JSON), for the bytes-read
budgets of ``make bench``.

:func:`aws_requests`: every request of every service (DynamoDB, SNS, SQS…), counted
where botocore sends it (``BaseClient._make_api_call``), as ``(service, operation)``.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Meter(Counter[str]):
    """``meter[operation]``: requests made; ``meter.bytes_read``: bytes DynamoDB answered;
    ``meter.calls``: each request as sent (operation, parameters), for replaying it raw."""

    bytes_read: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, dict[str, Any]]] = []


@contextmanager
def dynamodb_requests() -> Iterator[Meter]:
    """Within the block, ``counter[operation]`` is the number of requests made."""
    from pynamodb.connection.base import Connection

    counter = Meter()
    original = Connection._make_api_call

    def counting(self: Any, operation_name: str, operation_kwargs: Any, **kw: Any) -> Any:
        counter[operation_name] += 1
        counter.calls.append((operation_name, copy.deepcopy(operation_kwargs)))
        answer = original(self, operation_name, operation_kwargs, **kw)
        counter.bytes_read += len(json.dumps(answer, separators=(",", ":")).encode())
        return answer

    Connection._make_api_call = counting  # type: ignore[method-assign]
    try:
        yield counter
    finally:
        Connection._make_api_call = original  # type: ignore[method-assign]


@contextmanager
def aws_requests() -> Iterator[Counter[tuple[str, str]]]:
    """Within the block, ``counter[(service, operation)]`` is the number of requests made
    to AWS (e.g. ``("sns", "Publish")``), whichever client made them."""
    from botocore.client import BaseClient

    counter: Counter[tuple[str, str]] = Counter()
    original = BaseClient._make_api_call

    def counting(self: Any, operation_name: str, api_params: Any) -> Any:
        counter[(self.meta.service_model.service_name, operation_name)] += 1
        return original(self, operation_name, api_params)

    BaseClient._make_api_call = counting
    try:
        yield counter
    finally:
        BaseClient._make_api_call = original
