"""Card records on DynamoDB: one Query to read, one transaction per transition."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import sessions
from chalicelib.adapters.dynamodb.answers import answer_item, find_answer
from chalicelib.adapters.dynamodb.faults import translate_faults
from chalicelib.adapters.dynamodb.models import (
    CARD_EVENT_PREFIX,
    CARD_SK,
    CERTIFICATE_SK,
    PROFILE_SK,
    CardEventItem,
    CardIndexItem,
    CardItem,
    CertificateItem,
    IdempotencyItem,
    PersonItem,
    person_pk,
    transaction_connection,
)
from chalicelib.adapters.dynamodb.persons import me_items, to_person
from chalicelib.ports import (
    CardEvent,
    CardRecord,
    Certificate,
    DuplicateRequest,
    StaleCard,
    StoredAnswer,
)
from chalicelib.rules.card import Card


def _card(item: CardItem) -> Card:
    return Card(
        number=item.card_number,
        status=item.status,
        since=datetime.fromisoformat(item.status_since) if item.status_since else None,
        replacement_due=date.fromisoformat(item.replacement_due) if item.replacement_due else None,
        pickup=item.pickup,
        previous_number=item.previous_number,
    )


def _certificate(item: CertificateItem) -> Certificate:
    return Certificate(
        code=item.code,
        person_id=item.person_id,
        name_initial=item.name_initial,
        id_masked=item.id_masked,
        card_status=item.card_status,
        issued_at=item.issued_at,
        valid_until=item.valid_until,
    )


@translate_faults
@sessions.guarded
class DynamoCardRepository:
    @sessions.brings_check
    def load(self, person_id: str) -> CardRecord | None:
        person = card_item = certificate = None
        events: list[CardEvent] = []
        for data in me_items(person_id):
            sk = data["sk"]["S"]
            if sk == PROFILE_SK:
                person = to_person(PersonItem.from_raw_data(data))
            elif sk == CARD_SK:
                card_item = CardItem.from_raw_data(data)
            elif sk.startswith(CARD_EVENT_PREFIX):
                e = CardEventItem.from_raw_data(data)
                events.append(
                    CardEvent(e.at, e.action, e.before, e.after, e.channel, e.actor, e.request_id)
                )
            elif sk == CERTIFICATE_SK:
                certificate = _certificate(CertificateItem.from_raw_data(data))
        if person is None or card_item is None:
            return None
        return CardRecord(
            person=person,
            card=_card(card_item),
            version=int(card_item.version or 0),
            issued_on=card_item.issued_on,
            mail_address=card_item.mail_address,
            outlet_id=card_item.outlet_id,
            events=tuple(events),
            certificate=certificate,
        )

    def due_on(self, day: str) -> list[str]:
        """The persons whose card has something due on ``day`` (the sparse index)."""
        return [item.pk.removeprefix("PERSON#") for item in CardItem.by_lapse_day.query(day)]

    def find_answer(self, person_id: str, key: str) -> StoredAnswer | None:
        return find_answer(person_id, key)

    def save_transition(
        self,
        record: CardRecord,
        card: Card,
        event: CardEvent,
        answer: tuple[str, StoredAnswer] | None,
        mail_address: str | None = None,
        outlet_id: str | None = None,
        lapses_on: str | None = None,
    ) -> None:
        pk = person_pk(record.person.person_id)
        item = CardItem(
            pk,
            CARD_SK,
            card_number=card.number,
            status=card.status,
            # a replacement is a new card, issued the day it is made
            issued_on=record.issued_on if card.number == record.card.number else event.at[:10],
            status_since=card.since.isoformat() if card.since else None,
            replacement_due=card.replacement_due.isoformat() if card.replacement_due else None,
            pickup=card.pickup,
            outlet_id=outlet_id if outlet_id is not None else record.outlet_id,
            mail_address=mail_address if mail_address is not None else record.mail_address,
            previous_number=card.previous_number,
            lapse_day=lapses_on,
            version=record.version,  # save() checks it is unchanged, then adds one
        )
        try:
            with TransactWrite(connection=transaction_connection()) as tx:
                tx.save(item)
                tx.save(
                    CardEventItem(
                        pk,
                        # time order, and unique even when two events share a timestamp
                        f"{CARD_EVENT_PREFIX}{event.at}#{secrets.token_hex(4)}",
                        at=event.at,
                        action=event.action,
                        before=event.before,
                        after=event.after,
                        channel=event.channel,
                        actor=event.actor,
                        request_id=event.request_id,
                    ),
                    condition=CardEventItem.sk.does_not_exist(),
                )
                if answer is not None:
                    key, stored = answer
                    tx.save(
                        answer_item(
                            record.person.person_id, key, stored, int(datetime.now().timestamp())
                        ),
                        condition=IdempotencyItem.sk.does_not_exist(),
                    )
                if card.number != record.card.number:  # a replacement: its number settles
                    holder = record.person.person_id
                    tx.save(
                        CardIndexItem(f"CARD#{card.number}", "CARD", person_id=holder),
                        condition=CardIndexItem.pk.does_not_exist(),
                    )
        except TransactWriteError as exc:
            reasons = exc.cancellation_reasons or []
            codes = [r.code if r else None for r in reasons]
            # PynamoDB sends the puts in the order they were added (a number taken: stale).
            if answer is not None and len(codes) >= 3 and codes[2] == "ConditionalCheckFailed":
                raise DuplicateRequest() from None
            if "ConditionalCheckFailed" in codes:
                raise StaleCard() from None
            raise

    def save_certificate(self, certificate: Certificate, expires_at: int) -> None:
        fields: dict[str, Any] = dict(
            code=certificate.code,
            person_id=certificate.person_id,
            name_initial=certificate.name_initial,
            id_masked=certificate.id_masked,
            card_status=certificate.card_status,
            issued_at=certificate.issued_at,
            valid_until=certificate.valid_until,
            ttl=expires_at,
        )
        mine = CertificateItem(person_pk(certificate.person_id), CERTIFICATE_SK, **fields)
        public = CertificateItem(f"CERTIFICATE#{certificate.code}", "CERTIFICATE", **fields)
        with TransactWrite(connection=transaction_connection()) as tx:
            tx.save(mine)
            tx.save(public, condition=CertificateItem.pk.does_not_exist())

    def get_certificate(self, code: str) -> Certificate | None:
        try:
            item = CertificateItem.get(f"CERTIFICATE#{code}", "CERTIFICATE")
        except CertificateItem.DoesNotExist:
            return None
        return _certificate(item)
