"""FHIR R4 read views (issue 11 item 7) on the local stack, each answer validated with
fhir.resources (its R4B models: R4's resources with R4's rules for these five)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.coverage import Coverage
from fhir.resources.R4B.coverageeligibilityresponse import CoverageEligibilityResponse
from fhir.resources.R4B.explanationofbenefit import ExplanationOfBenefit
from fhir.resources.R4B.patient import Patient

from chalicelib.config import settings
from chalicelib.services.auth import person_id_for
from tests.api.oauth_flow import connect, register
from tests.browser.pages import settle

MODELS = {
    "Patient": Patient,
    "Coverage": Coverage,
    "CoverageEligibilityResponse": CoverageEligibilityResponse,
    "ExplanationOfBenefit": ExplanationOfBenefit,
}
SCOPES = ["profile:read", "benefits:read", "settlements:read"]


@pytest.fixture(scope="module")
def fhir_app(stack):
    return register(SCOPES, name="FHIR示范应用")


def read(api, path: str, token: str) -> dict[str, Any]:
    reply = api.get(path, token=token)
    assert reply.status == 200, reply.text
    assert reply.content_type.startswith("application/fhir+json")
    body = json.loads(reply.text)
    Bundle.model_validate(body)  # the Bundle and, inside it, every resource's R4B rules
    for entry in body["entry"]:
        MODELS[entry["resource"]["resourceType"]].model_validate(entry["resource"])
    return body


def resources(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["resource"] for e in body["entry"]]


def test_the_capability_statement_needs_no_token_and_is_valid(api):
    reply = api.get("/v1/fhir/metadata")
    assert reply.status == 200 and reply.content_type.startswith("application/fhir+json")
    statement = CapabilityStatement.model_validate(json.loads(reply.text))
    assert statement.fhirVersion == "4.0.1"
    kinds = {r.type for r in statement.rest[0].resource}
    assert kinds == set(MODELS)


def test_patient_is_masked_and_is_the_apps_pairwise_subject(stack, api, login, fhir_app):
    p = stack.fresh_person()
    answer = connect(api, login(p), fhir_app, SCOPES)
    body = read(api, "/v1/fhir/Patient", answer["access_token"])
    (patient,) = resources(body)
    assert patient["id"] == answer["patient"]
    assert patient["name"][0]["text"] == p.name[0] + "*" * (len(p.name) - 1)
    text = json.dumps(body, ensure_ascii=False)
    assert p.id_number not in text and p.phone not in text and p.name not in text
    assert person_id_for(p.id_number, settings().pepper) not in text


def test_coverage_is_active_only_while_insured(stack, api, login, fhir_app):
    from chalicelib.bootstrap import container
    from chalicelib.services.family import change_insurance_status

    p = stack.fresh_person()
    token = connect(api, login(p), fhir_app, SCOPES)["access_token"]
    (coverage,) = resources(read(api, "/v1/fhir/Coverage", token))
    assert coverage["status"] == "active" and coverage["period"]["start"]
    change_insurance_status(container().family(), person_id_for(p.id_number, settings().pepper),
                            "ended")
    (ended,) = resources(read(api, "/v1/fhir/Coverage", token))
    assert ended["status"] == "cancelled"  # expired is never shown as active


def test_eligibility_has_each_layers_allowed_used_and_left(stack, api, login, fhir_app,
                                                           hospital):
    p = stack.fresh_person()
    settle(hospital, p)
    own = login(p)
    token = connect(api, own, fhir_app, SCOPES)["access_token"]
    (response,) = resources(read(api, "/v1/fhir/CoverageEligibilityResponse", token))
    benefits = api.get("/v1/me/benefits", token=own).body
    items = {i["category"]["coding"][0]["code"]: i for i in response["insurance"][0]["item"]}
    inpatient = items["inpatient"]["benefit"]
    cap = benefits["caps"]["inpatient"]
    assert inpatient[0]["allowedMoney"]["value"] == float(cap["cap"])
    assert inpatient[0]["usedMoney"]["value"] == float(cap["used"]) > 0
    assert inpatient[1]["allowedMoney"]["value"] == float(cap["left"])
    assert "critical_illness" in items


def test_each_settlement_is_an_eob_with_each_fund_paged_and_filtered(
    stack, api, login, fhir_app, hospital
):
    p = stack.fresh_person()
    first = settle(hospital, p, amount="12000")
    second = settle(hospital, p, amount="3000")
    token = connect(api, login(p), fhir_app, SCOPES)["access_token"]
    page = read(api, "/v1/fhir/ExplanationOfBenefit?_count=1", token)
    (newest,) = resources(page)
    assert newest["id"] == second["settlement_id"]
    funds = {a["category"]["coding"][0]["code"]: a["amount"]["value"]
             for a in newest["item"][0]["adjudication"]}
    assert funds["basic"] == float(second["parts"]["basic"])
    assert funds["cash"] == float(second["parts"]["cash"])
    assert newest["payment"]["amount"]["value"] == float(second["parts"]["cash"])
    link = next(li["url"] for li in page["link"] if li["relation"] == "next")
    (older,) = resources(read(api, link, token))
    assert older["id"] == first["settlement_id"]
    after = read(api, "/v1/fhir/ExplanationOfBenefit?_lastUpdated=gt2999-01-01", token)
    assert after["total"] == 0 and not any(li["relation"] == "next" for li in after["link"])
    since = read(api, "/v1/fhir/ExplanationOfBenefit?_lastUpdated=ge2000-01-01", token)
    assert {r["id"] for r in resources(since)} == {first["settlement_id"],
                                                   second["settlement_id"]}
    bad = api.get("/v1/fhir/ExplanationOfBenefit?_lastUpdated=yesterday", token=token)
    assert bad.status == 422 and bad.body["errors"][0]["path"] == "$._lastUpdated"


def test_the_fhir_views_follow_the_scope_table_and_the_person(stack, api, login, fhir_app,
                                                              hospital):
    x, y = stack.fresh_person(), stack.fresh_person()
    settle(hospital, y)
    own = login(x)
    token = connect(api, own, fhir_app, ["profile:read"])["access_token"]
    refused = api.get("/v1/fhir/ExplanationOfBenefit", token=token)
    assert refused.status == 403 and refused.body["code"] == "insufficient_scope"
    assert api.get("/v1/fhir/CoverageEligibilityResponse", token=token).status == 403
    everything = connect(api, own, fhir_app, SCOPES)["access_token"]
    assert resources(read(api, "/v1/fhir/ExplanationOfBenefit", everything)) == []  # not Y's
    assert api.get("/v1/fhir/Patient").status == 401
