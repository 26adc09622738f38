"""Count the DynamoDB requests the app makes (for ``make bench`` and the tests).

Every PynamoDB call, transactions included, goes through
``Connection._make_api_call``; counting there counts what DynamoDB bills. The meter
also adds up the bytes DynamoDB answered (each response's JSON), for the bytes-read
budgets of ``make bench``.
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
