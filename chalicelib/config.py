"""Settings from the stage's environment, read at call time (never at import).

Chalice's test client swaps ``os.environ`` only during a request, and a Lambda
container keeps its module state between invocations, so every setting is a
function call, not a module constant.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


class ConfigError(RuntimeError):
    """A required setting is missing or malformed."""


def _get(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None or value == "":
        raise ConfigError(f"setting {name} is not set")
    return value


def _secret(name: str) -> str:
    """A secret: the value itself (the local stage), or read from Secrets Manager once
    per container when the deployment gives only its ARN in ``<name>_ARN`` (dev, prod)."""
    arn = os.environ.get(name + "_ARN")
    if not arn or os.environ.get(name):
        return _get(name)
    from chalicelib.adapters.secrets import SecretUnavailable, secret_value

    try:
        return secret_value(
            arn, _get("AWS_DEFAULT_REGION", "cn-north-1"), os.environ.get("YIBAO_AWS_ENDPOINT")
        )
    except SecretUnavailable as exc:
        raise ConfigError(f"setting {name}: {exc}") from exc


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"setting {name} must be an integer, got {raw!r}") from exc


@dataclass(frozen=True)
class OtpLimits:
    """How many codes may be sent (短信验证码发送频率限制)."""

    code_gap_seconds: int  # one code per phone and purpose, then none for this long
    per_phone_hour: int
    per_phone_day: int
    per_ip_hour: int
    per_ip_day: int
    ttl_seconds: int
    max_attempts: int


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    table_name: str
    aws_endpoint: str | None
    token_secret: str
    token_ttl_seconds: int
    pepper: str
    sms_sender: str
    public_url: str | None  # the portal's public origin (QR codes); None: from the request
    otp: OtpLimits
    certificate_checks_per_minute: int  # per client IP (无卡证明核验)
    notice_queue_url: str | None  # YIBAO_QUEUE_NOTICES (infra); local: created by name
    decoy_topic_arn: str | None  # YIBAO_DECOY_TOPIC (infra, no subscribers); local: by name
    sms_per_second: int  # the SMS quota shared by every sender of the monthly notices
    notice_regions: tuple[str, ...]  # the regions whose accounts get the monthly notice


def settings() -> Settings:
    """The current settings. Cheap: call it where a value is needed."""
    endpoint = os.environ.get("YIBAO_AWS_ENDPOINT") or None
    return Settings(
        stage=_get("YIBAO_STAGE", "local"),
        region=_get("AWS_DEFAULT_REGION", "cn-north-1"),
        table_name=_get("YIBAO_TABLE", "yibao-local"),
        aws_endpoint=endpoint,
        token_secret=_secret("YIBAO_TOKEN_SECRET"),
        token_ttl_seconds=_int("YIBAO_TOKEN_TTL_SECONDS", 900),
        pepper=_secret("YIBAO_PEPPER"),
        sms_sender=os.environ.get("YIBAO_SMS_SIGNATURE", "示范县医保"),
        public_url=os.environ.get("YIBAO_PUBLIC_URL") or None,
        otp=OtpLimits(
            code_gap_seconds=_int("YIBAO_OTP_GAP_SECONDS", 60),
            per_phone_hour=_int("YIBAO_OTP_PER_PHONE_HOUR", 5),
            per_phone_day=_int("YIBAO_OTP_PER_PHONE_DAY", 10),
            per_ip_hour=_int("YIBAO_OTP_PER_IP_HOUR", 30),
            per_ip_day=_int("YIBAO_OTP_PER_IP_DAY", 200),
            ttl_seconds=_int("YIBAO_OTP_TTL_SECONDS", 300),
            max_attempts=_int("YIBAO_OTP_MAX_ATTEMPTS", 5),
        ),
        certificate_checks_per_minute=_int("YIBAO_CERT_CHECKS_PER_MINUTE", 20),
        notice_queue_url=os.environ.get("YIBAO_QUEUE_NOTICES") or None,
        decoy_topic_arn=os.environ.get("YIBAO_DECOY_TOPIC") or None,
        sms_per_second=_int("YIBAO_SMS_PER_SECOND", 20),
        notice_regions=tuple(
            r.strip() for r in os.environ.get("YIBAO_NOTICE_REGIONS", "990101").split(",") if r
        ),
    )


def webhook_secret() -> str:
    """The key of the inbound-SMS webhook's HMAC (read only by that route)."""
    return _secret("YIBAO_WEBHOOK_SECRET")
