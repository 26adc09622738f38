"""家庭共济 on DynamoDB: each side's link copy lives in its own partition.

A side is read with its profile and account in one Query (``ME#``); the two
copies change together in one transaction, each with its version. The relative's
``ME#FAMILY_PAYER`` item guards "one paying account at a time". Uses are lines
``FAMILY#<yyyy>#<at>#<ref>`` in both partitions, written in the transaction that
moves the money.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import sessions
from chalicelib.adapters.dynamodb.accounts import account_from_raw, book_line
from chalicelib.adapters.dynamodb.faults import translate_faults
from chalicelib.adapters.dynamodb.models import (
    ACCOUNT_SK,
    CONTRIBUTION_PAGE,
    FAMILY_LINK_PREFIX,
    FAMILY_PAYER_SK,
    FAMILY_USE_PREFIX,
    FAMILY_USE_SESSION_REVOKED_PREFIX,
    PROFILE_SK,
    FamilyLinkItem,
    FamilyPayerItem,
    FamilyUseItem,
    LedgerYearItem,
    PersonItem,
    person_pk,
    transaction_connection,
)
from chalicelib.adapters.dynamodb.persons import me_items, to_person
from chalicelib.adapters.dynamodb.sessions import newest_first
from chalicelib.ports import FamilySide, FamilyUse, LinkTaken, StaleLink, StoredLink
from chalicelib.rules.family import Link


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def to_link(item: FamilyLinkItem, person_id: str) -> StoredLink:
    link = Link(
        link_id=item.link_id,
        role=item.role,  # type: ignore[arg-type]
        relation=item.relation,  # type: ignore[arg-type]
        status=item.status,  # type: ignore[arg-type]
        other_name=item.other_name,
        created_at=datetime.fromisoformat(item.created_at),
        consented_at=_time(item.consented_at),
        ended_at=_time(item.ended_at),
        end_reason=item.end_reason,
    )
    return StoredLink(link, person_id, item.other_person_id, int(item.version or 0))


def link_from_raw(data: dict[str, Any], person_id: str) -> StoredLink | None:
    """A link copy from a raw ``ME#`` item, or None for any other item."""
    if not data["sk"]["S"].startswith(FAMILY_LINK_PREFIX):
        return None
    return to_link(FamilyLinkItem.from_raw_data(data), person_id)


def side_from_raw(items: list[dict[str, Any]], person_id: str) -> FamilySide | None:
    """A side from raw items of the person's partition: the ``ME#`` Query's, or the profile,
    the account and one link read by key (a settlement's, settlements.py)."""
    person = account = None
    links = []
    for data in items:
        sk = data["sk"]["S"]
        if sk == PROFILE_SK:
            person = to_person(PersonItem.from_raw_data(data))
        elif sk == ACCOUNT_SK:
            account = account_from_raw(data)
        else:
            found = link_from_raw(data, person_id)
            if found is not None:
                links.append(found)
    if person is None:
        return None
    links.sort(key=lambda s: s.link.created_at, reverse=True)
    if account is None:
        return FamilySide(person, None, None, tuple(links))
    return FamilySide(person, account.balance, account.version, tuple(links), account.summary)


def _item(stored: StoredLink) -> FamilyLinkItem:
    """The key of a link copy with the version it was read at (checked on update)."""
    return FamilyLinkItem(
        person_pk(stored.person_id),
        FAMILY_LINK_PREFIX + stored.link.link_id,
        version=stored.version,
    )


def _codes(exc: TransactWriteError) -> list[str | None]:
    return [r.code if r else None for r in (exc.cancellation_reasons or [])]


def _use_line(person_id: str, use: FamilyUse, *, payer: bool) -> FamilyUseItem:
    link = use.link.link if payer else use.relative_link.link
    return FamilyUseItem(
        person_pk(person_id),
        f"{FAMILY_USE_PREFIX}{use.at[:4]}#{use.at}#{use.ref}",
        at=use.at,
        link_id=link.link_id,
        role=link.role,
        kind=use.kind,
        amount=use.amount,
        relation=link.relation,
        other_name=link.other_name,
        ref=use.ref,
        text_zh=use.text_zh if payer else use.relative_text_zh,
        text_en=use.text_en if payer else use.relative_text_en,
    )


def add_use(tx: TransactWrite, use: FamilyUse, payer: FamilySide) -> None:
    """The payer's account change, its statement line and both family lines (into ``tx``)."""
    book_line(
        tx,
        person_pk(use.link.person_id),
        at=use.at,
        kind="family",
        amount=-use.amount,
        ref=use.ref,
        detail={
            "link_id": use.link.link.link_id,
            "text_zh": use.text_zh,
            "text_en": use.text_en,
        },
        balance_before=payer.account_balance or 0,
        version=payer.account_version or 0,
        summary=payer.account_summary,
    )
    tx.save(_use_line(use.link.person_id, use, payer=True))
    tx.save(_use_line(use.relative_link.person_id, use, payer=False))


@translate_faults
@sessions.guarded
class DynamoFamilyRepository:
    @sessions.brings_check
    def side(self, person_id: str) -> FamilySide | None:
        """Profile, account and links of one person: one Query of ``ME#``."""
        return side_from_raw(me_items(person_id), person_id)

    def create(self, payer: StoredLink, relative: StoredLink | None) -> None:
        """A new request: the payer's copy, and the relative's when the relative is insured."""
        with TransactWrite(connection=transaction_connection()) as tx:
            for side in (payer, relative):
                if side is None:
                    continue
                link = side.link
                tx.save(
                    FamilyLinkItem(
                        person_pk(side.person_id),
                        FAMILY_LINK_PREFIX + link.link_id,
                        link_id=link.link_id,
                        role=link.role,
                        relation=link.relation,
                        status=link.status,
                        other_person_id=side.other_person_id,
                        other_name=link.other_name,
                        created_at=link.created_at.isoformat(timespec="seconds"),
                    ),
                    condition=FamilyLinkItem.pk.does_not_exist(),
                )

    def activate(self, payer: StoredLink, relative: StoredLink, at: datetime) -> None:
        """Both copies pending → active, and the relative's one-payer guard, together."""
        when = at.isoformat(timespec="seconds")
        try:
            with TransactWrite(connection=transaction_connection()) as tx:
                tx.save(
                    FamilyPayerItem(
                        person_pk(relative.person_id),
                        FAMILY_PAYER_SK,
                        link_id=payer.link.link_id,
                        payer_person_id=payer.person_id,
                    ),
                    condition=FamilyPayerItem.pk.does_not_exist(),
                )
                for side in (payer, relative):
                    tx.update(
                        _item(side),
                        actions=[
                            FamilyLinkItem.status.set("active"),
                            FamilyLinkItem.consented_at.set(when),
                        ],
                        condition=FamilyLinkItem.status == "pending",
                    )
        except TransactWriteError as exc:
            codes = _codes(exc)
            failed = [code == "ConditionalCheckFailed" for code in codes]
            if failed[:1] == [True] and not any(failed[1:]):
                raise LinkTaken() from None  # the guard alone: another link is active
            if any(failed):
                raise StaleLink() from None  # this link changed (accepted meanwhile, ended)
            raise

    def end(self, sides: list[tuple[StoredLink, bool]], reason: str, at: datetime) -> None:
        """End link copies (``(copy, was_active)``); an active link frees the relative's guard."""
        when = at.isoformat(timespec="seconds")
        try:
            with TransactWrite(connection=transaction_connection()) as tx:
                self.add_end(tx, sides, reason, when)
        except TransactWriteError as exc:
            if "ConditionalCheckFailed" in _codes(exc):
                raise StaleLink() from None
            raise

    @staticmethod
    def add_end(
        tx: TransactWrite, sides: list[tuple[StoredLink, bool]], reason: str, when: str
    ) -> None:
        for side, was_active in sides:
            tx.update(
                _item(side),
                actions=[
                    FamilyLinkItem.status.set("ended"),
                    FamilyLinkItem.ended_at.set(when),
                    FamilyLinkItem.end_reason.set(reason),
                ],
                condition=FamilyLinkItem.status != "ended",
            )
            if was_active and side.link.role == "relative":
                tx.delete(
                    FamilyPayerItem(person_pk(side.person_id), FAMILY_PAYER_SK),
                    condition=FamilyPayerItem.link_id == side.link.link_id,
                )

    def pay_contribution(
        self,
        use: FamilyUse,
        payer: FamilySide,
        year: int,
        line: dict[str, Any],
    ) -> bool:
        """Pay a relative's resident contribution: account, both statements and the
        relative's year page, all or nothing. False when the year is already paid."""
        try:
            with TransactWrite(connection=transaction_connection()) as tx:
                tx.save(
                    LedgerYearItem(
                        person_pk(use.relative_link.person_id),
                        f"{CONTRIBUTION_PAGE}{year}",
                        lines=json.dumps([line], ensure_ascii=False, separators=(",", ":")),
                    ),
                    condition=LedgerYearItem.pk.does_not_exist() | (LedgerYearItem.lines == "[]"),
                )
                tx.condition_check(
                    FamilyLinkItem,
                    person_pk(use.link.person_id),
                    FAMILY_LINK_PREFIX + use.link.link.link_id,
                    condition=FamilyLinkItem.status == "active",
                )
                add_use(tx, use, payer)
        except TransactWriteError as exc:
            # PynamoDB sends condition checks, then puts (the year page first), then updates.
            codes = _codes(exc)
            if len(codes) > 1 and codes[1] == "ConditionalCheckFailed":
                return False
            if "ConditionalCheckFailed" in codes:
                raise StaleLink() from None
            raise
        return True

    @sessions.brings_check
    def uses(
        self, person_id: str, year: int, limit: int, after_sk: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One year of the person's family lines, newest first: one Query (the first page
        brings the session check along: adapters/dynamodb/sessions.py)."""
        items, last = newest_first(
            FamilyUseItem._get_connection(),
            person_id,
            f"{FAMILY_USE_PREFIX}{year}#",
            f"{FAMILY_USE_PREFIX}{year}#~",
            FAMILY_USE_SESSION_REVOKED_PREFIX,
            limit,
            after_sk,
        )
        found = []
        for data in items:
            item = FamilyUseItem.from_raw_data(data)
            found.append(
                {
                    "at": item.at,
                    "link_id": item.link_id,
                    "role": item.role,
                    "kind": item.kind,
                    "amount": int(item.amount),
                    "relation": item.relation,
                    "other_name": item.other_name,
                    "ref": item.ref,
                    "text_zh": item.text_zh,
                    "text_en": item.text_en,
                }
            )
        return found, last

    def set_status(
        self, person_id: str, status: str, links: list[tuple[StoredLink, bool]], at: datetime
    ) -> None:
        """Change a person's insurance status; when it ends, their links end with it."""
        try:
            with TransactWrite(connection=transaction_connection()) as tx:
                tx.update(
                    PersonItem(person_pk(person_id), PROFILE_SK),
                    actions=[PersonItem.status.set(status)],
                    condition=PersonItem.pk.exists(),
                )
                if links:
                    self.add_end(tx, links, "insurance_ended", at.isoformat(timespec="seconds"))
        except TransactWriteError as exc:
            if "ConditionalCheckFailed" in _codes(exc):
                raise StaleLink() from None  # a link changed meanwhile: read again
            raise
