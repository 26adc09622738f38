"""DynamoDB requests of a settlement on every path, and the request overhead of the app.

Settlement paths (budget: one read batch and one transaction; a replay one read; a
reversal one read and one transaction): by person id, by card number, with family aid
(家庭共济, an active link), a replay (the same visit sent again), an estimate (reads
only), a reversal (冲正).

Request overhead: each citizen read and settlements of 30 and 300 items through the app
(the in-process gateway, as one Lambda) against the same DynamoDB requests made raw with
boto3 against the same server, interleaved in one run (budget ≤ 1.3). The clock runs from
the request's bytes to the answer's, as a Lambda's does: the hospital's own work (making
its bill and putting it into JSON, ~0.2 ms at 300 items) is done before. A settlement's
transaction, replayed raw, is refused by its conditions (the visit is already settled):
moto still checks every condition, so the raw figure is what the round trips cost.
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

from bench.settlement import thirty_item_bill

JSON = {"Content-Type": "application/json"}


def _bill_items(count: int) -> list[dict[str, Any]]:
    items = thirty_item_bill()["items"]
    return [dict(items[i % len(items)], code=f"I{i}") for i in range(count)]


def settlement_body(person_id: str, count: int = 30, **extra: Any) -> dict[str, Any]:
    return {
        "hospital_id": "H990101001",
        "visit_id": uuid.uuid4().hex,
        "person_id": person_id,
        "visit": thirty_item_bill()["visit"],
        "items": _bill_items(count),
        **extra,
    }


def _reads_and_transactions(meter: Any) -> tuple[int, int]:
    writes = meter.get("TransactWriteItems", 0)
    return sum(meter.values()) - writes, writes


def settlement_paths(
    api: Any,
    hospital_token: str,
    payer_token: str,
    relative: Any,
    relative_token: str,
    last_code: Callable[[str, str], str | None],
    pepper: str,
) -> dict[str, tuple[int, int]]:
    """(reads, transactions) of one settlement on each path (after one warm-up request)."""
    from chalicelib.services.auth import person_id_for
    from local.metering import dynamodb_requests

    pid = person_id_for(relative.id_number, pepper)
    _link(api, payer_token, relative, last_code)
    found: dict[str, tuple[int, int]] = {}

    def measured(label: str, method: str, path: str, body: Any, token: str) -> Any:
        with dynamodb_requests() as meter:
            reply = api.request(method, path, body, token=token)
        assert reply.status == 200, (label, reply.text)
        found[label] = _reads_and_transactions(meter)
        return reply.body

    api.post("/v1/settlements", settlement_body(pid), token=hospital_token)  # warm
    first = settlement_body(pid)
    settled = measured("by person id", "POST", "/v1/settlements", first, hospital_token)
    measured("replay (same visit again)", "POST", "/v1/settlements", first, hospital_token)
    by_card = settlement_body(pid)
    del by_card["person_id"]
    by_card["card_number"] = relative.card_number
    measured("by card number", "POST", "/v1/settlements", by_card, hospital_token)
    family = settlement_body(pid, use_family_account=True)
    aid = measured("with family aid", "POST", "/v1/settlements", family, hospital_token)
    assert aid["family_aid"].get("link_id"), aid["family_aid"]
    estimate = {"visit": first["visit"], "items": first["items"]}
    measured("estimate (citizen)", "POST", "/v1/me/estimates", estimate, relative_token)
    reversal = f"/v1/settlements/{settled['settlement_id']}/reversal"
    measured("reversal", "POST", reversal, None, hospital_token)
    return found


def _link(api: Any, payer_token: str, relative: Any, last_code: Any) -> None:
    """An active family link (家庭共济) from the payer to the relative, by SMS consent."""
    asked = api.post(
        "/v1/me/family",
        {"id_number": relative.id_number, "name": relative.name, "relation": "parent"},
        token=payer_token,
    )
    assert asked.status == 201, asked.text
    code = last_code(relative.phone, "家庭共济")
    done = api.post(
        f"/v1/me/family/{asked.body['link_id']}/consent", {"code": code}, token=payer_token
    )
    assert done.status == 200 and done.body["status"] == "active", done.text


def overhead(
    api: Any,
    hospital_token: str,
    citizen_token: str,
    citizen_reads: list[str],
    person_ids: list[str],
    rounds: int = 9,
) -> dict[str, list[float]]:
    """Ratios (app / raw boto3) per endpoint, ``rounds`` interleaved measurements each."""
    import boto3
    from botocore.exceptions import ClientError

    from chalicelib.config import settings
    from local.metering import dynamodb_requests

    s = settings()
    raw = boto3.client("dynamodb", endpoint_url=s.aws_endpoint, region_name=s.region)

    def replay(calls: list[tuple[str, dict[str, Any]]]) -> float:
        from botocore import xform_name

        started = time.perf_counter()
        for operation, kwargs in calls:
            # a settlement's transaction is refused: its visit is settled already
            with contextlib.suppress(ClientError):
                getattr(raw, xform_name(operation))(**kwargs)
        return time.perf_counter() - started

    def read(path: str) -> Callable[[], Callable[[], Any]]:
        return lambda: lambda: api.get(path, token=citizen_token)

    turn = iter(range(10**6))

    def settle(count: int) -> Callable[[], Callable[[], Any]]:
        def prepare() -> Callable[[], Any]:
            person_id = person_ids[next(turn) % len(person_ids)]  # spread, as hospitals do
            # the hospital's own work, before the clock: its bill made and put into JSON
            sent = json.dumps(settlement_body(person_id, count), ensure_ascii=False).encode()
            return lambda: api.request(
                "POST", "/v1/settlements", raw=sent, token=hospital_token, headers=JSON
            )

        return prepare

    ratios: dict[str, list[float]] = {}
    cases = [(f"GET {path}", read(path)) for path in citizen_reads]
    cases += [(f"POST /v1/settlements ({n} items)", settle(n)) for n in (30, 300)]
    for label, prepare in cases:
        prepare()()  # warm: the first of each pays for its imports
        ratios[label] = []
        for _ in range(rounds):
            call = prepare()
            with dynamodb_requests() as meter:
                started = time.perf_counter()
                reply = call()
                app = time.perf_counter() - started
            assert reply.status == 200, (label, reply.text)
            ratios[label].append(app / replay(meter.calls))
    return ratios
