"""FHIR R4 read views (issue 11 item 7) of what the other services already answer.

Each function maps the JSON a service returns (``get_me``, ``benefits``,
``my_settlements``) to FHIR resources in a searchset Bundle: values in, values out, no
store of its own. ``subject`` is the id the caller may see of the person (an app's
pairwise subject, or the person's own id in the portal). Money is ``CNY`` with two
decimals; times keep the settlement's offset (+08:00).
"""

from __future__ import annotations

from typing import Any

FHIR_VERSION = "4.0.1"
CODES = "https://yibao.example/fhir/CodeSystem"
CONTENT_TYPE = "application/fhir+json; charset=utf-8"

# The funds of a settlement (DOMAIN.md §7), as EOB adjudication categories.
FUNDS: dict[str, tuple[str, str]] = {
    "basic": ("基本医疗保险统筹基金", "Basic insurance pooling fund"),
    "critical_illness": ("大病保险", "Critical illness insurance"),
    "medical_assistance": ("医疗救助", "Medical assistance"),
    "safety_net": ("兜底保障", "Safety net"),
    "account": ("个人账户", "Personal account"),
    "family_account": ("家庭共济", "Family account"),
    "cash": ("个人现金支付", "Paid in cash"),
}
LAYERS = ("inpatient", "outpatient", "chronic_outpatient")


def _money(value: str | None) -> dict[str, Any]:
    return {"value": float(value or "0"), "currency": "CNY"}


def _coding(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": f"{CODES}/{system}", "code": code, "display": display}],
            "text": display}


def bundle(resources: list[dict[str, Any]], self_url: str, next_url: str | None = None
           ) -> dict[str, Any]:
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "link": links,
        "entry": [
            {"fullUrl": f"{r['resourceType']}/{r['id']}", "resource": r,
             "search": {"mode": "match"}}
            for r in resources
        ],
    }


def patient(me: dict[str, Any], subject: str, masked_name: str) -> dict[str, Any]:
    """Patient, masked: the name as 张*, the sex, the birth year; no ID number, no phone."""
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": subject,
        "active": me.get("status") == "active",
        "name": [{"text": masked_name}],
    }
    if me.get("sex") in ("female", "male"):
        resource["gender"] = me["sex"]
    if me.get("birth_date"):
        resource["birthDate"] = str(me["birth_date"])[:4]
    return resource


def coverage(me: dict[str, Any], subject: str) -> dict[str, Any]:
    """Coverage: the scheme, its status (only 正常参保 is active), the period."""
    label = me.get("scheme_label") or {}
    region = me.get("region") or {}
    resource: dict[str, Any] = {
        "resourceType": "Coverage",
        "id": f"cov-{subject}",
        # suspended or ended insurance is never shown as active
        "status": "active" if me.get("status") == "active" else "cancelled",
        "type": _coding("scheme", str(me.get("scheme")), str(label.get("zh", ""))),
        "beneficiary": {"reference": f"Patient/{subject}"},
        "payor": [{"display": f"{region.get('name_zh', '')}医疗保障局"}],
        "period": {"start": str(me.get("insured_since") or "")[:10]} if me.get("insured_since")
        else None,
        "extension": [{
            "url": f"{CODES}/insurance-status",
            "valueCodeableConcept": _coding(
                "insurance-status", str(me.get("status")),
                str((me.get("status_label") or {}).get("zh", ""))),
        }],
    }
    return {k: v for k, v in resource.items() if v is not None}


def eligibility(benefits: dict[str, Any], subject: str, created: str) -> dict[str, Any]:
    """CoverageEligibilityResponse: each annual benefit, allowed, used and left, per layer."""
    items = []
    for layer in LAYERS:
        cap = (benefits.get("caps") or {}).get(layer)
        if not cap:
            continue
        items.append({
            "category": _coding("benefit-layer", layer, str(cap.get("label_zh", layer))),
            "description": cap.get("text_zh"),
            "benefit": [
                {"type": _coding("benefit-type", "benefit", "年度限额"),
                 "allowedMoney": _money(cap.get("cap")), "usedMoney": _money(cap.get("used"))},
                {"type": _coding("benefit-type", "remaining", "还可支付"),
                 "allowedMoney": _money(cap.get("left"))},
            ],
        })
    critical = benefits.get("critical_illness")
    if critical:
        items.append({
            "category": _coding("benefit-layer", "critical_illness",
                                str(critical.get("label_zh", ""))),
            "description": critical.get("text_zh"),
            "benefit": [
                {"type": _coding("benefit-type", "threshold", "起付标准"),
                 "allowedMoney": _money(critical.get("threshold")),
                 "usedMoney": _money(critical.get("burden"))},
                {"type": _coding("benefit-type", "remaining", "距起付还差"),
                 "allowedMoney": _money(critical.get("until_paying"))},
            ],
        })
    year = benefits.get("year")
    return {
        "resourceType": "CoverageEligibilityResponse",
        "id": f"elig-{subject}-{year}",
        "status": "active",
        "purpose": ["benefits"],
        "patient": {"reference": f"Patient/{subject}"},
        "servicedPeriod": {"start": f"{year}-01-01", "end": f"{year}-12-31"},
        "created": created,
        "request": {"display": "GET /v1/fhir/CoverageEligibilityResponse"},
        "outcome": "complete",
        "insurer": {"display": "医疗保障局"},
        "insurance": [{"coverage": {"reference": f"Coverage/cov-{subject}"}, "inforce": True,
                       "item": items}],
    }


CATALOGUE_CLASSES: dict[str, tuple[str, str]] = {
    "A": ("甲类", "Catalogue A: in policy"),
    "B": ("乙类", "Catalogue B: in policy after its self-pay share"),
    "C": ("丙类", "Catalogue C: out of policy"),
}


def _bill_items(lines: list[tuple[str, str, int]]) -> list[dict[str, Any]]:
    """The bill's lines as EOB items: the item code, its catalogue class (甲/乙/丙类) as the
    item's category (CodeSystem ``catalogue-class``), the amount."""
    return [
        {
            "sequence": n + 1,
            "category": _coding("catalogue-class", catalogue,
                                CATALOGUE_CLASSES.get(catalogue, (catalogue, catalogue))[0]),
            "productOrService": {"coding": [{"system": f"{CODES}/item", "code": code}],
                                 "text": code},
            "net": {"value": fen / 100, "currency": "CNY"},
        }
        for n, (code, catalogue, fen) in enumerate(lines)
    ]


def explanation_of_benefit(s: dict[str, Any], subject: str,
                           lines: list[tuple[str, str, int]] | None = None) -> dict[str, Any]:
    """ExplanationOfBenefit: one settlement, each fund a header adjudication, each line of
    the bill an item with its catalogue class (``lines``: none kept for settlements from
    before lines were stored, which render without items)."""
    parts: dict[str, str] = s.get("parts") or {}
    adjudication = [
        {"category": _coding("fund", fund, FUNDS.get(fund, (fund, fund))[0]),
         "amount": _money(amount)}
        for fund, amount in parts.items()
    ]
    adjudication += [
        {"category": _coding("adjudication", "in_policy", "政策范围内费用"),
         "amount": _money(s.get("in_policy"))},
        {"category": _coding("adjudication", "deductible", "起付线"),
         "amount": _money(s.get("deductible"))},
        {"category": _coding("adjudication", "out_of_policy", "政策范围外费用"),
         "amount": _money(s.get("out_of_policy"))},
    ]
    visit = s.get("visit") or {}
    kind = str(visit.get("kind", "visit"))
    paid = sum(float(v) for k, v in parts.items() if k not in ("cash",))
    resource = {
        "resourceType": "ExplanationOfBenefit",
        "id": str(s["settlement_id"]),
        "meta": {"lastUpdated": s["settled_at"]},
        "status": "active" if s.get("status") == "settled" else "cancelled",
        "type": _coding("visit-kind", kind, {"inpatient": "住院", "outpatient": "门诊"}.get(
            kind, kind)),
        "use": "claim",
        "patient": {"reference": f"Patient/{subject}"},
        "created": s["settled_at"],
        "insurer": {"display": "医疗保障局"},
        "provider": {"identifier": {"system": f"{CODES}/hospital", "value": s["hospital_id"]}},
        "outcome": "complete",
        "insurance": [{"focal": True, "coverage": {"reference": f"Coverage/cov-{subject}"}}],
        "item": _bill_items(lines or []),
        "adjudication": adjudication,
        "total": [
            {"category": _coding("adjudication", "submitted", "医疗费用合计"),
             "amount": _money(s.get("total"))},
            {"category": _coding("adjudication", "benefit", "医保支付"),
             "amount": {"value": round(paid, 2), "currency": "CNY"}},
        ],
        "payment": {"amount": _money(parts.get("cash", "0"))},
        "processNote": [{"number": n + 1, "text": line["text_zh"]}
                        for n, line in enumerate(s.get("lines") or []) if line.get("text_zh")],
    }
    return {k: v for k, v in resource.items() if v != []}


def capability_statement(now: str) -> dict[str, Any]:
    """What the FHIR views offer (GET /v1/fhir/metadata)."""
    def resource(kind: str, params: list[tuple[str, str]]) -> dict[str, Any]:
        return {"type": kind, "interaction": [{"code": "search-type"}],
                "searchParam": [{"name": n, "type": t} for n, t in params]}

    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": now,
        "publisher": "Yibao 医保自助",
        "kind": "instance",
        "implementation": {"description": "FHIR R4 read views of the person's own data, "
                                          "for apps with the person's consent (OAuth 2.0)"},
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json"],
        "rest": [{
            "mode": "server",
            "security": {
                "service": [{"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                    "code": "SMART-on-FHIR"}]}],
                "description": "OAuth 2.0 authorization code with PKCE S256: "
                               "/v1/oauth/authorize, /v1/oauth/token; scopes as in the API.",
            },
            "resource": [
                resource("Patient", []),
                resource("Coverage", []),
                resource("CoverageEligibilityResponse", []),
                resource("ExplanationOfBenefit", [("_lastUpdated", "date"),
                                                  ("_count", "number")]),
            ],
        }],
    }
