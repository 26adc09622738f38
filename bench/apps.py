"""Third-party apps (issue 11): what one app call costs in DynamoDB requests.

A person's own read costs one request; an app's read of the same data adds its checks:
the token (a GetItem), then the grant, the app and both rate counters in one consistent
BatchGetItem (a suspended app or a revoked grant must stop at once, so neither is cached
anywhere), then one transaction that counts the call on the two counters (per app, per
person and app, each only below its limit, so they hold across Lambda instances) and
writes the access-log line the person reads (谁查看了我的信息). Four in all (it was seven:
three GetItems, two counter updates and the line on their own), counted here on the
local stack; a route that answers otherwise than the checks foresaw (a 404, a 422) adds
one write to correct its line.
"""

from __future__ import annotations

from typing import Any

from bench.verdict import Budgets

APP_READ_BUDGET = 4  # 1 read + the token + grant, app, counters + counters and the log line


def app_read_requests(api: Any, person_token: str) -> dict[str, int]:
    """DynamoDB requests of GET /v1/me/benefits by the person, and by an app for them."""
    from local.metering import dynamodb_requests
    from tests.api.oauth_flow import connect, register

    app = register(["benefits:read"], name="测速应用")
    answer = connect(api, person_token, app, ["benefits:read"])
    counts: dict[str, int] = {}
    for label, token in (("person", person_token), ("app", answer["access_token"])):
        api.get("/v1/me/benefits", token=token)  # warm: the first call of a minute
        with dynamodb_requests() as c:
            reply = api.get("/v1/me/benefits", token=token)
        assert reply.status == 200, reply.text
        counts[label] = sum(c.values())
    return counts


def report(budgets: Budgets, counts: dict[str, int]) -> None:
    print("DynamoDB requests of one read by a third-party app (GET /v1/me/benefits)")
    print(f"  the person's own token: {counts['person']}; before the batch and the "
          "transaction, an app's: 7")
    budgets.count("GET /v1/me/benefits by an app", counts["app"], APP_READ_BUDGET)
