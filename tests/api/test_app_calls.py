"""What one call by a third-party app costs and counts (issue 11 items 5, 6), on the local
stack: the DynamoDB requests, counted by the request meter; the rate limits per app and
per person and app, atomic across callers at once; the access-log line of each call with
the status the route answered."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest

from chalicelib import errors
from chalicelib.adapters.clock import CHINA, FixedClock
from chalicelib.bootstrap import container, use_clock
from local.metering import dynamodb_requests
from tests.api.oauth_flow import connect, register

APP_READ_BUDGET = 4  # bench/apps.py: the read, the token, grant + app + counters, one write


@pytest.fixture
def clock():
    fixed = FixedClock(datetime(2027, 6, 1, 9, 0, 5, tzinfo=CHINA))  # one minute's window
    use_clock(fixed)
    yield fixed
    use_clock(None)


def test_an_apps_read_costs_four_requests_against_the_persons_one(stack, api, login, clock):
    app = register(["benefits:read"])
    own = login(stack.fresh_person())
    token = connect(api, own, app, ["benefits:read"])["access_token"]
    counts = {}
    for who, bearer in (("person", own), ("app", token)):
        with dynamodb_requests() as meter:
            assert api.get("/v1/me/benefits", token=bearer).status == 200
        counts[who] = dict(meter)
    assert sum(counts["person"].values()) == 1
    assert counts["app"] == {"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 1,
                             "Query": 1}, counts["app"]
    assert sum(counts["app"].values()) <= APP_READ_BUDGET


def test_a_refusal_for_scope_costs_no_read_and_its_line_says_403(stack, api, login, clock):
    app = register(["benefits:read"], name="只读待遇")
    own = login(stack.fresh_person())
    token = connect(api, own, app, ["benefits:read"])["access_token"]
    with dynamodb_requests() as meter:
        refused = api.get("/v1/me/card", token=token)
    assert refused.status == 403 and refused.body["code"] == "insufficient_scope"
    assert sum(meter.values()) == 3  # the checks and the log line; the card is never read
    (line,) = api.get("/v1/me/app-access", token=own).body["items"]
    assert (line["route"], line["status"], line["result"]) == ("GET /v1/me/card", 403, "refused")


def test_a_route_that_answers_otherwise_corrects_the_calls_line(stack, api, login, clock):
    app = register(["filings:read"], name="备案查询")
    own = login(stack.fresh_person())
    token = connect(api, own, app, ["filings:read"])["access_token"]
    bad = api.get("/v1/me/filings/not-a-filing", token=token)
    assert bad.status == 422 and bad.body["errors"][0]["path"] == "$.filing_id"
    clock.advance(seconds=1)  # the log is newest first, by the second
    assert api.get("/v1/me/filings", token=token).status == 200
    lines = api.get("/v1/me/app-access", token=own).body["items"]
    assert [(x["route"], x["status"]) for x in lines] == [
        ("GET /v1/me/filings", 200), ("GET /v1/me/filings/{filing_id}", 422)]


def test_the_apps_limit_holds_then_says_when_to_come_back(stack, api, login, clock):
    app = register(["benefits:read"], rate_limit=3, name="限流应用")
    own = login(stack.fresh_person())
    token = connect(api, own, app, ["benefits:read"])["access_token"]
    left = []
    for _ in range(3):
        reply = api.get("/v1/me/benefits", token=token)
        assert reply.status == 200
        left.append(reply.headers["RateLimit"])
    assert left == ['"app";r=2;t=55', '"app";r=1;t=55', '"app";r=0;t=55']
    over = api.get("/v1/me/benefits", token=token)
    assert over.status == 429 and over.headers["Retry-After"] == "55"
    assert over.content_type.startswith("application/problem+json")
    assert "1分钟后再试" in over.body["detail_zh"]
    assert len(api.get("/v1/me/app-access", token=own).body["items"]) == 3  # no line for 429
    clock.advance(seconds=55)  # the next minute: a new window
    assert api.get("/v1/me/benefits", token=token).status == 200


def test_callers_at_once_never_get_past_the_limit(stack, api, login, clock):
    """Twelve calls at once (as from many Lambda instances): exactly the limit get through;
    the counters are conditional writes in DynamoDB, not a read and a write."""
    from chalicelib.services import apps

    app = register(["benefits:read"], rate_limit=5, name="并发应用")
    token = connect(api, login(stack.fresh_person()), app, ["benefits:read"])["access_token"]
    ctx = container().oauth()

    def call(_: int) -> str:
        try:
            apps.app_access(ctx, token, "benefits:read", "GET /v1/me/benefits")
        except errors.TooManyRequests:
            return "limited"
        return "admitted"

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(call, range(12)))
    assert answers.count("admitted") == 5 and answers.count("limited") == 7


def test_one_person_and_app_have_a_limit_of_their_own(stack, api, login, clock):
    from chalicelib.services import apps
    from chalicelib.services.oauth import PER_PERSON_PER_MINUTE

    app = register(["benefits:read"], rate_limit=10_000, name="每人限流")
    x, y = login(stack.fresh_person()), login(stack.fresh_person())
    ctx = container().oauth()
    for_x = connect(api, x, app, ["benefits:read"])["access_token"]
    for _ in range(PER_PERSON_PER_MINUTE):
        apps.app_access(ctx, for_x, "benefits:read", "GET /v1/me/benefits")
    with pytest.raises(errors.TooManyRequests):
        apps.app_access(ctx, for_x, "benefits:read", "GET /v1/me/benefits")
    for_y = connect(api, y, app, ["benefits:read"])["access_token"]
    assert api.get("/v1/me/benefits", token=for_y).status == 200  # another person: not limited
