"""Count the DynamoDB requests the app makes (for ``make bench`` and the tests).

Every PynamoDB call, transactions included, goes through
``Connection._make_api_call``; counting there counts what DynamoDB bills.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def dynamodb_requests() -> Iterator[Counter[str]]:
    """Within the block, ``counter[operation]`` is the number of requests made."""
    from pynamodb.connection.base import Connection

    counter: Counter[str] = Counter()
    original = Connection._make_api_call

    def counting(self: Any, operation_name: str, operation_kwargs: Any, **kw: Any) -> Any:
        counter[operation_name] += 1
        return original(self, operation_name, operation_kwargs, **kw)

    Connection._make_api_call = counting  # type: ignore[method-assign]
    try:
        yield counter
    finally:
        Connection._make_api_call = original  # type: ignore[method-assign]
