"""A check the account tests share: the summary kept on the account item answers exactly
what the whole statement answers, in one small read."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.dynamodb.models import ACCOUNT_SK, AccountItem, person_pk
from chalicelib.ops.account_summaries import fill
from local.metering import dynamodb_requests

SMALL = 4096  # bytes: the account read's budget


def assert_summary_is_the_statements(api: Any, token: str, person_id: str) -> dict[str, Any]:
    """GET /v1/me/account from the summary; then, with the summary taken off the item (an
    account not yet migrated), from its pages; then after the backfill: all three agree."""
    with dynamodb_requests() as meter:
        kept = api.get("/v1/me/account", token=token)
    assert kept.status == 200, kept.text
    assert sum(meter.values()) == 1 and meter.bytes_read <= SMALL, (dict(meter), meter.bytes_read)
    # the low-level update leaves the version alone: the item looks as it did before summaries
    AccountItem._get_connection().update_item(
        person_pk(person_id), ACCOUNT_SK, actions=[AccountItem.summary.remove()]
    )
    with dynamodb_requests() as meter:
        summed = api.get("/v1/me/account", token=token)
    assert summed.status == 200 and meter["Query"] == 1  # the statement's pages, summed
    assert summed.body == kept.body
    assert fill(person_id) is True and fill(person_id) is False  # once, then nothing to do
    with dynamodb_requests() as meter:
        filled = api.get("/v1/me/account", token=token)
    assert sum(meter.values()) == 1 and filled.body == kept.body
    return dict(kept.body)
