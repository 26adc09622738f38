"""Remote-care filings (异地就医备案) on DynamoDB.

A filing lives in its holder's partition under ``ME#``, so the profile read (and the
settlement's one read) brings it for free; its audit events sit under it. Every write is
one transaction: the holder's filing guard (versioned: writes for one person happen one at
a time, so "one filing in force per date" holds under races), the filing (versioned), its
event, an optional ``Idempotency-Key`` answer in the caller's partition, the reminder
index and, for a filing made for a relative, the use of the request. The reminder job
claims a filing with a conditional update, so a reminder goes out once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import sessions
from chalicelib.adapters.dynamodb.answers import answer_item, find_answer
from chalicelib.adapters.dynamodb.faults import translate_faults
from chalicelib.adapters.dynamodb.models import (
    FILING_GUARD_SK,
    FILING_LAPSE_PREFIX,
    FILING_PREFIX,
    FILING_PROXY_PREFIX,
    PROFILE_SK,
    FilingEventItem,
    FilingGuardItem,
    FilingItem,
    FilingLapseItem,
    FilingProxyItem,
    IdempotencyItem,
    PersonItem,
    person_pk,
    transaction_connection,
)
from chalicelib.adapters.dynamodb.persons import me_items, to_person
from chalicelib.ports import (
    DuplicateRequest,
    FilingEvent,
    FilingRecord,
    Person,
    ProxyRequestUsed,
    StaleFilings,
    StoredAnswer,
    StoredFiling,
)
from chalicelib.rules.filing import Filing

EVENT_MARK = "#EVENT#"


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def to_filing(item: FilingItem) -> Filing:
    return Filing(
        filing_id=item.filing_id,
        category=item.category,
        term=item.term,
        settles_as=item.settles_as,
        city=item.city,
        start=date.fromisoformat(item.start),
        end=_day(item.end),
        created_at=datetime.fromisoformat(item.created_at),
        status=item.status,  # type: ignore[arg-type]
        cancelled_on=_day(item.cancelled_on),
        cancel_reason=item.cancel_reason,
        channel=item.channel,
        agent_name=item.agent_name,
        reminded_at=datetime.fromisoformat(item.reminded_at) if item.reminded_at else None,
    )


def filing_from_raw(data: dict[str, Any]) -> Filing | None:
    """A filing from a raw ``ME#`` item, or None for any other item (its events included)."""
    sk: str = data["sk"]["S"]
    if not sk.startswith(FILING_PREFIX) or EVENT_MARK in sk:
        return None
    return to_filing(FilingItem.from_raw_data(data))


_COPIED = ("filing_id", "category", "term", "settles_as", "city", "channel", "agent_name",
           "cancel_reason", "status")


def _copy_json(filing: Filing) -> dict[str, Any]:
    """What a settlement needs of a filing (its reminder aside: the reminder job changes
    only that, without the guard)."""
    return {
        **{name: getattr(filing, name) for name in _COPIED},
        "start": filing.start.isoformat(),
        "end": _text(filing.end),
        "cancelled_on": _text(filing.cancelled_on),
        "created_at": filing.created_at.isoformat(timespec="seconds"),
    }


def _from_copy(data: dict[str, Any]) -> Filing:
    return Filing(
        **{name: data[name] for name in _COPIED},
        start=date.fromisoformat(data["start"]),
        end=_day(data["end"]),
        cancelled_on=_day(data["cancelled_on"]),
        created_at=datetime.fromisoformat(data["created_at"]),
    )


def open_filings(filings: list[Filing], today: date) -> str:
    """The guard's copy: the filings that may be in force today or later (newest first).
    A filing whose last day is past can never be in force again; a day's slack covers a
    settlement clock a time zone behind the write's."""
    since = today - timedelta(days=1)
    kept = [f for f in filings if (last := f.last_day()) is None or last >= since]
    return json.dumps([_copy_json(f) for f in kept], ensure_ascii=False)


def filings_from_guard(data: dict[str, Any]) -> tuple[Filing, ...] | None:
    """The filings a raw guard item carries, None for a guard written before the copy."""
    copy = data.get("open_filings", {}).get("S")
    if copy is None:
        return None
    return tuple(_from_copy(d) for d in json.loads(copy))


def _event(item: FilingEventItem) -> FilingEvent:
    return FilingEvent(
        at=item.at,
        action=item.action,
        actor=item.actor,
        channel=item.channel,
        before=json.loads(item.before) if item.before else None,
        after=json.loads(item.after) if item.after else None,
        reason=item.reason,
        request_id=item.request_id,
    )


def _version(version: int | None) -> dict[str, Any]:
    """No version: not written yet (save() then checks that nothing is there)."""
    return {} if version is None else {"version": version}


def _text(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _filing_item(person_id: str, stored: StoredFiling) -> FilingItem:
    f: Filing = stored.filing
    return FilingItem(
        person_pk(person_id),
        FILING_PREFIX + f.filing_id,
        filing_id=f.filing_id,
        category=f.category,
        term=f.term,
        settles_as=f.settles_as,
        city=f.city,
        start=f.start.isoformat(),
        end=_text(f.end),
        status=f.status,
        cancelled_on=_text(f.cancelled_on),
        cancel_reason=f.cancel_reason,
        created_at=f.created_at.isoformat(timespec="seconds"),
        channel=f.channel,
        agent_person_id=stored.agent_person_id,
        agent_name=f.agent_name,
        commitment_at=stored.commitment_at,
        policy_version=stored.policy_version,
        reminded_at=f.reminded_at.isoformat(timespec="seconds") if f.reminded_at else None,
        **_version(stored.version),  # save() checks it is unchanged (none: new), adds one
    )


def _event_item(
    person_id: str, filing_id: str, event: FilingEvent, version: int
) -> FilingEventItem:
    return FilingEventItem(
        person_pk(person_id),
        # in the order of the filing's versions (each write makes one), whatever the clocks say
        f"{FILING_PREFIX}{filing_id}{EVENT_MARK}{version:06d}#{event.at}",
        at=event.at,
        action=event.action,
        actor=event.actor,
        channel=event.channel,
        before=json.dumps(event.before, ensure_ascii=False) if event.before else None,
        after=json.dumps(event.after, ensure_ascii=False) if event.after else None,
        reason=event.reason,
        request_id=event.request_id,
    )


def _lapse_item(person_id: str, region: str, filing: Filing, last: date) -> FilingLapseItem:
    return FilingLapseItem(
        f"{FILING_LAPSE_PREFIX}{last.isoformat()}",
        f"{person_id}#{filing.filing_id}",
        person_id=person_id,
        filing_id=filing.filing_id,
        region=region,
    )


def reminder_day(filing: Filing) -> date | None:
    """The day the reminder index files a filing under: the last day of a temporary one
    still to be reminded (None: none to remind)."""
    if filing.term != "temporary" or filing.status != "active" or filing.reminded_at:
        return None
    return filing.end


def _after_write(record: FilingRecord, after: StoredFiling) -> list[Filing]:
    """The person's filings as this write leaves them, newest first."""
    mine = after.filing.filing_id
    others = [s.filing for s in record.filings if s.filing.filing_id != mine]
    return sorted([after.filing, *others], key=lambda f: f.created_at, reverse=True)


def event_day(event: FilingEvent) -> date:
    return date.fromisoformat(event.at[:10])


class _Labelled:
    """A transaction whose cancellation reasons can be read by what each item was."""

    def __init__(self) -> None:
        self.order: dict[str, list[str]] = {"check": [], "delete": [], "put": [], "update": []}

    def add(self, kind: str, label: str) -> None:
        self.order[kind].append(label)

    def failed(self, exc: TransactWriteError) -> set[str]:
        # PynamoDB sends condition checks, then deletes, then puts, then updates.
        labels = [*self.order["check"], *self.order["delete"], *self.order["put"]]
        labels += self.order["update"]
        codes = [r.code if r else None for r in (exc.cancellation_reasons or [])]
        return {label for label, code in zip(labels, codes, strict=False) if code}


@translate_faults
@sessions.guarded
class DynamoFilingRepository:
    @sessions.brings_check
    def load(self, person_id: str) -> FilingRecord | None:
        """Profile, filings and their events: the one ``ME#`` Query."""
        person: Person | None = None
        guard: int | None = None
        items: dict[str, FilingItem] = {}
        events: dict[str, list[tuple[str, FilingEvent]]] = {}
        for data in me_items(person_id):
            sk = data["sk"]["S"]
            if sk == PROFILE_SK:
                person = to_person(PersonItem.from_raw_data(data))
            elif sk == FILING_GUARD_SK:
                guard = int(FilingGuardItem.from_raw_data(data).version or 0)
            elif sk.startswith(FILING_PREFIX) and EVENT_MARK in sk:
                filing_id = sk[len(FILING_PREFIX) :].split("#", 1)[0]
                event = _event(FilingEventItem.from_raw_data(data))
                events.setdefault(filing_id, []).append((sk, event))
            elif sk.startswith(FILING_PREFIX):
                item = FilingItem.from_raw_data(data)
                items[item.filing_id] = item
        if person is None:
            return None
        stored = [
            StoredFiling(
                to_filing(item),
                int(item.version or 0),
                item.commitment_at,
                item.policy_version,
                item.agent_person_id,
                tuple(e for _, e in sorted(events.get(fid, ()), reverse=True, key=lambda x: x[0])),
            )
            for fid, item in items.items()
        ]
        stored.sort(key=lambda s: s.filing.created_at, reverse=True)
        return FilingRecord(person, tuple(stored), guard)

    def find_answer(self, person_id: str, key: str) -> StoredAnswer | None:
        return find_answer(person_id, key)

    def save(
        self,
        record: FilingRecord,
        before: StoredFiling | None,
        after: StoredFiling,
        event: FilingEvent,
        answer: tuple[str, str, StoredAnswer, int] | None = None,
        proxy: tuple[str, str] | None = None,
    ) -> None:
        """Write a new or changed filing with its event, all or nothing.

        ``answer``: (caller's person id, key, answer, now) for an ``Idempotency-Key``;
        ``proxy``: (agent's person id, request id), used up by this write. Raises
        :class:`DuplicateRequest` if the key was used meanwhile, :class:`ProxyRequestUsed`
        if the request was, :class:`StaleFilings` if the person's filings changed.
        """
        person_id, region = record.person.person_id, record.person.region
        pk = person_pk(person_id)
        tx_labels = _Labelled()
        filing: Filing = after.filing
        old_day = None if before is None else reminder_day(before.filing)
        new_day = reminder_day(filing)
        try:
            with TransactWrite(connection=transaction_connection()) as tx:
                if proxy is not None:
                    agent_id, request_id = proxy
                    tx.delete(
                        FilingProxyItem(person_pk(agent_id), FILING_PROXY_PREFIX + request_id),
                        condition=FilingProxyItem.sk.exists(),
                    )
                    tx_labels.add("delete", "proxy")
                if old_day is not None and old_day != new_day and before is not None:
                    tx.delete(_lapse_item(person_id, region, before.filing, old_day))
                    tx_labels.add("delete", "old index")
                copy = open_filings(_after_write(record, after), event_day(event))
                tx.save(
                    FilingGuardItem(
                        pk,
                        FILING_GUARD_SK,
                        open_filings=copy,
                        **_version(record.guard_version),
                    )
                )
                tx_labels.add("put", "guard")
                tx.save(_filing_item(person_id, after))
                tx_labels.add("put", "filing")
                tx.save(
                    _event_item(person_id, filing.filing_id, event, (after.version or 0) + 1),
                    condition=FilingEventItem.sk.does_not_exist(),
                )
                tx_labels.add("put", "event")
                if answer is not None:
                    caller, key, stored, now = answer
                    tx.save(
                        answer_item(caller, key, stored, now),
                        condition=IdempotencyItem.sk.does_not_exist(),
                    )
                    tx_labels.add("put", "answer")
                if new_day is not None and new_day != old_day:
                    tx.save(_lapse_item(person_id, region, filing, new_day))
                    tx_labels.add("put", "new index")
        except TransactWriteError as exc:
            failed = tx_labels.failed(exc)
            if "answer" in failed:
                raise DuplicateRequest() from None
            if "proxy" in failed:
                raise ProxyRequestUsed() from None
            if failed:
                raise StaleFilings() from None
            raise

    # --- filing for a relative (代办) -----------------------------------------------------------

    def save_proxy_request(
        self, agent_id: str, request_id: str, relative_id: str, name: str, at: datetime, ttl: int
    ) -> None:
        FilingProxyItem(
            person_pk(agent_id),
            FILING_PROXY_PREFIX + request_id,
            relative_id=relative_id,
            relative_name=name,
            created_at=at.isoformat(timespec="seconds"),
            ttl=ttl,
        ).save(condition=FilingProxyItem.sk.does_not_exist())

    def proxy_request(self, agent_id: str, request_id: str) -> tuple[str, str, str] | None:
        """(relative's person id, their masked name, when asked), if the request is open."""
        try:
            item = FilingProxyItem.get(
                person_pk(agent_id), FILING_PROXY_PREFIX + request_id, consistent_read=True
            )
        except FilingProxyItem.DoesNotExist:
            return None
        return item.relative_id, item.relative_name, item.created_at

    # --- the lapse reminder -------------------------------------------------------------------

    def lapsing(self, last_day: date) -> Iterator[tuple[str, str, str]]:
        """(person id, filing id, region) of the filings to remind whose last day it is."""
        for item in FilingLapseItem.query(f"{FILING_LAPSE_PREFIX}{last_day.isoformat()}"):
            yield item.person_id, item.filing_id, item.region

    def claim_reminder(
        self, person_id: str, filing_id: str, last_day: date, at: datetime
    ) -> tuple[Filing, int] | None:
        """Mark the filing reminded and take it off the index, once: the filing (and its new
        version) if this call claimed it, None if it was claimed, changed or cancelled."""
        pk = person_pk(person_id)
        sk = FILING_PREFIX + filing_id
        index = FilingLapseItem(
            f"{FILING_LAPSE_PREFIX}{last_day.isoformat()}", f"{person_id}#{filing_id}"
        )
        try:
            item = FilingItem.get(pk, sk, consistent_read=True)
        except FilingItem.DoesNotExist:
            index.delete()  # a stray index entry: nothing to remind
            return None
        when = at.isoformat(timespec="seconds")
        version = int(item.version or 0)
        try:
            with TransactWrite(connection=transaction_connection()) as tx:
                tx.delete(index, condition=FilingLapseItem.sk.exists())
                tx.update(
                    FilingItem(pk, sk, version=version),  # checks the version read, adds one
                    actions=[FilingItem.reminded_at.set(when)],
                    condition=FilingItem.reminded_at.does_not_exist()
                    & (FilingItem.status == "active")
                    & (FilingItem.end == last_day.isoformat()),
                )
                tx.save(
                    _event_item(
                        person_id,
                        filing_id,
                        FilingEvent(when, "reminded", "system", "sms", after={"reminded_at": when}),
                        version + 1,
                    )
                )
        except TransactWriteError as exc:
            if any(r and r.code for r in (exc.cancellation_reasons or [])):
                return None
            raise
        return to_filing(item), version + 1

    def release_reminder(self, person_id: str, region: str, filing: Filing, version: int) -> None:
        """Undo a claim whose SMS could not be sent, so that a later run tries again."""
        assert filing.end is not None
        with TransactWrite(connection=transaction_connection()) as tx:
            tx.update(
                FilingItem(person_pk(person_id), FILING_PREFIX + filing.filing_id, version=version),
                actions=[FilingItem.reminded_at.remove()],
            )
            tx.save(_lapse_item(person_id, region, filing, filing.end))
