"""Third-party apps (issue 11): what one app call costs in DynamoDB requests.

A person's own read costs one request; an app's read of the same data adds its checks
(the token, the grant, the app: three GetItems, since a suspended app or a revoked
grant must stop at once), the two rate-limit counters (per app, per person and app,
kept in DynamoDB so they hold across Lambda instances) and the access-log line the
person reads (谁查看了我的信息): seven in all, counted here on the local stack.
"""

from __future__ import annotations

from typing import Any

from bench.verdict import Budgets

APP_READ_BUDGET = 7  # 1 read + token, grant, app + 2 counters + 1 access-log line


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
    print(f"  the person's own token: {counts['person']}")
    budgets.count("GET /v1/me/benefits by an app", counts["app"], APP_READ_BUDGET)
