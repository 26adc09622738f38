"""Person repository on DynamoDB: one Query per read."""

from __future__ import annotations

from typing import Any

from chalicelib import sessions
from chalicelib.adapters.dynamodb.faults import translate_faults
from chalicelib.adapters.dynamodb.models import (
    CARD_SK,
    ME_PREFIX,
    PROFILE_SK,
    CardItem,
    PersonItem,
    person_pk,
)
from chalicelib.adapters.dynamodb.sessions import get_own, revoked_in
from chalicelib.ports import Card, LoginContact, Person, PersonView


def to_person(item: PersonItem) -> Person:
    return Person(
        person_id=item.person_id,
        name=item.name,
        id_masked=item.id_masked,
        birth_date=item.birth_date,
        sex=item.sex,
        phone=item.phone,
        scheme=item.scheme,
        region=item.region,
        status=item.status,
        retired=bool(item.retired),
        groups=tuple(str(g) for g in (item.groups or ())),
        poverty_exit_year=int(item.poverty_exit_year) if item.poverty_exit_year else None,
        chronic=bool(item.chronic),
        employer=item.employer,
        insured_since=item.insured_since,
        tier_pct=float(item.tier_pct) if item.tier_pct is not None else None,
        years_met=bool(item.years_met),
    )


def me_items(person_id: str, *, consistent_read: bool = True) -> list[dict[str, Any]]:
    """The person's ``ME#`` items (profile, card, year figures, account, family links…) as
    raw DynamoDB data: the one Query behind every read of a person. It brings the
    person's signed-out tokens along and settles the request's session check with them
    (a consistent read then: a logout a moment ago must count)."""
    checking = sessions.wanted(person_id) is not None
    raw: dict[str, Any] = PersonItem._get_connection().query(
        person_pk(person_id),
        range_key_condition=PersonItem.sk.startswith(ME_PREFIX),
        consistent_read=consistent_read or checking,
    )
    items: list[dict[str, Any]] = raw.get("Items", [])
    return revoked_in(person_id, items, complete="LastEvaluatedKey" not in raw)


def to_card(item: CardItem) -> Card:
    return Card(number=item.card_number, status=item.status, issued_on=item.issued_on)


@translate_faults
@sessions.guarded
class DynamoPersonRepository:
    @sessions.brings_check
    def get_person(self, person_id: str) -> Person | None:
        found = get_own(person_id, PROFILE_SK)
        return to_person(PersonItem.from_raw_data(found)) if found else None

    def login_contact(self, person_id: str) -> LoginContact | None:
        """One GetItem of the profile's three attributes a login code needs."""
        raw: dict[str, Any] = PersonItem._get_connection().get_item(
            person_pk(person_id), PROFILE_SK, attributes_to_get=["person_id", "phone", "status"]
        )
        data = raw.get("Item")
        if not data:
            return None
        return LoginContact(data["person_id"]["S"], data["phone"]["S"], data["status"]["S"])

    @sessions.brings_check
    def get_view(self, person_id: str) -> PersonView | None:
        """The profile and the card in one Query (``sk`` begins with ``ME#``)."""
        person: Person | None = None
        card: Card | None = None
        for item in me_items(person_id):
            sk = item["sk"]["S"]
            if sk == PROFILE_SK:
                person = to_person(PersonItem.from_raw_data(item))
            elif sk == CARD_SK:
                card = to_card(CardItem.from_raw_data(item))
        return PersonView(person=person, card=card) if person else None
