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
             for a in newest["adjudication"]}
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


def _class(item: dict[str, Any]) -> tuple[str, str, str]:
    coding = item["category"]["coding"][0]
    return coding["system"], coding["code"], coding["display"]


def test_each_bill_line_is_an_item_with_its_catalogue_class(stack, api, login, fhir_app,
                                                           hospital):
    from chalicelib.adapters.dynamodb.models import SettlementBillItem, person_pk

    p = stack.fresh_person()
    lines = [{"code": "250101001", "catalogue": "A", "amount": "800.50"},
             {"code": "86900123", "catalogue": "B", "amount": "1200", "b_self_ratio": "0.1"},
             {"code": "C-330", "catalogue": "C", "amount": "99.99"}]
    answer = settle(hospital, p, items=lines)
    assert "items" not in answer  # the settlement's documented answer is unchanged
    token = connect(api, login(p), fhir_app, SCOPES)["access_token"]
    (eob,) = resources(read(api, "/v1/fhir/ExplanationOfBenefit", token))
    items = eob["item"]
    assert [i["sequence"] for i in items] == [1, 2, 3]
    assert [i["productOrService"]["coding"][0]["code"] for i in items] == [
        "250101001", "86900123", "C-330"]
    system = "https://yibao.example/fhir/CodeSystem/catalogue-class"
    assert [_class(i) for i in items] == [(system, "A", "甲类"), (system, "B", "乙类"),
                                          (system, "C", "丙类")]
    assert [i["net"]["value"] for i in items] == [800.5, 1200.0, 99.99]
    assert sum(i["net"]["value"] for i in items) == float(answer["total"])
    # a settlement from before the lines were kept: no items, the rest as before
    pid = person_id_for(p.id_number, settings().pepper)
    SettlementBillItem(person_pk(pid), f"BILL#{answer['settlement_id']}").delete()
    (old,) = resources(read(api, "/v1/fhir/ExplanationOfBenefit", token))
    assert "item" not in old and old["total"] == eob["total"]
    assert old["adjudication"] == eob["adjudication"]


def test_a_300_line_bill_adds_nothing_to_the_list_of_settlements_read(
    stack, api, login, fhir_app, hospital
):
    from local.metering import dynamodb_requests

    p = stack.fresh_person()
    lines = [{"code": f"ITEM-{n:03d}-{'X' * 40}", "catalogue": "A", "amount": "1.00"}
             for n in range(300)]
    answer = settle(hospital, p, items=lines)
    own = login(p)
    with dynamodb_requests() as meter:
        listed = api.get("/v1/me/settlements", token=own)
    assert listed.status == 200 and sum(meter.values()) == 1
    # the settlement as answered, and none of the ~20 KB of lines (they live apart)
    assert meter.bytes_read < len(json.dumps(answer, ensure_ascii=False).encode()) + 2_000
    token = connect(api, own, fhir_app, SCOPES)["access_token"]
    with dynamodb_requests() as meter:
        (eob,) = resources(read(api, "/v1/fhir/ExplanationOfBenefit", token))
    assert len(eob["item"]) == 300 and eob["item"][-1]["sequence"] == 300
    assert meter["Query"] == 1 and meter["BatchGetItem"] == 2  # the app's checks, the lines


def test_last_updated_is_read_in_the_query_so_every_page_but_the_last_is_full(
    stack, api, login, fhir_app, hospital
):
    import time
    from datetime import datetime, timedelta
    from urllib.parse import quote

    p = stack.fresh_person()
    first = settle(hospital, p, amount="100")
    at = datetime.fromisoformat(first["settled_at"])
    cut = (at + timedelta(seconds=1)).replace(microsecond=0)  # the next whole second
    time.sleep(max(0.0, (cut - datetime.now(at.tzinfo)).total_seconds()) + 0.05)
    later = [settle(hospital, p, amount="200"), settle(hospital, p, amount="300")]
    own = login(p)
    token = connect(api, own, fhir_app, SCOPES)["access_token"]
    bound = quote(cut.isoformat())  # its + would read as a space
    # before the cut: the oldest, on a full first page (it once came back empty, with a
    # next link, as the newer ones were filtered out of the page after reading)
    for who in (token, own):  # an app's token, and the person's own
        page = read(api, f"/v1/fhir/ExplanationOfBenefit?_count=1&_lastUpdated=lt{bound}", who)
        assert [r["id"] for r in resources(page)] == [first["settlement_id"]]
    # from the cut on: the two newer ones, one a page, and never the oldest
    seen, url = [], f"/v1/fhir/ExplanationOfBenefit?_count=1&_lastUpdated=ge{bound}"
    pages = 0
    while url and pages < 5:
        page = read(api, url, token)
        seen += [r["id"] for r in resources(page)]
        url = next((li["url"] for li in page["link"] if li["relation"] == "next"), None)
        pages += 1
    assert seen == [s["settlement_id"] for s in reversed(later)]
    oldest = quote(first["settled_at"][:19] + first["settled_at"][-6:])  # to the second
    both = read(api, f"/v1/fhir/ExplanationOfBenefit?_lastUpdated=ge{bound}"
                     f"&_lastUpdated=le{oldest}", token)
    assert both["total"] == 0  # from the cut on, yet no later than the oldest: none
    # the calendar's ends and an empty range: plain answers, never a server error
    for query, ids in ((f"_lastUpdated=le{quote('9999-12-31T23:59:59Z')}", 3),
                       (f"_lastUpdated=gt{quote('9999-12-31T23:59:59-10:00')}", 0),
                       (f"_lastUpdated=ge{quote('0001-01-01T00:00:00+14:00')}", 3),
                       (f"_lastUpdated=lt{quote('0001-01-01T00:00:00+14:00')}", 0),
                       ("_lastUpdated=ge2030-01-01&_lastUpdated=lt2020-01-01", 0)):
        assert len(resources(read(api, f"/v1/fhir/ExplanationOfBenefit?{query}", token))) == ids
    # gt the cut: both newer ones came after it
    exact = read(api, f"/v1/fhir/ExplanationOfBenefit?_lastUpdated=gt{bound}", token)
    assert len(resources(exact)) == 2


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
