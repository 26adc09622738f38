"""Signed-out tokens (退出登录) on DynamoDB, and the reads that bring them along.

Logging out writes two copies of a :class:`RevokedSessionItem` in the person's
partition, where the citizen reads already look (models.py says where), kept until
the token's ``exp`` by TTL. The reads of a person's partition call :func:`revoked_in`
with what they got, to settle chalicelib/sessions.py's check without a request of
their own; :func:`get_own` turns a GetItem into a BatchGetItem that brings the record.
"""

from __future__ import annotations

from typing import Any

from pynamodb.transactions import TransactWrite

from chalicelib import sessions
from chalicelib.adapters.dynamodb.faults import translate_faults
from chalicelib.adapters.dynamodb.models import (
    ACCOUNT_SESSION_REVOKED_PREFIX,
    SESSION_REVOKED_PREFIX,
    PersonItem,
    RevokedSessionItem,
    person_pk,
    transaction_connection,
)

PREFIXES = (SESSION_REVOKED_PREFIX, ACCOUNT_SESSION_REVOKED_PREFIX)


def is_record(item: dict[str, Any]) -> bool:
    return str(item["sk"]["S"]).startswith(PREFIXES)


def revoked_in(person_id: str, items: list[dict[str, Any]], complete: bool) -> list[dict[str, Any]]:
    """Settle the session check with the records among ``items`` (a read of the person's
    partition that covers their key range; ``complete``: the read was not cut short by
    DynamoDB's page size) and hand back the other items."""
    ended = [str(i["sk"]["S"]).rsplit("#", 1)[-1] for i in items if is_record(i)]
    if complete:
        sessions.seen(person_id, ended)
    return [i for i in items if not is_record(i)] if ended else items


def get_own(person_id: str, sk: str) -> dict[str, Any] | None:
    """One item of the person's partition (raw). While the request's session is unchecked,
    its revocation record comes in the same (consistent) BatchGetItem."""
    token_id = sessions.wanted(person_id)
    pk = person_pk(person_id)
    connection = PersonItem._get_connection()
    if token_id is not None:
        keys: Any = [
            {"pk": {"S": pk}, "sk": {"S": key}} for key in (sk, SESSION_REVOKED_PREFIX + token_id)
        ]
        raw: dict[str, Any] = connection.batch_get_item(keys, consistent_read=True)
        if not raw.get("UnprocessedKeys"):  # DynamoDB may defer keys under load
            items: list[dict[str, Any]] = next(iter(raw.get("Responses", {}).values()), [])
            items = revoked_in(person_id, items, complete=True)
            return items[0] if items else None
    found = connection.get_item(pk, sk, consistent_read=token_id is not None).get("Item")
    return found if isinstance(found, dict) else None


@translate_faults
class DynamoSessionStore:
    def revoke(self, person_id: str, token_id: str, expires_at: int, now: int) -> None:
        """Both copies in one transaction; a second logout writes the same again."""
        pk = person_pk(person_id)
        with TransactWrite(connection=transaction_connection()) as tx:
            for prefix in PREFIXES:
                tx.save(RevokedSessionItem(pk, prefix + token_id, revoked_at=now, ttl=expires_at))

    def is_revoked(self, person_id: str, token_id: str) -> bool:
        """The check on its own: one consistent GetItem."""
        try:
            RevokedSessionItem.get(
                person_pk(person_id), SESSION_REVOKED_PREFIX + token_id, consistent_read=True
            )
        except RevokedSessionItem.DoesNotExist:
            return False
        return True
