"""Settlements on DynamoDB: one Query to read a person, one transaction to write.

The transaction holds the settlement, its two look-up keys, the year-to-date
figures and the account debit, each with a condition: a concurrent settlement
for the same person makes ours fail as a whole, and the service reads again.
"""

from __future__ import annotations

import json
from typing import Any, cast

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import sessions
from chalicelib.adapters.dynamodb.accounts import account_from_raw, book_line
from chalicelib.adapters.dynamodb.cards import _card
from chalicelib.adapters.dynamodb.family import add_use, link_from_raw
from chalicelib.adapters.dynamodb.faults import translate_faults
from chalicelib.adapters.dynamodb.filings import filing_from_raw
from chalicelib.adapters.dynamodb.models import (
    ACCOUNT_SK,
    BILL_PREFIX,
    CARD_SK,
    FAMILY_PAYER_SK,
    PROFILE_SK,
    SETTLEMENT_PREFIX,
    SETTLEMENT_SESSION_REVOKED_PREFIX,
    YTD_PREFIX,
    CardIndexItem,
    CardItem,
    FamilyPayerItem,
    PersonItem,
    SettlementBillItem,
    SettlementItem,
    SettlementKeyItem,
    YtdItem,
    person_pk,
    transaction_connection,
)
from chalicelib.adapters.dynamodb.persons import me_items, to_person
from chalicelib.adapters.dynamodb.sessions import batch_get_own, newest_first
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
    return SettlementKey(
        item.settlement_id,
        item.person_id,
        item.person_sk,
        item.fingerprint,
        item.hospital_id,
        item.status,
        dict(item.earlier or {}),
    )


def _version(version: int | None) -> dict[str, Any]:
    """No version: the year's first figures (save() then checks none exist yet)."""
    return {} if version is None else {"version": version}


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


@translate_faults
@sessions.guarded
class DynamoSettlementRepository:
    def person_for_card(self, card_number: str) -> str | None:
        try:
            return str(CardIndexItem.get(f"CARD#{card_number}", "CARD").person_id)
        except CardIndexItem.DoesNotExist:
            return None

    @sessions.brings_check
    def load_subject(self, person_id: str, year: int) -> SettlementSubject | None:
        person = card = None
        ytd: dict[str, int] = dict.fromkeys(YTD_FIELDS, 0)
        ytd_version = balance = account_version = summary = None
        links = []
        filings = []
        for data in me_items(person_id):
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

    def save(self, subject: SettlementSubject, new: NewSettlement, family: Any = None) -> None:
        """``family``: ``(FamilyUse, payer's FamilySide)`` when a relative's account pays."""
        pk = person_pk(new.person_id)
        person_sk = f"{SETTLEMENT_PREFIX}{new.settled_at}#{new.settlement_id}"
        key_fields: dict[str, Any] = dict(
            settlement_id=new.settlement_id,
            person_id=new.person_id,
            person_sk=person_sk,
            fingerprint=new.fingerprint,
            hospital_id=new.hospital_id,
            status="settled",
        )
        old = new.replaces
        try:
            with TransactWrite(connection=transaction_connection()) as tx:
                tx.save(
                    SettlementKeyItem(
                        f"VISIT#{new.hospital_id}#{new.visit_id}",
                        "VISIT",
                        **key_fields,
                        earlier=None
                        if old is None
                        else {**old.earlier, old.fingerprint: old.settlement_id},
                    ),
                    # a new visit, or (冲正后重新结算) the very reversed settlement read before
                    condition=SettlementKeyItem.pk.does_not_exist()
                    if old is None
                    else (SettlementKeyItem.status == "reversed")
                    & (SettlementKeyItem.settlement_id == old.settlement_id),
                )
                tx.save(
                    SettlementKeyItem(
                        f"SETTLEMENT#{new.settlement_id}", "SETTLEMENT", **key_fields
                    ),
                    condition=SettlementKeyItem.pk.does_not_exist(),
                )
                tx.save(
                    SettlementItem(
                        pk,
                        person_sk,
                        settlement_id=new.settlement_id,
                        hospital_id=new.hospital_id,
                        visit_id=new.visit_id,
                        settled_at=new.settled_at,
                        body=new.body,
                    ),
                    condition=SettlementItem.pk.does_not_exist(),
                )
                if new.lines:  # a put after the settlement's: the error codes keep their places
                    tx.save(
                        SettlementBillItem(
                            pk,
                            f"{BILL_PREFIX}{new.settlement_id}",
                            lines=json.dumps(new.lines, ensure_ascii=False),
                        )
                    )
                # version=None: the year's first figures (save() checks they do not exist)
                tx.save(
                    YtdItem(
                        pk,
                        f"{YTD_PREFIX}{new.year}",
                        **_version(subject.ytd_version),
                        **cast(dict[str, Any], new.ytd_after),
                    )
                )
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
        except TransactWriteError as exc:
            codes = _cancelled(exc)
            # condition checks go first (the family link's guard), then puts in call order:
            # the visit key is the first put
            visit = 1 if family is not None else 0
            if len(codes) > visit and codes[visit] == "ConditionalCheckFailed":
                raise VisitAlreadySettled() from None
            if "ConditionalCheckFailed" in codes:
                raise StaleFigures() from None
            raise

    def find_by_visit(self, hospital_id: str, visit_id: str) -> SettlementKey | None:
        try:
            return _key(
                SettlementKeyItem.get(
                    f"VISIT#{hospital_id}#{visit_id}", "VISIT", consistent_read=True
                )
            )
        except SettlementKeyItem.DoesNotExist:
            return None

    def find_by_id(self, settlement_id: str) -> SettlementKey | None:
        try:
            return _key(
                SettlementKeyItem.get(
                    f"SETTLEMENT#{settlement_id}", "SETTLEMENT", consistent_read=True
                )
            )
        except SettlementKeyItem.DoesNotExist:
            return None

    def body(self, key: SettlementKey) -> dict[str, Any]:
        item = SettlementItem.get(person_pk(key.person_id), key.person_sk, consistent_read=True)
        body: dict[str, Any] = json.loads(item.body)
        body["status"] = item.status
        if item.reversed_at:
            body["reversed_at"] = item.reversed_at
        return body

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
        try:
            with TransactWrite(connection=transaction_connection()) as tx:
                tx.update(
                    SettlementKeyItem(f"SETTLEMENT#{key.settlement_id}", "SETTLEMENT"),
                    actions=[SettlementKeyItem.status.set("reversed")],
                    condition=settled,
                )
                tx.update(
                    SettlementKeyItem(f"VISIT#{key.hospital_id}#{visit_id}", "VISIT"),
                    actions=[SettlementKeyItem.status.set("reversed")],
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
                tx.save(
                    YtdItem(
                        pk,
                        f"{YTD_PREFIX}{year}",
                        **_version(subject.ytd_version),
                        **cast(dict[str, Any], ytd_after),
                    )
                )
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
            if "ConditionalCheckFailed" in codes[puts : puts + 3]:
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
            item = SettlementItem.from_raw_data(data)
            body: dict[str, Any] = json.loads(item.body)
            body["status"] = item.status
            if item.reversed_at:
                body["reversed_at"] = item.reversed_at
            found.append(body)
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
