"""Secrets from Secrets Manager (dev, prod) on the moto server: read once, kept, never logged."""

from __future__ import annotations

import os
import uuid

import boto3
import pytest

from chalicelib.adapters.secrets import secret_value
from chalicelib.config import ConfigError, settings

SECRET_SETTINGS = ("YIBAO_TOKEN_SECRET", "YIBAO_PEPPER")


@pytest.fixture
def secrets_client(stack):
    secret_value.cache_clear()
    yield boto3.client(
        "secretsmanager", region_name=os.environ["AWS_DEFAULT_REGION"], endpoint_url=stack.moto.url
    )
    secret_value.cache_clear()


def as_deployed(monkeypatch, client, values):
    """The Lambda's environment in dev/prod: each secret's ARN, no value."""
    for name, value in values.items():
        arn = client.create_secret(Name=f"yibao/test/{uuid.uuid4().hex}", SecretString=value)["ARN"]
        monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv(name + "_ARN", arn)


def test_the_app_signs_in_with_keys_read_from_secrets_manager_once(
    stack, api, login, secrets_client, monkeypatch
):
    local = {name: os.environ[name] for name in SECRET_SETTINGS}
    as_deployed(monkeypatch, secrets_client, local)
    assert not any(os.environ.get(name) for name in SECRET_SETTINGS)

    person = stack.fresh_person()
    token = login(person)  # the pepper finds the person, the key signs the token
    assert settings().pepper == local["YIBAO_PEPPER"]

    for name in SECRET_SETTINGS:  # gone from Secrets Manager: the container keeps its copy
        secrets_client.delete_secret(
            SecretId=os.environ[name + "_ARN"], ForceDeleteWithoutRecovery=True
        )
    reply = api.get("/v1/me", token=token)
    assert reply.status == 200, reply.text
    assert person.id_number not in reply.text


def test_a_missing_secret_is_a_clear_configuration_error(stack, secrets_client, monkeypatch):
    monkeypatch.delenv("YIBAO_PEPPER")
    monkeypatch.setenv("YIBAO_PEPPER_ARN", "arn:aws:secretsmanager:cn-north-1:1:secret:nothing")
    with pytest.raises(ConfigError, match="YIBAO_PEPPER"):
        settings()


def test_a_value_in_the_environment_wins_on_the_local_stage(stack, secrets_client, monkeypatch):
    as_deployed(monkeypatch, secrets_client, {"YIBAO_PEPPER": "from-secrets-manager"})
    monkeypatch.setenv("YIBAO_PEPPER", "local-value")
    assert settings().pepper == "local-value"
    monkeypatch.delenv("YIBAO_PEPPER")
    assert settings().pepper == "from-secrets-manager"
