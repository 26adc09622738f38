"""The notice records, preferences and throttle on DynamoDB (短信记录、偏好、限速).

Exactly once per (person, month) rests on one conditional write: :meth:`claim` turns a
record into ``sending`` only if it does not exist, is waiting or failed, or is a claim
whose lease ran out (its sender died). A sent or skipped record is never claimed again.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from chalicelib import sessions
from chalicelib.adapters.dynamodb.faults import translate_faults
from chalicelib.adapters.dynamodb.models import (
    ACCOUNT_PAGE,
    ACCOUNT_SK,
    NOTICE_PREFIX,
    NOTICE_PREFS_SK,
    NOTICE_SESSION_REVOKED_PREFIX,
    NOTICE_SHARDS,
    PROFILE_SK,
    AccountItem,
    InboundItem,
    NoticeItem,
    NoticePrefsItem,
    PersonItem,
    RateItem,
    person_pk,
)
from chalicelib.adapters.dynamodb.persons import to_person
from chalicelib.adapters.dynamodb.sessions import get_own, newest_first
from chalicelib.ports import NoticeFacts, NoticeRecord

RECORD_DAYS = 400  # a record stays readable for 我的短信 this long, then TTL removes it
CLAIMABLE = ("waiting", "failed")


def _conditional_failed(exc: PutError | UpdateError) -> bool:
    return exc.cause_response_code == "ConditionalCheckFailedException"


def _record(person_id: str, item: NoticeItem) -> NoticeRecord:
    return NoticeRecord(
        person_id=person_id,
        key=item.sk[len(NOTICE_PREFIX) :],
        kind=item.kind,
        group=item.group,
        status=item.status,
        created_at=item.created_at,
        reason=item.reason,
        due_at=item.due_at,
        sent_at=item.sent_at,
        phone_masked=item.phone_masked,
        text=item.text,
        values=item.values,
        attempts=int(item.attempts or 0) + len(item.claims or ()),
    )


@translate_faults
@sessions.guarded
class DynamoNoticeStore:
    def claim(
        self,
        person_id: str,
        key: str,
        kind: str,
        group: str,
        created_at: str,
        now: int,
        lease_seconds: int,
        claim_id: str | None = None,
    ) -> NoticeRecord | None:
        """Take the record for sending (creating it), or None when it is done or taken.

        The claim carries an id of its own: when botocore sends the request again (the
        answer to the first was late, a read timeout on a busy stack) and the first had
        already claimed, the retry finds its own claim and passes; without it, the retry
        failed the condition, the sender took the notice for done and it was never sent.
        The tries are the claims' ids, a set: the retry adds its id again and still counts
        one try (a counter added 1 per request and counted the retry as a second)."""
        item = NoticeItem(person_pk(person_id), NOTICE_PREFIX + key)
        claim_id = claim_id or secrets.token_hex(8)
        free = (
            NoticeItem.pk.does_not_exist()
            | NoticeItem.status.is_in(*CLAIMABLE)
            | ((NoticeItem.status == "sending") & (NoticeItem.lease_until < now))
            | ((NoticeItem.status == "sending") & (NoticeItem.claimed_by == claim_id))
        )
        try:
            item.update(
                actions=[
                    NoticeItem.status.set("sending"),
                    NoticeItem.lease_until.set(now + lease_seconds),
                    NoticeItem.claimed_by.set(claim_id),
                    NoticeItem.kind.set(NoticeItem.kind | kind),
                    NoticeItem.group.set(NoticeItem.group | group),
                    NoticeItem.created_at.set(NoticeItem.created_at | created_at),
                    NoticeItem.claims.add({claim_id}),  # a try, counted once per claim
                    NoticeItem.ttl.set(now + RECORD_DAYS * 86_400),
                ],
                condition=free,
            )
        except UpdateError as exc:
            if _conditional_failed(exc):
                return None
            raise
        return _record(person_id, item)

    def finish(
        self,
        person_id: str,
        key: str,
        status: str,
        *,
        reason: str | None = None,
        sent_at: str | None = None,
        phone_masked: str | None = None,
        text: str | None = None,
        message_id: str | None = None,
        due_at: str | None = None,
    ) -> None:
        """Write the outcome of a claimed record (sent, skipped, failed, waiting)."""
        item = NoticeItem(person_pk(person_id), NOTICE_PREFIX + key)
        actions: list[Any] = [NoticeItem.status.set(status), NoticeItem.lease_until.remove()]
        for attribute, value in (
            (NoticeItem.reason, reason),
            (NoticeItem.sent_at, sent_at),
            (NoticeItem.phone_masked, phone_masked),
            (NoticeItem.text, text),
            (NoticeItem.message_id, message_id),
            (NoticeItem.due_at, due_at),
        ):
            if value is not None:
                actions.append(attribute.set(value))
        item.update(actions=actions)

    def add(self, record: NoticeRecord, now: int, *, keep_seconds: int | None = None) -> bool:
        """Write a new record (an urgent notice already sent, or one waiting for 08:00),
        kept ``keep_seconds`` (a decoy's) or :data:`RECORD_DAYS`; False if one with its
        key exists."""
        item = NoticeItem(
            person_pk(record.person_id),
            NOTICE_PREFIX + record.key,
            kind=record.kind,
            group=record.group,
            status=record.status,
            reason=record.reason,
            created_at=record.created_at,
            due_at=record.due_at,
            sent_at=record.sent_at,
            phone_masked=record.phone_masked,
            text=record.text,
            values=record.values,
            attempts=record.attempts,
            ttl=now + (RECORD_DAYS * 86_400 if keep_seconds is None else keep_seconds),
        )
        try:
            item.save(condition=NoticeItem.pk.does_not_exist())
        except PutError as exc:
            if _conditional_failed(exc):
                return False
            raise
        return True

    def get(self, person_id: str, key: str) -> NoticeRecord | None:
        try:
            return _record(person_id, NoticeItem.get(person_pk(person_id), NOTICE_PREFIX + key))
        except NoticeItem.DoesNotExist:
            return None

    @sessions.brings_check
    def recent(self, person_id: str, limit: int) -> list[NoticeRecord]:
        """The person's records, newest first: one Query (it brings the session check
        along: adapters/dynamodb/sessions.py)."""
        found, _ = newest_first(
            NoticeItem._get_connection(),
            person_id,
            NOTICE_PREFIX,
            f"{NOTICE_PREFIX}~",
            NOTICE_SESSION_REVOKED_PREFIX,
            limit * 4,
            None,
        )
        records = [_record(person_id, NoticeItem.from_raw_data(data)) for data in found]
        records.sort(key=lambda r: r.sent_at or r.due_at or r.created_at, reverse=True)
        return records[:limit]

    @sessions.brings_check
    def turned_off(self, person_id: str) -> tuple[frozenset[str], str | None]:
        """The groups the person turned off, and when they last changed them (one
        consistent read; in a person's request it brings the session check along)."""
        if sessions.wanted(person_id) is not None:
            raw = get_own(person_id, NOTICE_PREFS_SK)
            if raw is None:
                return frozenset(), None
            prefs = NoticePrefsItem.from_raw_data(raw)
        else:
            try:
                prefs = NoticePrefsItem.get(
                    person_pk(person_id), NOTICE_PREFS_SK, consistent_read=True
                )
            except NoticePrefsItem.DoesNotExist:
                return frozenset(), None
        return frozenset(str(g) for g in prefs.turned_off or ()), prefs.changed_at

    def set_turned_off(self, person_id: str, groups: frozenset[str], at: str, by: str) -> None:
        NoticePrefsItem(
            person_pk(person_id),
            NOTICE_PREFS_SK,
            turned_off=sorted(groups),
            changed_at=at,
            changed_by=by,
        ).save()

    def facts(self, person_id: str, month: str | None) -> NoticeFacts:
        """What a notice needs at send time, fresh: the profile, the groups turned off and,
        for a monthly notice, the balance and the month's credit. One BatchGetItem."""
        pk = person_pk(person_id)
        sks = [PROFILE_SK, NOTICE_PREFS_SK]
        if month is not None:
            sks += [ACCOUNT_SK, f"{ACCOUNT_PAGE}{month[:4]}"]
        keys: Any = [{"pk": {"S": pk}, "sk": {"S": sk}} for sk in sks]
        raw: dict[str, Any] = PersonItem._get_connection().batch_get_item(
            keys, consistent_read=True
        )
        found: list[dict[str, Any]] = next(iter(raw.get("Responses", {}).values()), [])
        person = None
        turned_off: frozenset[str] = frozenset()
        balance = None
        credit = 0
        for data in found:
            sk = data["sk"]["S"]
            if sk == PROFILE_SK:
                person = to_person(PersonItem.from_raw_data(data))
            elif sk == NOTICE_PREFS_SK:
                turned_off = frozenset(
                    str(g) for g in NoticePrefsItem.from_raw_data(data).turned_off or ()
                )
            elif sk == ACCOUNT_SK:
                balance = int(AccountItem.from_raw_data(data).balance or 0)
            elif month is not None:
                lines = json.loads(data.get("lines", {}).get("S", "[]"))
                credit = sum(
                    int(line["amount"])
                    for line in lines
                    if line.get("kind") == "credit" and line.get("period") == month
                )
        return NoticeFacts(person, turned_off, balance, credit)

    def account_holders(self, region: str, shard: int, page: int) -> Iterator[list[str]]:
        """The person ids with a personal account in one shard of the sparse index, a page
        at a time (never the whole region in memory). Each Query asks for ``pk`` alone and
        its raw answer is read without making a model per item: a page costs what its ids
        cost, so the planner's memory is a few pages whatever the region's size."""
        connection = AccountItem._get_connection()
        last: dict[str, Any] | None = None
        while True:
            raw: dict[str, Any] = connection.query(
                f"{region}#{shard:02d}",
                index_name=AccountItem.for_notices.Meta.index_name,
                attributes_to_get=["pk"],
                exclusive_start_key=last,
                limit=page,
            )
            # the page's parsed answer is let go before its ids are queued
            ids = [item["pk"]["S"].removeprefix("PERSON#") for item in raw.pop("Items", ())]
            if ids:
                yield ids
            last = raw.get("LastEvaluatedKey")
            if not last:
                return

    shards = NOTICE_SHARDS

    def persons_with_phone(self, key: str) -> list[str]:
        return [item.pk.removeprefix("PERSON#") for item in PersonItem.by_phone.query(key)]

    def take_send_slots(self, second: int, per_second: int, wanted: int) -> bool:
        """Count ``wanted`` SMS in the second ``second`` if that leaves the count at most
        ``per_second`` (one counter shared by every concurrent sender); False if not."""
        item = RateItem(f"RL#sms-quota#{second}", "RL")
        try:
            item.update(
                actions=[RateItem.hits.add(wanted), RateItem.ttl.set(second + 120)],
                condition=RateItem.hits.does_not_exist()
                | (RateItem.hits <= per_second - wanted),
            )
        except UpdateError as exc:
            if _conditional_failed(exc):
                return False
            raise
        return True

    def first_delivery(self, signature: str, now: int, keep_seconds: int) -> bool:
        """True the first time an inbound message with this signature is seen."""
        try:
            InboundItem(f"INBOUND#{signature}", "INBOUND", ttl=now + keep_seconds).save(
                condition=InboundItem.pk.does_not_exist()
            )
        except PutError as exc:
            if _conditional_failed(exc):
                return False
            raise
        return True
