"""What each stage deploys, and the inventory of queues, schedules and secrets.

The stages are Chalice's (``.chalice/config.json``): ``dev`` and ``prod`` go to AWS,
``local`` stays the moto stack. Another issue that adds a queue, a schedule or a
secret adds one entry to :data:`QUEUES`, :data:`SCHEDULES` or :data:`SECRETS`; a
table or an index comes from the PynamoDB models by itself (``infra/tables.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHINA_TIME = "Asia/Shanghai"


@dataclass(frozen=True)
class Secret:
    """A key the app reads from Secrets Manager: ``setting`` is its name in config.py."""

    setting: str
    name: str  # the secret is ``yibao/<stage>/<name>``
    purpose: str


@dataclass(frozen=True)
class Queue:
    """An SQS queue with its dead-letter queue (``yibao-<stage>-<name>`` and ``…-dlq``).

    The app finds the queue's URL in ``YIBAO_QUEUE_<NAME>``; Chalice's
    ``@app.on_sqs_message(queue="yibao-<stage>-<name>")`` consumes it.
    """

    name: str
    purpose: str
    visibility_seconds: int = 60  # at least six times the consumer's timeout
    max_receives: int = 5  # then the message goes to the dead-letter queue
    retention_days: int = 14

    @property
    def env(self) -> str:
        return "YIBAO_QUEUE_" + self.name.upper().replace("-", "_")


@dataclass(frozen=True)
class Schedule:
    """A job on EventBridge Scheduler: ``cron`` is read in China time, not UTC.

    ``function`` is the Chalice function it invokes (``@app.lambda_function(name=…)``);
    a run that fails is retried, then lands in ``dead_letter``'s dead-letter queue.
    Chalice's own ``@app.schedule`` is not used: its cron is UTC and it has no DLQ.
    """

    name: str
    function: str
    cron: str  # EventBridge's six fields: minutes hours day-of-month month day-of-week year
    purpose: str
    dead_letter: str = "notices"  # a Queue's name
    retries: int = 3


SECRETS: tuple[Secret, ...] = (
    Secret("YIBAO_TOKEN_SECRET", "token-signing-key", "signs the access tokens (HS256)"),
    Secret("YIBAO_PEPPER", "otp-pepper", "keys the ID-number hash and the stored SMS codes"),
    Secret("YIBAO_WEBHOOK_SECRET", "webhook-signing-key", "HMAC of the inbound-SMS webhook"),
)
QUEUES: tuple[Queue, ...] = (
    Queue(
        "notices",
        "the SMS notices, one message per notice: the month's (planned on the 1st) and "
        "event notices waiting for 08:00; send_notices consumes it in batches of ten",
    ),
)
SCHEDULES: tuple[Schedule, ...] = (
    # #10 asked for Chalice's Cron in UTC; Scheduler reads the cron in China time and has
    # retries and a dead-letter queue: the 1st at 09:00 Beijing time, every month.
    Schedule("monthly-notices", "plan_notices", "0 9 1 * ? *", "plan the month's SMS notices"),
)


@dataclass(frozen=True)
class Stage:
    """A deployed stage: its Chalice settings plus what only the infrastructure knows."""

    name: str
    region: str
    retain: bool  # prod: tables and keys survive a stack deletion, deletion protection on
    api_rate_per_second: int  # API Gateway throttling, steady rate for the stage
    api_burst: int
    waf_requests_per_5_minutes: int  # per client IP, at CloudFront and at the API
    sms_monthly_spend_usd: int  # SNS SMS spend limit; the alarm rings at 80 %
    log_retention_days: int
    chalice: dict[str, Any]  # the stage's block of .chalice/config.json

    @property
    def environment(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self.chalice.get("environment_variables", {}).items()}

    @property
    def table_name(self) -> str:
        return self.environment["YIBAO_TABLE"]

    @property
    def reserved_concurrency(self) -> int:
        return int(self.chalice["reserved_concurrency"])

    def resource_name(self, name: str) -> str:
        return f"yibao-{self.name}-{name}"


# Sized for a province of 5 million insured (prod): a login is two requests, a
# session a dozen reads; 1,000 requests/s steady is a busy Monday morning twice over.
_INFRA: dict[str, dict[str, Any]] = {
    "dev": {
        "region": "ap-southeast-1",
        "retain": False,
        "api_rate_per_second": 50,
        "api_burst": 100,
        "waf_requests_per_5_minutes": 1000,
        "sms_monthly_spend_usd": 50,
        "log_retention_days": 30,
    },
    "prod": {
        "region": "ap-southeast-1",
        "retain": True,
        "api_rate_per_second": 1000,
        "api_burst": 2000,
        "waf_requests_per_5_minutes": 2000,
        "sms_monthly_spend_usd": 20000,
        "log_retention_days": 365,
    },
}
DEPLOYED = tuple(_INFRA)


PLACEHOLDER_ROLE = "arn:aws:iam::000000000000:role/replaced-by-infra"


def chalice_stage_config(stage: str) -> dict[str, Any]:
    """What infra adds to the stage's block of .chalice/config.json (bench/ packages the same)."""
    return {
        "api_gateway_stage": stage,
        "api_gateway_endpoint_type": "REGIONAL",
        "autogen_policy": False,
        "manage_iam_role": False,
        "iam_role_arn": PLACEHOLDER_ROLE,  # infra/api.py puts its own role in
        "lambda_architecture": "arm64",
        "xray": True,
    }


def chalice_config() -> dict[str, Any]:
    config: dict[str, Any] = json.loads(
        (ROOT / ".chalice" / "config.json").read_text(encoding="utf-8")
    )
    return config


def stage(name: str, region: str | None = None) -> Stage:
    """A deployed stage; ``region`` overrides the default (``make deploy REGION=…``)."""
    config = chalice_config()
    block = dict(config["stages"][name])
    block["environment_variables"] = {
        **config.get("environment_variables", {}),
        **block.get("environment_variables", {}),
    }
    infra = dict(_INFRA[name])
    if region:
        infra["region"] = region
    return Stage(name=name, chalice=block, **infra)
