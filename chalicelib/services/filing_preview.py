"""备案前算一算：before filing, what a filing would change on an example bill and on the
person's own last settlement (its amounts settled again in the filed city). Nothing is
written; the person and the last settlement are read (two requests)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chalicelib import errors
from chalicelib.rules import filing as rules
from chalicelib.rules import places
from chalicelib.rules.explain import LEVEL_ZH
from chalicelib.rules.filing import FilingRefused
from chalicelib.rules.money import format_fen, parse_yuan
from chalicelib.rules.policy import policy_in_force
from chalicelib.services.filing_effects import compare, effect_text, money_en, money_zh
from chalicelib.services.filing_views import label
from chalicelib.services.filings import FilingContext, destination_of, filing_rules, problem_of

EXAMPLE_BILL = [{"code": "EXAMPLE", "catalogue": "A", "amount": "20000.00"}]
EXAMPLE_VISIT: dict[str, Any] = {"kind": "inpatient", "hospital_level": 3}


def preview(ctx: FilingContext, person_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """备案前算一算：what this filing changes on an example bill and on my last settlement."""
    from chalicelib.services.settlements import what_if

    now = ctx.clock.now()
    today = now.date()
    subject = ctx.settlement_store.load_subject(person_id, now.year)
    if subject is None:
        raise errors.NotFound("No insured person for this sign-in.", "没有找到您的参保信息。")
    person = subject.person
    policy = policy_in_force(person.region, today)
    policy_rules = filing_rules(person.region, today)
    try:
        category = rules.category_for(policy_rules, body["category"], person.scheme, person.retired)
    except FilingRefused as exc:
        raise problem_of(exc) from None
    destination = destination_of(body["province"], body["city"], person.region)
    location = places.location_for(destination.code, person.region)
    no_filings = replace(subject, filings=())

    def effect(visit: dict[str, Any], items: list[Any]) -> dict[str, Any]:
        def run(v: dict[str, Any]) -> Any:
            return what_if(no_filings, v, items, now)

        rows = compare(run, policy, visit, person.scheme, person.retired)
        mine = next(r for r in rows if r["settles_as"] == category.settles_as)
        without = next(r for r in rows if r["settles_as"] == "none")
        saved = without["pays"] - mine["pays"]
        return {
            "visit": visit,
            "total": _total(items),
            "without_filing_pays": format_fen(without["pays"]),
            "with_filing_pays": format_fen(mine["pays"]),
            "saves": format_fen(saved),
            "text_zh": _saved_zh(saved, without["pays"], mine["pays"]),
            "text_en": _saved_en(saved, without["pays"], mine["pays"]),
            "all_zh": effect_text(rows)[0],
            "all_en": effect_text(rows)[1],
        }

    example = effect({**EXAMPLE_VISIT, "location": location}, EXAMPLE_BILL)
    last = _last_settlement(ctx, person_id)
    mine = None
    if last is not None:
        visit, items, settled_at = last
        mine = {**effect({**visit, "location": location}, items), "settled_at": settled_at}
    city_zh, city_en = destination.name_zh, destination.name_en
    level, cost = EXAMPLE_VISIT["hospital_level"], parse_yuan(example["total"])
    return {
        "category": category.id,
        "category_label": label(rules.CATEGORY_LABELS, category.id),
        "destination": destination.to_json(),
        "location": location,
        "example": {
            **example,
            "about_zh": f"一次在{city_zh}{LEVEL_ZH[level]}医院住院、花费{money_zh(cost)}",
            "about_en": f"a stay in a level-{level} hospital in {city_en}, "
            f"costing {money_en(cost)}",
        },
        "last_settlement": mine,
    }


def _total(items: list[Any]) -> str:
    return format_fen(sum(parse_yuan(i["amount"]) for i in items))


def _saved_zh(saved: int, without: int, mine: int) -> str:
    if saved <= 0:
        return f"备案与否，您自己付的一样：约{money_zh(mine)}。"
    return f"未备案您约付{money_zh(without)}；备案后约付{money_zh(mine)}，少付{money_zh(saved)}。"


def _saved_en(saved: int, without: int, mine: int) -> str:
    if saved <= 0:
        return f"You would pay the same with or without this filing: about {money_en(mine)}."
    return (
        f"Without a filing you would pay about {money_en(without)}; with it about "
        f"{money_en(mine)}, {money_en(saved)} less."
    )


def _last_settlement(
    ctx: FilingContext, person_id: str
) -> tuple[dict[str, Any], list[dict[str, Any]], str] | None:
    """My last settlement's visit and its amounts as a bill (in policy, B's self-pay part,
    out of policy): enough to settle it again elsewhere. None without one that says its visit."""
    found, _ = ctx.settlement_store.list_for_person(person_id, 1, None)
    if not found or "visit" not in found[0] or found[0].get("status") != "settled":
        return None
    last = found[0]
    items = []
    if last["in_policy"] != "0.00":
        items.append({"code": "IN_POLICY", "catalogue": "A", "amount": last["in_policy"]})
    if last["self_first"] != "0.00":
        items.append(
            {"code": "B_SELF", "catalogue": "B", "amount": last["self_first"], "b_self_ratio": "1"}
        )
    if last["out_of_policy"] != "0.00":
        items.append({"code": "OUT", "catalogue": "C", "amount": last["out_of_policy"]})
    if not items:
        return None
    kept = ("kind", "hospital_level", "referral", "diagnoses")
    visit = {k: v for k, v in last["visit"].items() if k in kept}
    return visit, items, last["settled_at"]
