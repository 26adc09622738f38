"""The moto server, made faithful in two ways.

1. One request at a time. DynamoDB applies each request atomically: of two
   conditional writes racing on one item, one fails. moto's threaded server does
   not lock its tables, so both could pass; serving requests one by one gives the
   real guarantee, which the concurrency tests rely on.
2. One leak stopped. moto records every model instance it ever creates, for ``/moto-api/data.json``.
Its TransactWriteItems deep-copies the tables it touches (to roll back), so
every transaction adds a copy of every item to that record: memory grows and
``data.json`` (where the sent SMS are read) slows down with each login. DynamoDB
objects are not recorded here; nothing else changes.
3. No table copies. moto's TransactWriteItems deep-copies a whole table for
   every item of a transaction, to roll back: the cost grows with the table
   (86 ms a settlement on 2,000 demo persons). Here a transaction checks every
   condition first against the items as they are (DynamoDB's semantics: the
   items are distinct, and with one request at a time nothing changes between),
   cancels with the same reasons if any fails, and only then writes, keeping a
   copy of just the items it writes to undo them if a write is refused.
4. Queries read their partition. moto answers a Query on the table by sorting
   every item of the table and keeping the partition's: a person's page costs
   more with every person seeded. Here it looks at the partition only, as
   DynamoDB does. An index Query (moto sorts the whole table first, ~1 s on
   60,000 items: the monthly notice run's pages timed out) starts from the items
   whose index key matches; moto then sorts and pages those as before.
5. SQS finds a message by its receipt handle. moto scans the whole queue twice for
   every message deleted, and lists every visible message for every receive: with
   20,000 notices queued a delete batch took seconds, the one-at-a-time server fell
   behind and the clients' reads timed out (the 20,000-account bench). Here a delete
   looks the handle up in a dict, and a receive reads the queue only until it has its
   batch (the messages in order, as before). And moto counted the queue's messages
   (three passes, each reading the clock per message) for every message sent and
   every message received, to read one other attribute: the counts are now made only
   for a GetQueueAttributes that asks for them.
6. A scan page starts at its start key. moto sorts the whole table for every page of a
   Scan, then walks it from the first item to the page's start key, hashing each
   item's key for its segment on the way: a full scan costs pages x items (the
   reconcile over the test table: ~150 s on a busy machine, ~25 s now). Here a page
   reads the partitions of its segment from the start key on, in the same order.
Run as ``python -m local.moto_server -H 127.0.0.1 -p 5001``.
"""

from __future__ import annotations

import sys
from typing import Any


def _stop_tracking_dynamodb() -> None:
    from moto.core.common_models import BaseModel

    track = BaseModel.__new__

    def new(cls: type, *args: Any, **kwargs: Any) -> Any:
        if cls.__module__.startswith("moto.dynamodb"):
            return object.__new__(cls)
        return track(cls, *args, **kwargs)

    BaseModel.__new__ = new  # type: ignore[method-assign]


def _one_request_at_a_time() -> None:
    import moto.server

    server: Any = moto.server
    run_simple = server.run_simple

    def serial(*args: Any, **kwargs: Any) -> Any:
        return run_simple(*args, **{**kwargs, "threaded": False})

    server.run_simple = serial


def _transactions_without_table_copies() -> None:
    import copy

    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        ConditionalCheckFailed,
        MockValidationException,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )
    from moto.dynamodb.models import DynamoDBBackend

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        if len(transact_items) > 100:
            raise TooManyTransactionsException()
        seen: set[tuple[str, str]] = set()
        errors: list[tuple[Any, Any, Any]] = []
        planned: list[tuple[str, dict[str, Any], str, dict[str, Any], Any]] = []
        for item in transact_items:
            if len(item) > 1:
                raise TransactWriteSingleOpException
            original = None
            try:
                op_type, op = next(iter(item.items()))
                if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                    raise ValueError("Unsupported transaction operation")
                table_name = op["TableName"]
                if op_type == "Put":
                    table = self.get_table(table_name)
                    key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
                    if table.range_key_attr is not None:
                        key[table.range_key_attr] = op["Item"][table.range_key_attr]
                else:
                    key = op["Key"]
                unique = (str(table_name), str(dict(sorted(key.items()))))
                if unique in seen:
                    raise MultipleTransactionsException()
                seen.add(unique)
                current = self.get_item(table_name, key)
                condition = op.get("ConditionExpression")
                if condition is not None:
                    check = get_filter_expression(
                        condition,
                        op.get("ExpressionAttributeNames"),
                        op.get("ExpressionAttributeValues"),
                    )
                    if not check.expr(current):
                        if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                            original = current.to_json()["Attributes"]
                        raise ConditionalCheckFailed(item=original)
                planned.append((op_type, op, table_name, key, current))
                errors.append((None, None, None))
            except (MultipleTransactionsException, MockValidationException):
                raise
            except ConditionalCheckFailed as e:
                errors.append(("ConditionalCheckFailed", str(e.message), original))
            except Exception as e:
                errors.append((type(e).__name__, str(e), original))
        if any(code is not None for code, _, _ in errors):
            raise TransactionCanceledException(errors)
        done: list[tuple[str, dict[str, Any], Any]] = []
        try:
            for op_type, op, table_name, key, current in planned:
                if op_type == "ConditionCheck":
                    continue
                done.append((table_name, key, copy.deepcopy(current)))
                # the conditions hold (checked above, nothing changed since): passed on
                # unchanged, so that moto validates the expressions as it would
                expressions = {
                    "condition_expression": op.get("ConditionExpression"),
                    "expression_attribute_names": op.get("ExpressionAttributeNames"),
                    "expression_attribute_values": op.get("ExpressionAttributeValues"),
                }
                if op_type == "Put":
                    self.put_item(table_name, op["Item"], **expressions)
                elif op_type == "Delete":
                    self.delete_item(table_name, key, **expressions)
                else:
                    self.update_item(
                        table_name, key, update_expression=op["UpdateExpression"], **expressions
                    )
        except Exception:
            for table_name, key, before in reversed(done):
                if before is None:
                    self.delete_item(table_name, key)
                else:
                    self.put_item(table_name, before.to_json()["Attributes"])
            raise

    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _has(item: Any, name: str, value: Any) -> bool:
    found = item.attrs.get(name)
    return found is not None and bool(found == value)


def _queries_by_partition() -> None:
    from moto.dynamodb.models.table import Table

    query = Table.query

    def by_partition(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        wanted = dict(kwargs.get("hash_key_conditions") or [])
        if index_name and wanted and self.range_key_attr:
            partition = [
                item
                for items in self.items.values()
                for item in items.values()
                if all(_has(item, name, value) for name, value in wanted.items())
            ]
        elif index_name or hash_key is None or not self.range_key_attr:
            return query(self, hash_key, *args, **kwargs)
        else:
            partition = sorted(
                self.items.get(hash_key, {}).values(), key=lambda item: item.range_key
            )
        self.all_items = lambda: partition  # one request at a time: safe to shadow
        try:
            return query(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    Table.query = by_partition  # type: ignore[method-assign]


def _scans_from_their_start() -> None:
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table
    from moto.utilities.utils import md5_hash

    scan = Table.scan

    def from_start(
        self: Any, filters: Any, limit: Any, exclusive_start_key: Any, *args: Any, **kwargs: Any
    ) -> Any:
        index_name = args[1] if len(args) > 1 else kwargs.get("index_name")
        if index_name or not self.range_key_attr:
            return scan(self, filters, limit, exclusive_start_key, *args, **kwargs)
        segment, total = args[4] if len(args) > 4 else kwargs.get("segments", (None, None))
        start_hash = start_range = None
        if exclusive_start_key is not None:
            start_hash = DynamoType(exclusive_start_key[self.hash_key_attr])
            start_range = DynamoType(exclusive_start_key[self.range_key_attr])

        def in_segment(hash_key: Any) -> bool:
            # moto's Item.is_within_segment, once per partition instead of once per item
            if total is None:
                return True
            return bool(md5_hash(hash_key.value.encode("utf8")).digest()[0] % total == segment)

        def items() -> Any:
            keys = [k for k in self.items if start_hash is None or not k < start_hash]
            for hash_key in sorted(keys):
                if not in_segment(hash_key):
                    continue
                partition = self.items[hash_key]
                resumed = start_hash is not None and hash_key == start_hash
                for range_key in sorted(partition):
                    if resumed and not start_range < range_key:
                        continue  # at or before the start key: the previous page's
                    yield partition[range_key]

        self.all_items = items  # one request at a time: safe to shadow
        started: Any = None  # the items begin after the start key already
        try:
            return scan(self, filters, limit, started, *args, **kwargs)
        finally:
            del self.all_items

    Table.scan = from_start  # type: ignore[method-assign]


class _Visible:
    """A queue's visible messages, read lazily (moto's ``Queue.messages`` built the list)."""

    def __init__(self, messages: list[Any]) -> None:
        self._all = messages

    def __iter__(self) -> Any:
        return (m for m in self._all if m.visible and not m.delayed)

    def __bool__(self) -> bool:
        return any(True for _ in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _queues_by_receipt_handle() -> None:
    from moto.sqs.exceptions import ReceiptHandleIsInvalid
    from moto.sqs.models import Message, Queue

    by_handle: dict[str, Any] = {}  # every handle a message was received with -> it
    mark_received = Message.mark_received

    def marked(self: Any, visibility_timeout: int | None = None) -> None:
        mark_received(self, visibility_timeout)
        by_handle[self.receipt_handle] = self

    def delete_message(self: Any, receipt_handle: str) -> None:
        if receipt_handle in self.deleted_messages:
            return  # deleted already: SQS does not mind
        message = by_handle.get(receipt_handle)
        if message is None or message not in self._messages:  # identity, in C
            raise ReceiptHandleIsInvalid()
        self.pending_messages.discard(message)
        self.deleted_messages.update(message.all_receipt_handles)
        self._messages.remove(message)
        for handle in message.all_receipt_handles:
            by_handle.pop(handle, None)

    from moto.sqs.models import SQSBackend

    counts = {
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesDelayed",
        "ApproximateNumberOfMessagesNotVisible",
    }
    every = list(Queue.BASE_ATTRIBUTES)
    Queue.BASE_ATTRIBUTES = [a for a in every if a not in counts]  # what attributes reads
    get_attributes = SQSBackend.get_queue_attributes

    def get_queue_attributes(self: Any, queue_name: str, attribute_names: list[str]) -> Any:
        if "All" not in attribute_names and not counts & set(attribute_names):
            return get_attributes(self, queue_name, attribute_names)
        queue = self.get_queue(queue_name)
        queue.BASE_ATTRIBUTES = every  # this request reads the counts
        try:
            return get_attributes(self, queue_name, attribute_names)
        finally:
            del queue.BASE_ATTRIBUTES

    SQSBackend.get_queue_attributes = get_queue_attributes  # type: ignore[method-assign]
    Message.mark_received = marked  # type: ignore[method-assign]
    Queue.delete_message = delete_message  # type: ignore[method-assign]
    Queue.messages = property(lambda self: _Visible(self._messages))  # type: ignore[assignment,method-assign]


def main() -> None:
    _stop_tracking_dynamodb()
    _one_request_at_a_time()
    _transactions_without_table_copies()
    _queries_by_partition()
    _scans_from_their_start()
    _queues_by_receipt_handle()
    from moto.server import main as moto_main

    moto_main(sys.argv[1:])


if __name__ == "__main__":
    main()
