"""Secrets from AWS Secrets Manager, read once per container and kept.

In dev and prod the deployment gives the Lambda a secret's ARN (``<SETTING>_ARN``),
never its value: the value is fetched on first use (the first request of a cold
container) and cached for the container's life. A rotated secret reaches new
containers; ``make deploy`` (a new function version) replaces the old ones.
"""

from __future__ import annotations

from functools import cache


class SecretUnavailable(RuntimeError):
    """The secret could not be read (missing, no permission, or empty)."""


@cache
def secret_value(secret_id: str, region: str, endpoint: str | None) -> str:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.client("secretsmanager", region_name=region, endpoint_url=endpoint)
    try:
        value = client.get_secret_value(SecretId=secret_id).get("SecretString")
    except (BotoCoreError, ClientError) as exc:
        raise SecretUnavailable(f"secret {secret_id} could not be read: {exc}") from exc
    if not value:
        raise SecretUnavailable(f"secret {secret_id} has no string value")
    return str(value)
