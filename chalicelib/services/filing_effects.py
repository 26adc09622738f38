"""What a remote-care filing (异地就医备案) changes at settlement, in plain words.

At settlement and in estimates the filing comes from the store (the filing in force on
the visit day, read with the person in the settlement's one Query), never from the
caller's bill: :func:`at_settlement` sets ``visit.remote_filing`` and says what it did,
also when a bill claims a filing the person does not have. :func:`filing_effect` shows,
for care away from home, what each filing the person may make would change: the ratio
cut and about how much more they pay than with the best one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from chalicelib.ports import SettlementSubject
from chalicelib.rules import filing as filing_rules
from chalicelib.rules import places
from chalicelib.rules.basic import location_cut
from chalicelib.rules.explain import FILING_EN, FILING_ZH, pct
from chalicelib.rules.money import format_fen
from chalicelib.rules.policy import Policy, policy_in_force

Run = Callable[[dict[str, Any]], Any]  # visit -> rules.settlement.Settlement


def money_zh(fen: int) -> str:
    """``1,240.00 元``: the portal's one way of writing an amount."""
    return f"{_grouped(fen)} 元"


def money_en(fen: int) -> str:
    return f"{_grouped(fen)} yuan"


def _grouped(fen: int) -> str:
    whole, cents = format_fen(abs(fen)).split(".")
    return f"{'-' if fen < 0 else ''}{int(whole):,}.{cents}"


def place_names(city_code: str) -> tuple[str, str]:
    found = places.city(city_code)
    return (found.name_zh, found.name_en) if found else (city_code, city_code)


def _remote_json(
    at: filing_rules.AtVisit, claimed: str, hospital: places.Institution | None
) -> dict[str, Any] | None:
    if at.why == "in_county" and claimed == "none":
        return None
    found = at.filing
    body: dict[str, Any] = {
        "claimed": claimed,
        "applied": at.settles_as,
        "why": at.why,
        "filing_id": found.filing_id if found else None,
        "category": found.category if found else None,
    }
    if at.why == "in_county":
        zh = "本县就医，不涉及异地就医备案。"
        en = "Care in the county: no remote-care filing is involved."
    elif found is None:
        zh = "就医之日参保人没有有效的异地就医备案，按未备案结算。"
        en = (
            "On the day of care the person has no remote-care filing in force: settled as "
            "without one."
        )
        if claimed != "none":
            zh = f"账单写明“{FILING_ZH[claimed]}”，但{zh}"
            en = f"The bill claims {FILING_EN[claimed]}, but on the day of care the person has " + (
                "no remote-care filing in force: settled as without one."
            )
    else:
        category_zh, category_en = filing_rules.CATEGORY_LABELS[found.category]
        city_zh, city_en = place_names(found.city)
        span_zh, span_en = filing_rules.validity_text(found)
        if at.why == "applies":
            zh = f"按参保人的异地就医备案结算：{category_zh}，{city_zh}，{span_zh}。"
            en = (
                f"Settled with the person's remote-care filing: {category_en}, {city_en}, "
                f"{span_en}."
            )
        elif at.why == "other_city" and hospital is not None:
            here_zh, here_en = place_names(hospital.city)
            zh = (
                f"本次就医的医院在{here_zh}，不在备案地{city_zh}，按未备案结算。"
                "需要在这里就医的，请变更备案。"
            )
            en = (
                f"The hospital is in {here_en}, not in {city_en} where the filing is: settled as "
                "without a filing. To be treated here, change the filing."
            )
        else:
            zh = f"参保人的备案地是{city_zh}，本次就医地不在那里，按未备案结算。"
            en = (
                f"The person's filing is for {city_en}, not where this care was: settled as "
                "without one."
            )
    return {**body, "text_zh": zh, "text_en": en}


def at_settlement(
    subject: SettlementSubject, visit: dict[str, Any], hospital_id: str | None, day: date
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The visit as it settles (``remote_filing`` from the store) and what the answer says."""
    claimed = visit.get("remote_filing") or "none"
    hospital = places.institution(hospital_id) if hospital_id else None
    at = filing_rules.at_visit(
        subject.filings,
        day,
        visit["location"],
        subject.person.region,
        hospital.city if hospital else None,
    )
    return {**visit, "remote_filing": at.settles_as}, _remote_json(at, claimed, hospital)


def _options(policy: Policy, scheme: str, retired: bool) -> dict[str, list[str]]:
    """The filings this person may make, by what they settle as (in the policy's order)."""
    rules = policy.remote_filing
    found: dict[str, list[str]] = {}
    if rules is None:
        return found
    for category in rules.categories.values():
        if filing_rules.refusal_for(category, scheme, retired) is None:
            found.setdefault(category.settles_as, []).append(category.id)
    return found


def pays(result: Any) -> int:
    """What the person pays of a settlement (account and cash), in fen."""
    return int(result.total - result.hospital_borne - result.parts.funds)


def compare(
    run: Run, policy: Policy, visit: dict[str, Any], scheme: str, retired: bool
) -> list[dict[str, Any]]:
    """Each way the visit could settle: without a filing and with each the person may make,
    its ratio cut and what the person pays (fen), cheapest first."""
    referral = bool(visit.get("referral"))
    kinds = {"none": [], **_options(policy, scheme, retired)}
    rows = []
    for kind, categories in kinds.items():
        result = run({**visit, "remote_filing": kind})
        cut = location_cut(policy, visit["location"], referral, kind)
        row = {"settles_as": kind, "categories": categories, "cut": cut, "pays": pays(result)}
        rows.append(row)
    rows.sort(key=lambda r: (r["pays"], r["settles_as"] != "none"))
    return rows


def _names(categories: list[str], lang: int) -> str:
    names = (filing_rules.CATEGORY_LABELS[c][lang] for c in categories)
    return ("、" if lang == 0 else ", ").join(names)


def effect_text(rows: list[dict[str, Any]]) -> tuple[str, str]:
    """ "未备案：报销比例降低20个百分点，约多付1,240.00 元；备案为……后不降低。"."""
    best = min(r["pays"] for r in rows)
    zh, en = [], []
    for row in sorted(rows, key=lambda r: (r["settles_as"] != "none", r["cut"])):
        extra = row["pays"] - best
        if row["cut"]:
            cut_zh = f"报销比例降低{pct(row['cut'])}个百分点"
            cut_en = f"the ratio is {pct(row['cut'])} points lower"
        else:
            cut_zh, cut_en = "报销比例不降低", "the ratio is not lowered"
        more_zh = f"，约多付{money_zh(extra)}" if extra else ""
        more_en = f", about {money_en(extra)} more to pay" if extra else ""
        if row["settles_as"] == "none":
            zh.append(f"未备案：{cut_zh}{more_zh}")
            en.append(f"Without a filing {cut_en}{more_en}")
        else:
            zh.append(f"备案为{_names(row['categories'], 0)}：{cut_zh}{more_zh}")
            en.append(f"filed as {_names(row['categories'], 1)}, {cut_en}{more_en}")
    return "；".join(zh) + "。", "; ".join(en) + "."


def filing_effect(run: Run, subject: SettlementSubject, visit: dict[str, Any], day: date) -> Any:
    """For care away from home, what filing changes (None in county or without filing rules)."""
    if visit["location"] == "in_county":
        return None
    person = subject.person
    policy = policy_in_force(person.region, day)
    if policy.remote_filing is None:
        return None
    rows = compare(run, policy, visit, person.scheme, person.retired)
    zh, en = effect_text(rows)
    found = filing_rules.in_force(subject.filings, day)
    return {
        "applied": visit["remote_filing"],
        "filing_id": found.filing_id if found else None,
        "options": [
            {
                "settles_as": r["settles_as"],
                "categories": r["categories"],
                "cut_points": pct(r["cut"]),
                "patient_pays": format_fen(r["pays"]),
            }
            for r in rows
        ],
        "text_zh": zh,
        "text_en": en,
    }
