"""Yibao API: registers the blueprints and the HTTP middleware, nothing else.

Once the blueprints are registered, what the import built is frozen (``gc.freeze``):
modules, classes, functions and routes live as long as the Lambda container, so the
cyclic garbage collector can never free them, yet each full collection walked all of
them again, on a cold start first of all, while the first request loads botocore's
models. Frozen, they are left out of every collection; nothing else changes.
"""

from __future__ import annotations

import gc
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from chalice.app import Chalice, Request, Response

from chalicelib.api import (
    auth,
    callers,
    cards,
    citizen,
    documents,
    family,
    fhir,
    ledgers,
    meta,
    oauth,
    problems,
    settlements,
    vouchers,
)
from chalicelib.api import filings as filing_routes  # 异地就医备案
from chalicelib.api import notices as notice_routes  # 短信
from chalicelib.logs import adopt, request_id, setup_logging

setup_logging()
app = Chalice(app_name="yibao")
adopt(app.log.name)
app.log.setLevel(logging.INFO)
access_log = logging.getLogger("yibao.access")

app.register_blueprint(auth.bp)
app.register_blueprint(citizen.bp)
app.register_blueprint(cards.bp)
app.register_blueprint(ledgers.bp)
app.register_blueprint(family.bp)
app.register_blueprint(filing_routes.bp)
app.register_blueprint(settlements.bp)
app.register_blueprint(notice_routes.bp)
app.register_blueprint(vouchers.bp)
app.register_blueprint(documents.bp)
app.register_blueprint(oauth.bp)
app.register_blueprint(fhir.bp)
app.register_blueprint(meta.bp)
gc.freeze()  # see the module's docstring


@app.lambda_function(name="plan_notices")
def plan_notices(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """EventBridge Scheduler, the 1st at 09:00 China time: plan the month's SMS notices."""
    from chalicelib.ops.notices import plan_from_schedule

    return plan_from_schedule(event)


@app.on_sqs_message(queue="notices", batch_size=10, name="send_notices", maximum_concurrency=50)
def send_notices(event: Any) -> dict[str, Any]:
    """The notices queue (its ARN is the stage's, set by infra): send, report failures."""
    from chalicelib.ops.notices import send_batch

    return send_batch(event.to_dict(), event.context)


@app.middleware("http")
def request_context(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """Request id, access log, and a problem body for every error Chalice makes itself."""
    context = app.lambda_context
    rid = getattr(context, "aws_request_id", None) or uuid.uuid4().hex
    token = request_id.set(rid)
    try:
        return _respond(event, get_response, rid)
    finally:
        request_id.reset(token)


def _respond(event: Request, get_response: Callable[[Request], Response], rid: str) -> Response:
    started = time.perf_counter()
    callers.reset()
    try:
        response = get_response(event)
    except Exception:
        app.log.exception("unhandled error")
        response = problems.generic(500)
    callers.finish(response)  # an app's call: the person's access log, RateLimit headers
    headers: dict[str, Any] = response.headers
    content_type = str(headers.get("Content-Type", headers.get("content-type", "")))
    if response.status_code >= 400 and not content_type.startswith(problems.PROBLEM_JSON):
        allow = headers.get("Allow")
        response = problems.generic(response.status_code)
        if allow:
            response.headers["Allow"] = allow
    response.headers["X-Request-Id"] = rid
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    access_log.info(
        "request",
        extra={
            "method": event.method,
            "path": event.context.get("resourcePath"),
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return response
