"""参保证明 on DynamoDB: the sources read in one request, the proof written in one."""

from __future__ import annotations

import json
from typing import Any

from chalicelib import sessions
from chalicelib.adapters.dynamodb.faults import translate_faults
from chalicelib.adapters.dynamodb.ledgers import LedgerPage, year_pages
from chalicelib.adapters.dynamodb.models import (
    CONTRIBUTION_PAGE,
    PROFILE_SK,
    PersonItem,
    ProofItem,
)
from chalicelib.adapters.dynamodb.persons import to_person
from chalicelib.adapters.dynamodb.sessions import batch_get_own
from chalicelib.ports import Person

SK = "PROOF"


@translate_faults
@sessions.guarded
class DynamoProofStore:
    @sessions.brings_check
    def sources(
        self, person_id: str, years: range
    ) -> tuple[Person, dict[int, LedgerPage]] | None:
        """The profile and the contribution pages of those years: one BatchGetItem (with
        the session's revocation record while unchecked)."""
        sks = [PROFILE_SK] + [f"{CONTRIBUTION_PAGE}{year}" for year in years]
        found = batch_get_own(person_id, sks)
        person = None
        pages: list[dict[str, Any]] = []
        for data in found:
            if data["sk"]["S"] == PROFILE_SK:
                person = to_person(PersonItem.from_raw_data(data))
            else:
                pages.append(data)
        return (person, year_pages(pages, CONTRIBUTION_PAGE)) if person else None

    def save(
        self,
        code: str,
        person_id: str,
        facts: dict[str, Any],
        issued_at: str,
        valid_until: str,
        expires_at: int,
    ) -> None:
        ProofItem(
            f"PROOF#{code}",
            SK,
            person_id=person_id,
            facts=json.dumps(facts, ensure_ascii=False, separators=(",", ":")),
            issued_at=issued_at,
            valid_until=valid_until,
            ttl=expires_at,
        ).save(condition=ProofItem.pk.does_not_exist())

    def get(self, code: str) -> dict[str, Any] | None:
        try:
            item = ProofItem.get(f"PROOF#{code}", SK)
        except ProofItem.DoesNotExist:
            return None
        facts: dict[str, Any] = json.loads(item.facts)
        return {**facts, "issued_at": item.issued_at, "valid_until": item.valid_until}
