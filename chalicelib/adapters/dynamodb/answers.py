"""Stored answers to ``Idempotency-Key`` requests, in the caller's partition.

The first answer is written in the same transaction as the change it reports (condition:
the key is new), so a retry finds it and changes nothing more. Kept a day (TTL).
"""

from __future__ import annotations

from chalicelib.adapters.dynamodb.models import IdempotencyItem, person_pk
from chalicelib.ports import StoredAnswer

KEPT_SECONDS = 86_400
PREFIX = "IDEMPOTENCY#"


def find_answer(person_id: str, key: str) -> StoredAnswer | None:
    try:
        item = IdempotencyItem.get(person_pk(person_id), PREFIX + key, consistent_read=True)
    except IdempotencyItem.DoesNotExist:
        return None
    return StoredAnswer(item.fingerprint, int(item.status), item.body)


def answer_item(person_id: str, key: str, stored: StoredAnswer, now: int) -> IdempotencyItem:
    """The item to save (with ``IdempotencyItem.sk.does_not_exist()``) in the transaction."""
    return IdempotencyItem(
        person_pk(person_id),
        PREFIX + key,
        fingerprint=stored.fingerprint,
        status=stored.status,
        body=stored.body,
        ttl=now + KEPT_SECONDS,
    )
