"""The environment of an offline synth: no AWS credentials, configuration or region of
the test session (the local stack sets cn-north-1 and moto's keys)."""

from __future__ import annotations

import os


def synth_environment() -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "YIBAO_"))}
    return {
        **keep,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }
