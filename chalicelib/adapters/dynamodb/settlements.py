"""Settlements on DynamoDB: one read of known keys, one transaction to write.

A hospital's settlement reads its inputs in one consistent BatchGetItem (:meth:`for_visit`):
the person's profile, card, year figures and account, the filing guard's copy of the
remote-care filings when the visit is away from home, and the visit's key in its own
partition, which carries the answer: a replay answers from that read and writes nothing.
A reversal reads its settlement and the figures in one BatchGetItem (the id says where).

The transaction holds the settlement, the visit's key, the year-to-date figures and the
account debit, each with a condition: a concurrent settlement for the same person makes
ours fail as a whole, and the service reads again. A settlement id of the current form
says where its settlement is (:func:`located`), so it needs no look-up key of its own;
ids of the older form keep theirs (``SETTLEMENT#<id>``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import sessions
from chalicelib.adapters.dynamodb.accounts import account_from_raw, book_line
from chalicelib.adapters.dynamodb.cards import _card
from chalicelib.adapters.dynamodb.family import add_use, link_from_raw, side_from_raw
from chalicelib.adapters.dynamodb.faults import translate_faults
from chalicelib.adapters.dynamodb.filings import filing_from_raw, filings_from_guard
from chalicelib.adapters.dynamodb.models import (
    ACCOUNT_SK,
    BILL_PREFIX,
    CARD_SK,
    FAMILY_LINK_PREFIX,
    FAMILY_PAYER_SK,
    FILING_GUARD_SK,
    ME_PREFIX,
    PROFILE_SK,
    SETTLEMENT_PREFIX,
    SETTLEMENT_SESSION_REVOKED_PREFIX,
    YTD_PREFIX,
    CardIndexItem,
    CardItem,
    FamilyPayerItem,
    PersonItem,
    SettlementItem,
    SettlementKeyItem,
    YtdItem,
    person_pk,
    transaction_connection,
)
from chalicelib.adapters.dynamodb.persons import me_items, to_person
from chalicelib.adapters.dynamodb.sessions import batch_get, batch_get_own, newest_first
from chalicelib.ports import (
    AlreadyReversed,
    NewSettlement,
    SettlementKey,
    SettlementSubject,
    StaleFigures,
    VisitAlreadySettled,
)
from chalicelib.rules.bill import YTD_FIELDS


def _key(item: SettlementKeyItem) -> SettlementKey:
    """A look-up key; a visit's key written with the answer brings it (with its status)."""
    answer = None if item.body is None else _with_status(item.body, item.status, item.reversed_at)
    return SettlementKey(
        item.settlement_id,
        item.person_id,
        item.person_sk,
        item.fingerprint,
        item.hospital_id,
        item.status,
        dict(item.earlier or {}),
        answer,
    )


def _visit_pk(hospital_id: str, visit_id: str) -> str:
    return f"VISIT#{hospital_id}#{visit_id}"


class _Transaction(TransactWrite):
    """PynamoDB's transaction, also taking items already in DynamoDB's form: a settlement's
    own items built as models cost about 0.2 ms of a 300-item settlement (construction
    and serialisation of the models and their conditions), as raw maps almost nothing."""

    def put_raw(self, put: dict[str, Any]) -> None:
        self._put_items.append(put)


def _s(text: str) -> dict[str, str]:
    return {"S": text}


_NEW = ("attribute_not_exists(#pk)", {"#pk": "pk"}, None)  # the item is not there yet


def _put(
    item: dict[str, Any],
    condition: str | None = None,
    names: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    *,
    all_old: bool = False,
) -> dict[str, Any]:
    """A transaction's put of ``item`` (raw), with its condition expression."""
    put: dict[str, Any] = {"TableName": SettlementItem.Meta.table_name, "Item": item}
    if condition is not None:
        put["ConditionExpression"] = condition
    if names:
        put["ExpressionAttributeNames"] = names
    if values:
        put["ExpressionAttributeValues"] = values
    if all_old:  # refused: the item as it stands comes back
        put["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    return put


def _visit_put(new: NewSettlement, key_fields: dict[str, Any]) -> dict[str, Any]:
    """The visit's key, carrying the answer (a replay answers from the read that finds it):
    a new visit, or (冲正后重新结算) the very reversed settlement read before. Refused, the
    key as it stands comes back (the visit was settled meanwhile: a replay reads nothing)."""
    item = {"pk": _s(_visit_pk(new.hospital_id, new.visit_id)), "sk": _s("VISIT")} | key_fields
    item["body"] = _s(new.body)
    old = new.replaces
    if old is None:
        return _put(item, *_NEW, all_old=True)
    earlier = {**old.earlier, old.fingerprint: old.settlement_id}
    item["earlier"] = _s(json.dumps(earlier))  # as PynamoDB's JSONAttribute writes it
    return _put(
        item,
        "#status = :reversed AND #id = :id",
        {"#status": "status", "#id": "settlement_id"},
        {":reversed": _s("reversed"), ":id": _s(old.settlement_id)},
        all_old=True,
    )


def _ytd_put(pk: str, year: int, version: int | None, after: Any) -> dict[str, Any]:
    """The year's figures, checked at the version read (None: the year's first, none yet)."""
    item = {"pk": _s(pk), "sk": _s(f"{YTD_PREFIX}{year}")}
    item |= {name: {"N": str(int(after.get(name, 0)))} for name in YTD_FIELDS}
    item["version"] = {"N": str((version or 0) + 1)}
    if version is None:
        return _put(item, "attribute_not_exists(#v)", {"#v": "version"})
    return _put(item, "#v = :v", {"#v": "version"}, {":v": {"N": str(version)}})


def _family_use(tx: TransactWrite, use: Any, payer: Any) -> None:
    """A relative's account pays: the link must still be active (the relative's guard names
    it), then the payer's account, statement and both family lines."""
    tx.condition_check(
        FamilyPayerItem,
        person_pk(use.relative_link.person_id),
        FAMILY_PAYER_SK,
        condition=FamilyPayerItem.link_id == use.link.link.link_id,
    )
    add_use(tx, use, payer)


def _card_stands(tx: TransactWrite, pk: str, card: Any) -> None:
    """Settled by card (刷卡): the card must stand as the settlement read it. A loss reported
    between the read and the write makes the transaction fail as stale figures do, and the
    try that reads again refuses the lost card (a lost card never settles)."""
    tx.condition_check(
        CardItem,
        pk,
        CARD_SK,
        condition=(CardItem.card_number == card.number) & (CardItem.status == card.status),
    )


def _book(
    tx: TransactWrite,
    subject: SettlementSubject,
    pk: str,
    at: str,
    kind: str,
    amount: int,
    ref: str,
    hospital_id: str,
) -> None:
    """The person's own account pays (a debit) or is paid back (a reversal)."""
    book_line(
        tx,
        pk,
        at=at,
        kind=kind,
        amount=amount,
        ref=ref,
        detail={"hospital_id": hospital_id},
        balance_before=subject.account_balance or 0,
        version=subject.account_version,
        summary=subject.account_summary,
    )


def _cancelled(exc: TransactWriteError) -> list[str | None]:
    return [r.code if r else None for r in (exc.cancellation_reasons or [])]


def _answered(item: SettlementItem) -> dict[str, Any]:
    """The settlement as answered, with its status now (settled or reversed)."""
    return _with_status(item.body, item.status, item.reversed_at)


def _with_status(body: str, status: str, reversed_at: str | None) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads(body)
    answer["status"] = status
    if reversed_at:
        answer["reversed_at"] = reversed_at
    return answer


def _subject(items: list[dict[str, Any]], person_id: str, year: int) -> SettlementSubject | None:
    """A settlement's inputs from the person's items (raw): the ``ME#`` Query's, or some."""
    person = card = None
    ytd: dict[str, int] = dict.fromkeys(YTD_FIELDS, 0)
    ytd_version = balance = account_version = summary = None
    links = []
    filings = []
    for data in items:
        sk = data["sk"]["S"]
        if sk == PROFILE_SK:
            person = to_person(PersonItem.from_raw_data(data))
        elif sk == CARD_SK:
            card = _card(CardItem.from_raw_data(data))
        elif sk == f"{YTD_PREFIX}{year}":
            item = YtdItem.from_raw_data(data)
            ytd = {name: int(getattr(item, name) or 0) for name in YTD_FIELDS}
            ytd_version = int(item.version or 0)
        elif sk == ACCOUNT_SK:
            account = account_from_raw(data)
            balance, account_version = account.balance, account.version
            summary = account.summary
        elif not sk.startswith(ME_PREFIX) or sk == FILING_GUARD_SK:
            continue  # the settlement a reversal reads with them, the filings' guard
        elif (filing := filing_from_raw(data)) is not None:
            filings.append(filing)  # 异地就医备案：the settlement takes the one in force
        else:
            link = link_from_raw(data, person_id)
            if link is not None:
                links.append(link)
    if person is None:
        return None
    return SettlementSubject(
        person,
        card,
        ytd,
        ytd_version,
        balance,
        account_version,
        tuple(links),
        tuple(filings),
        summary,
    )


def _with_payer(subject: SettlementSubject, guard: dict[str, Any]) -> SettlementSubject:
    """The relative's active link and the payer's side, by the keys the guard names: one
    consistent BatchGetItem across both partitions (the transaction checks the guard and
    the payer's account version, as with the Queries)."""
    relative_id = subject.person.person_id
    link_sk = FAMILY_LINK_PREFIX + guard["link_id"]["S"]
    payer_id = guard["payer_person_id"]["S"]
    mine, theirs = person_pk(relative_id), person_pk(payer_id)
    keys = [(mine, link_sk), (theirs, PROFILE_SK), (theirs, ACCOUNT_SK), (theirs, link_sk)]
    items = batch_get(keys)
    links = [
        link
        for data in items
        if data["pk"]["S"] == mine and (link := link_from_raw(data, relative_id)) is not None
    ]
    side = side_from_raw([i for i in items if i["pk"]["S"] == theirs], payer_id)
    return replace(subject, links=tuple(links), family_payer=side)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NEW_ID = "sz"  # older ids are "s" and 20 hex digits
_QUARTERS = 64  # the offset from UTC in quarter hours, shifted to be positive


_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"  # the person id's alphabet (services/auth.py)
_PLACE = 19  # where the sealed person id starts: "sz" + time (11) + offset (2) + random (4)


def _sealed(key: str, head: str, person: str) -> str | None:
    """The person id's 20 characters turned by a keystream of ``key`` and the id's head
    (its time, offset and random part): turning them again gives them back. The internal
    person id never shows in a settlement id, which people and apps see (an app's
    ExplanationOfBenefit ids among them), so two apps cannot match their users by it."""
    stream = hmac.new(key.encode(), f"settlement-place:{head}".encode(), hashlib.sha256).digest()
    try:
        return "".join(
            _BASE32[_BASE32.index(c) ^ (stream[i] & 31)] for i, c in enumerate(person)
        )
    except (ValueError, IndexError):
        return None


def new_settlement_id(person_id: str, settled_at: str, key: str) -> str:
    """``sz`` + the time in milliseconds (11 hex digits) + its UTC offset (2) + 4 random hex
    digits + the person id sealed with ``key`` (:func:`_sealed`): where the settlement is
    stored (its partition and sort key ``SETTLEMENT#<settled_at>#<id>``), so that a reversal
    needs no look-up before it reads."""
    at = datetime.fromisoformat(settled_at)
    offset = at.utcoffset() or timedelta(0)
    ms = (at - _EPOCH) // timedelta(milliseconds=1)
    quarters = offset // timedelta(minutes=15) + _QUARTERS
    head = f"{_NEW_ID}{ms:011x}{quarters:02x}{secrets.token_hex(2)}"
    sealed = _sealed(key, head, person_id[1:]) if person_id.startswith("p") else None
    if sealed is not None:
        made = head + sealed
        where = (person_id, f"{SETTLEMENT_PREFIX}{settled_at}#{made}")
        if len(made) <= 40 and located(made, key) == where:
            return made
    return "s" + secrets.token_hex(10)  # pragma: no cover - a person id of another form


def located(settlement_id: str, key: str) -> tuple[str, str] | None:
    """(person id, sort key) of a settlement from its id; None for an id of the older form.
    A made-up or altered id points at a sort key no settlement has."""
    if not settlement_id.startswith(_NEW_ID) or len(settlement_id) <= _PLACE:
        return None
    try:
        ms = int(settlement_id[2:13], 16)
        quarters = int(settlement_id[13:15], 16) - _QUARTERS
    except ValueError:
        return None
    if not -56 <= quarters <= 56:
        return None
    person = _sealed(key, settlement_id[:_PLACE], settlement_id[_PLACE:])
    if person is None:
        return None
    zone = timezone(timedelta(minutes=15 * quarters))
    at = (_EPOCH + timedelta(milliseconds=ms)).astimezone(zone)
    settled_at = at.isoformat(timespec="milliseconds")
    return "p" + person, f"{SETTLEMENT_PREFIX}{settled_at}#{settlement_id}"


@translate_faults
@sessions.guarded
class DynamoSettlementRepository:
    def __init__(self, key: str) -> None:
        self._key = key  # seals the person id inside settlement ids (:func:`_sealed`)

    def person_for_card(self, card_number: str) -> str | None:
        try:
            return str(CardIndexItem.get(f"CARD#{card_number}", "CARD").person_id)
        except CardIndexItem.DoesNotExist:
            return None

    @sessions.brings_check
    def load_subject(self, person_id: str, year: int) -> SettlementSubject | None:
        """Everything settlement may need of the person, family links too: the ``ME#`` Query."""
        return _subject(me_items(person_id), person_id, year)

    def for_visit(
        self,
        person_id: str,
        year: int,
        hospital_id: str,
        visit_id: str,
        remote: bool,
        family: bool = False,
    ) -> tuple[SettlementSubject | None, SettlementKey | None]:
        """A hospital's settlement inputs in one consistent BatchGetItem of known keys: the
        person's profile, card, the year's figures and account, the visit's key (with the
        answer it got, if settled) and, for care away from home (``remote``), the filing
        guard with its copy of the filings that may be in force. A guard written before
        the copy costs the ``ME#`` Query.

        ``family`` (家庭共济): the relative's one-payer guard ``ME#FAMILY_PAYER`` comes too;
        it names the active link and the payer, whose side (profile, account, link copy)
        and the relative's link copy a second BatchGetItem reads, unless the visit stands
        settled (a replay, or a refusal, needs none of it). No guard: no active link."""
        pk = person_pk(person_id)
        sks = [PROFILE_SK, CARD_SK, f"{YTD_PREFIX}{year}", ACCOUNT_SK]
        if remote:
            sks.append(FILING_GUARD_SK)
        if family:
            sks.append(FAMILY_PAYER_SK)
        visit_pk = _visit_pk(hospital_id, visit_id)
        items = batch_get([*((pk, sk) for sk in sks), (visit_pk, "VISIT")])
        own = [i for i in items if i["pk"]["S"] == pk]
        visit = next((i for i in items if i["pk"]["S"] == visit_pk), None)
        key = None if visit is None else _key(SettlementKeyItem.from_raw_data(visit))
        guard = next((i for i in own if i["sk"]["S"] == FILING_GUARD_SK), None)
        filings = filings_from_guard(guard) if guard is not None else ()
        if filings is None:  # a guard from before the copy: the filings themselves
            return _subject(me_items(person_id), person_id, year), key
        subject = _subject(own, person_id, year)
        if subject is None:
            return None, key
        subject = replace(subject, filings=filings)
        payer = next((i for i in own if i["sk"]["S"] == FAMILY_PAYER_SK), None)
        if payer is None or (key is not None and key.status == "settled"):
            return subject, key
        return _with_payer(subject, payer), key

    def new_id(self, person_id: str, settled_at: str) -> str:
        """A new settlement's id, which says where the settlement is stored (see
        :func:`new_settlement_id`)."""
        return new_settlement_id(person_id, settled_at, self._key)

    def for_reversal(
        self, settlement_id: str
    ) -> tuple[SettlementKey, dict[str, Any], SettlementSubject] | None:
        """What a reversal (冲正) reads: the settlement as answered, and the person's profile,
        the settlement year's figures and the account, in one consistent BatchGetItem (the
        id says where the settlement is). An id of the older form costs its look-up key's
        GetItem first."""
        where = located(settlement_id, self._key)
        if where is None:
            key = self.find_by_id(settlement_id)
            if key is None:
                return None
            where = key.person_id, key.person_sk
        person_id, person_sk = where
        year = int(person_sk.removeprefix(SETTLEMENT_PREFIX)[:4])
        items = batch_get_own(person_id, [person_sk, PROFILE_SK, f"{YTD_PREFIX}{year}", ACCOUNT_SK])
        settled = next((i for i in items if i["sk"]["S"] == person_sk), None)
        subject = _subject(items, person_id, year)
        if settled is None or subject is None:
            return None
        item = SettlementItem.from_raw_data(settled)
        if item.settlement_id != settlement_id:  # pragma: no cover - the id is in the key
            return None
        key = SettlementKey(settlement_id, person_id, person_sk, "", item.hospital_id, item.status)
        return key, _answered(item), subject

    def save(self, subject: SettlementSubject, new: NewSettlement, family: Any = None) -> None:
        """``family``: ``(FamilyUse, payer's FamilySide)`` when a relative's account pays.

        The settlement's own items go in as DynamoDB's attribute maps (:class:`_Transaction`);
        the account's and the family's lines through their models (accounts.py, family.py)."""
        pk = person_pk(new.person_id)
        person_sk = f"{SETTLEMENT_PREFIX}{new.settled_at}#{new.settlement_id}"
        key_fields = {
            "settlement_id": _s(new.settlement_id),
            "person_id": _s(new.person_id),
            "person_sk": _s(person_sk),
            "fingerprint": _s(new.fingerprint),
            "hospital_id": _s(new.hospital_id),
            "status": _s("settled"),
        }
        try:
            with _Transaction(connection=transaction_connection()) as tx:
                tx.put_raw(_visit_put(new, key_fields))  # the first put: see below
                if not new.settlement_id.startswith(_NEW_ID):  # pragma: no cover
                    # an id of the older form (a person id of another form) says not where
                    # its settlement is: its look-up key (new_id() checks that a new-form
                    # id is located where the settlement goes)
                    tx.put_raw(
                        _put(
                            {"pk": _s(f"SETTLEMENT#{new.settlement_id}"), "sk": _s("SETTLEMENT")}
                            | key_fields,
                            *_NEW,
                        )
                    )
                settlement = {
                    "pk": _s(pk),
                    "sk": _s(person_sk),
                    "settlement_id": _s(new.settlement_id),
                    "hospital_id": _s(new.hospital_id),
                    "visit_id": _s(new.visit_id),
                    "settled_at": _s(new.settled_at),
                    "status": _s("settled"),
                    "body": _s(new.body),
                }
                tx.put_raw(_put(settlement, *_NEW))
                if new.lines:  # a put after the settlement's: the error codes keep their places
                    lines = json.dumps(new.lines, ensure_ascii=False)
                    bill = {"pk": _s(pk), "sk": _s(f"{BILL_PREFIX}{new.settlement_id}")}
                    tx.put_raw(_put(bill | {"lines": _s(lines)}))
                tx.put_raw(_ytd_put(pk, new.year, subject.ytd_version, new.ytd_after))
                if new.account_debit:
                    _book(
                        tx,
                        subject,
                        pk,
                        new.settled_at,
                        "settlement",
                        -new.account_debit,
                        new.settlement_id,
                        new.hospital_id,
                    )
                if family is not None:  # its puts after the visit key's
                    _family_use(tx, *family)
                if new.card is not None:
                    _card_stands(tx, pk, new.card)
        except TransactWriteError as exc:
            codes = _cancelled(exc)
            # condition checks go first (the family link's guard, the card's), then puts in
            # call order: the visit key is the first put
            visit = (family is not None) + (new.card is not None)
            if len(codes) > visit and codes[visit] == "ConditionalCheckFailed":
                reason = (exc.cancellation_reasons or [])[visit]
                found = reason.raw_item if reason else None
                key = _key(SettlementKeyItem.from_raw_data(found)) if found else None
                raise VisitAlreadySettled(key) from None
            if "ConditionalCheckFailed" in codes:
                raise StaleFigures() from None
            raise

    def find_by_visit(self, hospital_id: str, visit_id: str) -> SettlementKey | None:
        try:
            pk = _visit_pk(hospital_id, visit_id)
            return _key(SettlementKeyItem.get(pk, "VISIT", consistent_read=True))
        except SettlementKeyItem.DoesNotExist:
            return None

    def find_by_id(self, settlement_id: str) -> SettlementKey | None:
        """By id: the settlement itself where the id says it is (its answer comes along), or
        an id of the older form's look-up key. No fingerprint: that is the visit's key's."""
        where = located(settlement_id, self._key)
        if where is None:
            try:
                return _key(
                    SettlementKeyItem.get(
                        f"SETTLEMENT#{settlement_id}", "SETTLEMENT", consistent_read=True
                    )
                )
            except SettlementKeyItem.DoesNotExist:
                return None
        person_id, person_sk = where
        try:
            item = SettlementItem.get(person_pk(person_id), person_sk, consistent_read=True)
        except SettlementItem.DoesNotExist:
            return None
        if item.settlement_id != settlement_id:  # pragma: no cover - the id is in the key
            return None
        answer = _answered(item)
        return SettlementKey(
            settlement_id, person_id, person_sk, "", item.hospital_id, item.status, {}, answer
        )

    def body(self, key: SettlementKey) -> dict[str, Any]:
        """The settlement as answered: from the key when its read brought it, else read."""
        if key.answer is not None:
            return dict(key.answer)
        item = SettlementItem.get(person_pk(key.person_id), key.person_sk, consistent_read=True)
        return _answered(item)

    def reverse(
        self,
        key: SettlementKey,
        visit_id: str,
        subject: SettlementSubject,
        year: int,
        ytd_after: dict[str, int],
        account_credit: int,
        reversed_at: str,
        refund: Any = None,
    ) -> None:
        pk = person_pk(key.person_id)
        settled = SettlementKeyItem.status == "settled"
        # an id of the older form has its look-up key (a newer id's settlement is found by it)
        looked_up = located(key.settlement_id, self._key) is None
        try:
            with _Transaction(connection=transaction_connection()) as tx:
                if looked_up:
                    tx.update(
                        SettlementKeyItem(f"SETTLEMENT#{key.settlement_id}", "SETTLEMENT"),
                        actions=[SettlementKeyItem.status.set("reversed")],
                        condition=settled,
                    )
                tx.update(
                    SettlementKeyItem(_visit_pk(key.hospital_id, visit_id), "VISIT"),
                    actions=[
                        SettlementKeyItem.status.set("reversed"),
                        SettlementKeyItem.reversed_at.set(reversed_at),  # the answer it carries
                    ],
                    condition=settled & (SettlementKeyItem.settlement_id == key.settlement_id),
                )
                tx.update(
                    SettlementItem(pk, key.person_sk),
                    actions=[
                        SettlementItem.status.set("reversed"),
                        SettlementItem.reversed_at.set(reversed_at),
                    ],
                    condition=SettlementItem.status == "settled",
                )
                tx.put_raw(_ytd_put(pk, year, subject.ytd_version, ytd_after))
                if account_credit:
                    _book(
                        tx,
                        subject,
                        pk,
                        reversed_at,
                        "reversal",
                        account_credit,
                        key.settlement_id,
                        key.hospital_id,
                    )
                if refund is not None:
                    use, payer = refund
                    add_use(tx, use, payer)
        except TransactWriteError as exc:
            codes = _cancelled(exc)
            # PynamoDB sends puts (the figures, the account line, a family refund's three
            # lines) before updates (the three status changes, then the accounts).
            puts = 1 + (1 if account_credit else 0) + (3 if refund is not None else 0)
            statuses = 3 if looked_up else 2
            if "ConditionalCheckFailed" in codes[puts : puts + statuses]:
                raise AlreadyReversed() from None
            if "ConditionalCheckFailed" in codes:
                raise StaleFigures() from None
            raise

    @sessions.brings_check
    def list_for_person(
        self,
        person_id: str,
        limit: int,
        after_sk: str | None,
        low: str = SETTLEMENT_PREFIX,
        high: str = f"{SETTLEMENT_PREFIX}~",
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Newest first; ``after_sk`` continues after the last item of a page. One Query (the
        first page brings the session check along: adapters/dynamodb/sessions.py).

        ``low``/``high``: sort keys that bound the settlement time in the Query's key
        condition (FHIR's ``_lastUpdated``), so that every page but the last is full."""
        if low > high or (after_sk is not None and after_sk < low):
            sessions.settle()  # no Query to bring the check along
            return [], None  # an empty range (DynamoDB refuses it), or a cursor below it
        if after_sk is not None and after_sk > high:
            after_sk = None  # a cursor above the range: the range starts lower still
        if high != f"{SETTLEMENT_PREFIX}~":
            # the records sort above the list: a Query bounded lower cannot bring them
            sessions.settle()
        items, last = newest_first(
            SettlementItem._get_connection(),
            person_id,
            low,
            high,
            SETTLEMENT_SESSION_REVOKED_PREFIX,
            limit,
            after_sk,
        )
        found = []
        for data in items:
            found.append(_answered(SettlementItem.from_raw_data(data)))
        return found, last

    def bill_lines(
        self, person_id: str, settlement_ids: list[str]
    ) -> dict[str, list[tuple[str, str, int]]]:
        """The bill lines of these settlements of the person (a page: at most 100), by
        settlement id, in one BatchGetItem; a settlement from before lines were kept has
        none."""
        if not settlement_ids:
            return {}
        found = batch_get_own(person_id, [f"{BILL_PREFIX}{i}" for i in settlement_ids])
        return {
            str(data["sk"]["S"])[len(BILL_PREFIX) :]: [
                (str(code), str(catalogue), int(fen))
                for code, catalogue, fen in json.loads(data["lines"]["S"])
            ]
            for data in found
        }
