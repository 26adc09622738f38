"""The demo ledgers on the local stack: balances reconcile, credits follow the rules."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from chalicelib.adapters.dynamodb.models import ACCOUNT_PAGE, CONTRIBUTION_PAGE, LedgerYearItem
from chalicelib.bootstrap import container
from chalicelib.config import settings
from chalicelib.demo import person
from chalicelib.demo_history import DEMO_PENSION_FEN, retirement_day
from chalicelib.reconcile import reconcile
from chalicelib.rules.account_credit import monthly_account_credit
from chalicelib.rules.policy import policy_in_force
from chalicelib.services.auth import person_id_for
from tests.conftest import token_for


@dataclass(frozen=True)
class Books:
    """One reconcile run over the whole table (a scan of the shared test table: ~25 s on a
    busy machine, so made once) after a settlement and its books, a logout, and one
    balance changed."""

    result: Any
    changed: str  # the person whose balance was changed behind the books' back
    signed_out: str  # the person who logged out (their token's record sits by the pages)


@pytest.fixture(scope="module")
def books(stack, api, hospital) -> Books:
    import uuid

    from chalicelib.adapters.dynamodb.models import (
        ACCOUNT_SESSION_REVOKED_PREFIX,
        ACCOUNT_SK,
        AccountItem,
        person_pk,
    )

    # A settlement's debit must keep the books straight too.
    p = stack.fresh_person(scheme="employee", retired=False, tier_pct=100.0)
    pid = person_id_for(p.id_number, settings().pepper)
    settled = api.post("/v1/settlements", {
        "hospital_id": hospital["id"], "visit_id": uuid.uuid4().hex, "person_id": pid,
        "visit": {"kind": "outpatient", "hospital_level": 1, "location": "in_county"},
        "items": [{"code": "X", "catalogue": "C", "amount": "66.60"}], "use_account": True,
    }, token=hospital["token"])
    assert settled.status == 200, settled.text
    # 退出登录 leaves a record of the token beside the account's pages (ACCOUNT#~…)
    out = stack.fresh_person(scheme="employee")
    out_pk = person_pk(person_id_for(out.id_number, settings().pepper))
    assert api.post("/v1/auth/logout", token=token_for(stack, api, out)).status == 204
    records = LedgerYearItem._get_connection().query(
        out_pk, range_key_condition=LedgerYearItem.sk.startswith(ACCOUNT_SESSION_REVOKED_PREFIX)
    )["Items"]
    assert len(records) == 1  # the record is there, among the account's items
    # one balance changed behind the books' back
    changed = stack.fresh_person(scheme="employee")
    changed_pk = person_pk(person_id_for(changed.id_number, settings().pepper))
    item = AccountItem.get(changed_pk, ACCOUNT_SK)
    item.update(actions=[AccountItem.balance.add(1)])
    container().bind_tables()
    try:
        result = reconcile(segments=3)
    finally:
        item.update(actions=[AccountItem.balance.add(-1)])
    return Books(result, changed_pk.removeprefix("PERSON#"), out_pk.removeprefix("PERSON#"))


def test_every_demo_account_balance_is_the_sum_of_its_lines(books):
    assert books.result.accounts > 50
    # the one changed balance is the only mismatch, and its summary the only stale one
    assert [m[0] for m in books.result.mismatches] == [books.changed]


def test_a_signed_out_persons_account_still_reconciles(books):
    """Reconcile counts only the statement, not the signed-out token's record."""
    assert books.signed_out not in {m[0] for m in books.result.mismatches}
    assert books.signed_out not in {m[0] for m in books.result.stale_summaries}


def test_a_changed_balance_is_caught(books):
    assert [m[0] for m in books.result.mismatches] == [books.changed]
    # the summary beside the balance was not changed with it: it is stale too
    assert [m[0] for m in books.result.stale_summaries] == [books.changed]


def test_stored_credits_equal_the_rules_recomputed(stack):
    checked = 0
    for i in range(5, 60):
        p = person(990101, i)
        if p.scheme != "employee":
            continue
        pk = f"PERSON#{person_id_for(p.id_number, settings().pepper)}"
        retire = retirement_day(p.birth_date, p.sex) if p.retired else None
        for year in (2011, 2013, 2021, 2022, 2026):
            try:
                account = LedgerYearItem.get(pk, f"{ACCOUNT_PAGE}{year}")
                contrib = LedgerYearItem.get(pk, f"{CONTRIBUTION_PAGE}{year}")
            except LedgerYearItem.DoesNotExist:
                continue
            bases = {c["period"]: c["detail"]["base"] for c in json.loads(contrib.lines)}
            for line in json.loads(account.lines):
                if line["kind"] != "credit" or line["period"] not in bases:
                    continue
                month = date.fromisoformat(line["period"] + "-01")
                expected = monthly_account_credit(
                    policy_in_force("990101", month), month=month, birth_date=p.birth_date,
                    contribution_base=bases[line["period"]], retirement_date=retire,
                    pension=DEMO_PENSION_FEN if retire else None,
                )
                assert line["amount"] == expected.amount, (p.name, line)
                checked += 1
    assert checked > 100
