"""Helpers for the rules-layer tests: bills as JSON shapes, settled with the packaged policy."""

from __future__ import annotations

from typing import Any

from chalicelib.rules.bill import parse_bill
from chalicelib.rules.policy import Policy, policy_in_force
from chalicelib.rules.settlement import Settlement, settle


def a(amount: str, code: str = "A1", **extra: Any) -> dict[str, Any]:
    return {"code": code, "catalogue": "A", "amount": amount, **extra}


def b(amount: str, ratio: str, code: str = "B1", **extra: Any) -> dict[str, Any]:
    return {"code": code, "catalogue": "B", "amount": amount, "b_self_ratio": ratio, **extra}


def c(amount: str, code: str = "C1", **extra: Any) -> dict[str, Any]:
    return {"code": code, "catalogue": "C", "amount": amount, **extra}


def bill(
    *items: dict[str, Any],
    person: dict[str, Any] | None = None,
    visit: dict[str, Any] | None = None,
    date: str = "2024-05-01",
    **top: Any,
) -> dict[str, Any]:
    """A resident's level-2 in-county inpatient bill unless told otherwise."""
    return {
        "region": "990101",
        "date": date,
        "person": {"scheme": "resident", **(person or {})},
        "visit": {
            "kind": "inpatient",
            "hospital_level": 2,
            "location": "in_county",
            **(visit or {}),
        },
        "items": list(items) or [a("20000")],
        **top,
    }


def policy_for(doc: dict[str, Any]) -> Policy:
    parsed = parse_bill(doc)
    return policy_in_force(parsed.region, parsed.date)


def run(doc: dict[str, Any]) -> Settlement:
    parsed = parse_bill(doc)
    return settle(policy_in_force(parsed.region, parsed.date), parsed)


def out(doc: dict[str, Any]) -> dict[str, Any]:
    """The settlement's public JSON."""
    return run(doc).to_json()


def texts(result: dict[str, Any]) -> str:
    return "\n".join(f"{x['text_zh']} {x['text_en']}" for x in result["lines"])


def rules(result: dict[str, Any]) -> list[str]:
    return [x["rule"] for x in result["lines"]]
