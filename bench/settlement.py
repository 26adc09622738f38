"""Settlement budgets, as ratios measured in this run.

- ``settle()`` on a 30-item bill, µs per settlement, and as a ratio to a pass that
  only sums the same items (parsing included in neither).
- Settlements per second through the API on the local stack (in-process gateway,
  moto server over HTTP), and the DynamoDB requests each one makes
  (budget: one read batch and one transaction).
"""

from __future__ import annotations

import statistics
import timeit
import uuid
from typing import Any


def thirty_item_bill() -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    for i in range(30):
        kind = ("A", "B", "C")[i % 3]
        item: dict[str, Any] = {"code": f"I{i}", "catalogue": kind, "amount": f"{150 + i * 37}.45"}
        if kind == "B":
            item["b_self_ratio"] = "0.1"
        if i == 7:
            item.update(material=True, consent=False, amount="800.00")
        items.append(item)
    return {
        "region": "990101",
        "date": "2026-06-01",
        "person": {"scheme": "resident", "groups": ["dibao"], "chronic": True},
        "visit": {
            "kind": "inpatient",
            "hospital_level": 2,
            "location": "in_county",
            "diagnoses": ["C34.9"],
        },
        "items": items,
        "ytd": {"basic_paid": "12000", "critical_burden": "2000"},
    }


def engine_figures(rounds: int = 7, number: int = 300) -> dict[str, float]:
    from chalicelib.rules.bill import parse_bill
    from chalicelib.rules.policy import policy_in_force
    from chalicelib.rules.settlement import settle

    bill = parse_bill(thirty_item_bill())
    policy = policy_in_force(bill.region, bill.date)

    def only_sum() -> int:
        return sum(item.amount for item in bill.items)

    def settled() -> object:
        return settle(policy, bill)

    engine, summing = [], []
    for _ in range(rounds):  # interleaved, so that both see the same machine
        engine.append(timeit.timeit(settled, number=number) / number)
        summing.append(timeit.timeit(only_sum, number=number * 10) / (number * 10))
    e, s = statistics.median(engine), statistics.median(summing)
    return {"settle_us": e * 1e6, "sum_us": s * 1e6, "ratio": e / s}


def api_figures(
    api: Any, hospital_token: str, person_ids: list[str], count: int = 60
) -> dict[str, float]:
    import time

    from local.metering import dynamodb_requests

    body = thirty_item_bill()
    requests: list[dict[str, int]] = []
    started = time.perf_counter()
    for i in range(count):
        payload = {
            "hospital_id": "H990101001",
            "person_id": person_ids[i % len(person_ids)],
            "visit_id": uuid.uuid4().hex,
            "visit": body["visit"],
            "items": body["items"],
        }
        with dynamodb_requests() as counter:
            reply = api.post("/v1/settlements", payload, token=hospital_token)
        assert reply.status == 200, reply.text
        requests.append(dict(counter))
    elapsed = time.perf_counter() - started
    per = requests[-1]
    return {
        "per_second": count / elapsed,
        "ms_each": elapsed / count * 1000,
        "queries": per.get("Query", 0),
        "transactions": per.get("TransactWriteItems", 0),
        "other": sum(v for k, v in per.items() if k not in ("Query", "TransactWriteItems")),
    }
