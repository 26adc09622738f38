"""Settlement budgets, as ratios measured in this run.

- ``settle()`` with ``parse_bill`` from a 30-item bill's JSON text, as a ratio to
  ``json.loads`` of the same text plus a Decimal parse and sum of its amounts (budget 5).
- Settlements per second through the API on the local stack (in-process gateway,
  moto server over HTTP), and the DynamoDB requests each one makes
  (budget: one read batch and one transaction).
"""

from __future__ import annotations

import statistics
import timeit
import uuid
from typing import Any

from bench.verdict import Budgets


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


def engine_figures(rounds: int = 9, number: int = 100, repeat: int = 5) -> dict[str, Any]:
    """``settle()`` with ``parse_bill`` from the bill's JSON text, against ``json.loads``
    of the same text plus a Decimal parse and sum of its amounts (interleaved rounds).

    Each round takes the best of ``repeat`` timings of each side: on a shared machine
    the other processes only ever add time, and they add it to one side more than the
    other (one timing each per round gave ratios from 3.5 to 7 for the same code)."""
    import json
    from decimal import Decimal

    from chalicelib.rules.bill import parse_bill
    from chalicelib.rules.policy import policy_in_force
    from chalicelib.rules.settlement import settle

    text = json.dumps(thirty_item_bill())
    bill = parse_bill(json.loads(text))
    policy = policy_in_force(bill.region, bill.date)

    def baseline() -> Decimal:
        data = json.loads(text)
        return sum((Decimal(item["amount"]) for item in data["items"]), Decimal(0))

    def settled() -> object:
        return settle(policy, parse_bill(json.loads(text)))

    def answered() -> object:  # the lines' words are made when the answer is built
        return settle(policy, parse_bill(json.loads(text))).to_json()

    engine, base, answer = [], [], []
    def best(run: Any, times: int) -> float:
        return min(timeit.repeat(run, number=times, repeat=repeat)) / times

    for _ in range(rounds):  # interleaved, so that all see the same machine
        engine.append(best(settled, number))
        base.append(best(baseline, number * 10))
        answer.append(best(answered, number))
    return {
        "settle_us": statistics.median(engine) * 1e6,
        "baseline_us": statistics.median(base) * 1e6,
        "answer_us": statistics.median(answer) * 1e6,
        "ratios": [e / b for e, b in zip(engine, base, strict=True)],
        "answer_ratios": [a / b for a, b in zip(answer, base, strict=True)],
    }


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
    return {
        "per_second": count / elapsed,
        "ms_each": elapsed / count * 1000,
        "transactions": max(r.get("TransactWriteItems", 0) for r in requests),
        "reads": max(sum(v for k, v in r.items() if k != "TransactWriteItems") for r in requests),
    }


def report(budgets: Budgets) -> None:
    """Print the engine's budget (``settle()`` with ``parse_bill``) and the ``to_json`` figure."""
    engine = engine_figures()
    print("settle() incl. parse_bill from a 30-item bill's JSON text, 9 rounds (best of 5 each)")
    print(
        f"  settle: {engine['settle_us']:.1f} µs; json.loads + Decimal sum: "
        f"{engine['baseline_us']:.1f} µs (medians)"
    )
    budgets.ratio("settle / (json.loads + Decimal sum)", engine["ratios"], 5)
    answer = statistics.median(engine["answer_ratios"])
    print(
        f"  with the answer built (to_json, where the lines' words are made): "
        f"{engine['answer_us']:.1f} µs, ratio {answer:.2f} (a figure, no budget)"
    )


def main() -> int:
    """``python -m bench.settlement``: the engine's budget alone (no local stack needed)."""
    budgets = Budgets()
    report(budgets)
    return budgets.summary()


if __name__ == "__main__":
    raise SystemExit(1 if main() else 0)
