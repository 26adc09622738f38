"""When DynamoDB does not answer: one place that says which failures are "try again later".

botocore already retries throttling and dropped connections (``Meta.max_retry_attempts``);
what is still failing after those retries, and a transaction cancelled because another
one touched the same items (``TransactionConflict``), becomes
:class:`~chalicelib.errors.StoreUnavailable` (503 with ``Retry-After``). Anything else
(a bug, a refused condition the repository did not expect) stays what it is.

:func:`translate_faults` decorates a repository class: each public method (and each
item a generator method yields) raises ``StoreUnavailable`` instead.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PynamoDBException, TransactWriteError

from chalicelib.errors import StoreUnavailable

# Error codes DynamoDB answers when it is overloaded or unwell, not when the request is wrong.
_BUSY = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "TransactionInProgressException",
}
# Reasons a transaction is cancelled that say nothing against the request itself.
_BUSY_REASONS = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}


def unavailable(exc: BaseException) -> bool:
    """True when ``exc`` means the database could not do it now (try again later)."""
    cause: BaseException | None = exc
    if isinstance(exc, PynamoDBException):
        if isinstance(exc, TransactWriteError):
            codes = {r.code for r in exc.cancellation_reasons if r is not None}
            if codes and codes <= _BUSY_REASONS | {"None"}:
                return True
        cause = exc.cause
    if isinstance(cause, BotoCoreError):  # connection refused or reset, timeouts
        return True
    if isinstance(cause, ClientError):
        return str(cause.response.get("Error", {}).get("Code", "")) in _BUSY
    return False


T = TypeVar("T")


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.isgeneratorfunction(method):

        @functools.wraps(method)
        def generate(*args: Any, **kwargs: Any) -> Iterator[Any]:
            try:
                yield from method(*args, **kwargs)
            except Exception as exc:
                if unavailable(exc):
                    raise StoreUnavailable() from exc
                raise

        return generate

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except Exception as exc:
            if unavailable(exc):
                raise StoreUnavailable() from exc
            raise

    return call


def translate_faults(cls: type[T]) -> type[T]:
    """Class decorator: the repository's public methods raise ``StoreUnavailable``."""
    for name, member in list(vars(cls).items()):
        if not name.startswith("_") and inspect.isfunction(member):
            setattr(cls, name, _guarded(member))
    return cls
