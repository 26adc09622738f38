"""Signed-out tokens (退出登录) on DynamoDB, and the reads that bring them along.

Logging out writes copies of a :class:`RevokedSessionItem` in the person's
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
    FAMILY_USE_SESSION_REVOKED_PREFIX,
    NOTICE_SESSION_REVOKED_PREFIX,
    SESSION_REVOKED_PREFIX,
    SETTLEMENT_SESSION_REVOKED_PREFIX,
    PersonItem,
    RevokedSessionItem,
    person_pk,
    transaction_connection,
)

PREFIXES = (
    SESSION_REVOKED_PREFIX,
    ACCOUNT_SESSION_REVOKED_PREFIX,
    SETTLEMENT_SESSION_REVOKED_PREFIX,
    FAMILY_USE_SESSION_REVOKED_PREFIX,
    NOTICE_SESSION_REVOKED_PREFIX,
)
SPARE = 10  # records a list's first page reads beyond its limit (signed-out tokens)


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


def batch_get(keys: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Items by ``(pk, sk)`` (raw), across partitions, in one consistent BatchGetItem; keys
    DynamoDB defers (under throttling) are asked for again, so none is silently missing."""
    connection = PersonItem._get_connection()
    wanted: Any = [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in keys]
    found: list[dict[str, Any]] = []
    while wanted:
        raw: dict[str, Any] = connection.batch_get_item(wanted, consistent_read=True)
        found += next(iter(raw.get("Responses", {}).values()), [])
        deferred: dict[str, Any] = next(iter(raw.get("UnprocessedKeys", {}).values()), {})
        wanted = deferred.get("Keys")
    return found


def batch_get_own(person_id: str, sks: list[str]) -> list[dict[str, Any]]:
    """Items of the person's partition (raw) in one consistent BatchGetItem (:func:`batch_get`).
    While the request's session is unchecked, its revocation record comes in the same
    request and settles the check."""
    pk = person_pk(person_id)
    wanted = list(sks)
    token_id = sessions.wanted(person_id)
    if token_id is not None:
        wanted.append(SESSION_REVOKED_PREFIX + token_id)
    found = batch_get([(pk, sk) for sk in wanted])
    return revoked_in(person_id, found, complete=True)


def newest_first(
    connection: Any,
    person_id: str,
    low: str,
    high: str,
    records: str,
    limit: int,
    after_sk: str | None,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the person's items with ``low <= sk <= high``, newest first (raw), and the
    sk to continue after (None: no more). The first page of a request whose session is
    unchecked reads on to the revocation records under ``records`` (they sort just above
    ``high``: a descending Query meets them first, ``SPARE`` of them beyond the limit) and
    settles the check with them; a page by cursor cannot, and is checked on its own
    (:func:`sessions.guarded`)."""
    pk = person_pk(person_id)
    checking = after_sk is None and sessions.wanted(person_id) is not None
    top = f"{records}~" if checking else high
    start = {"pk": {"S": pk}, "sk": {"S": after_sk}} if after_sk else None
    wanted = limit + SPARE if checking else limit
    raw = _descending(connection, pk, low, top, wanted, start, consistent=checking)
    read: list[dict[str, Any]] = raw.get("Items", [])
    more = "LastEvaluatedKey" in raw
    if not checking:
        return read, str(raw["LastEvaluatedKey"]["sk"]["S"]) if more else None
    # complete: the Query ended, or an item of the list came after the records
    items = revoked_in(person_id, read, complete=not more or not is_record(read[-1]))
    items = [i for i in items if low <= str(i["sk"]["S"]) <= high]
    page = items[:limit]
    if len(items) > limit or (more and page):
        return page, str(page[-1]["sk"]["S"])
    if more:  # nothing but records (many logouts lately): the list's top on its own
        raw = _descending(connection, pk, low, high, limit, None, consistent=True)
        last = raw.get("LastEvaluatedKey")
        return raw.get("Items", []), str(last["sk"]["S"]) if last else None
    return page, None


def _descending(
    connection: Any,
    pk: str,
    low: str,
    high: str,
    limit: int,
    start: dict[str, Any] | None,
    *,
    consistent: bool,  # when it checks the session: a logout a moment ago must count
) -> dict[str, Any]:
    found: dict[str, Any] = connection.query(
        pk,
        range_key_condition=PersonItem.sk.between(low, high),
        scan_index_forward=False,
        limit=limit,
        consistent_read=consistent,
        exclusive_start_key=start,
    )
    return found


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
