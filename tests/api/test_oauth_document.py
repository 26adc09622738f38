"""The OpenAPI document tells an app developer the truth about /v1/oauth/authorize and the
token endpoint (issue 11 item 8): every example fits its schema, and the real answers
have the shape and the error types the examples show."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from tests.api.oauth_flow import auth_query, code_of, connect, consent, exchange, pkce, register

DOCUMENT = json.loads(
    (Path(__file__).resolve().parents[2] / "schemas" / "openapi.json").read_text("utf-8")
)
REGISTRY = Registry().with_resource("doc", Resource.opaque(DOCUMENT))


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    text = json.dumps(schema).replace('"#/components', '"doc#/components')
    return Draft202012Validator(json.loads(text), registry=REGISTRY)


def operation(path: str, method: str) -> dict[str, Any]:
    op: dict[str, Any] = DOCUMENT["paths"][path][method]
    return op


def examples_of(content: dict[str, Any]) -> list[Any]:
    return [e["value"] for e in content.get("examples", {}).values()]


@pytest.mark.parametrize(
    ("path", "method"), [("/v1/oauth/token", "post"), ("/v1/oauth/authorize", "get")]
)
def test_every_example_fits_its_schema(path, method):
    op = operation(path, method)
    contents = list(op.get("requestBody", {}).get("content", {}).values())
    for response in op["responses"].values():
        contents.extend(response.get("content", {}).values())
    checked = 0
    for content in contents:
        for value in examples_of(content):
            validator(content["schema"]).validate(value)
            checked += 1
    assert checked >= 2


@pytest.fixture(scope="module")
def app(stack):
    return register(["profile:read", "benefits:read"])


def test_the_token_answers_are_as_documented(stack, api, login, app):
    token = operation("/v1/oauth/token", "post")
    ok = validator(token["responses"]["200"]["content"]["application/json"]["schema"])
    app_token = validator(DOCUMENT["components"]["schemas"]["AppAccessToken"])
    person = login(stack.fresh_person())
    for duration in ("13_months", "one_time"):
        answer = connect(api, person, app, ["benefits:read"], duration)
        ok.validate(answer)
        app_token.validate(answer)
        assert ("refresh_token" in answer) == (duration == "13_months")

    verifier, challenge = pkce()
    code = code_of(consent(api, person, auth_query(app, "benefits:read", challenge),
                           ["benefits:read"]))
    wrong = exchange(api, app, code, pkce()[0])
    documented = token["responses"]["400"]["content"]["application/problem+json"]
    example = documented["examples"]["invalid_grant"]["value"]
    assert wrong.status == example["status"]
    assert {k: wrong.body[k] for k in ("type", "error", "code")} == {
        k: example[k] for k in ("type", "error", "code")
    }
    validator(documented["schema"]).validate(wrong.body)
    bad_secret = api.request(
        "POST", "/v1/oauth/token",
        raw=f"grant_type=authorization_code&code={code}&redirect_uri={app.redirect}"
            f"&code_verifier={verifier}&client_id={app.client_id}&client_secret=wrong".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    unauthorized = token["responses"]["401"]["content"]["application/problem+json"]
    example = unauthorized["examples"]["invalid_client"]["value"]
    assert bad_secret.status == 401
    assert bad_secret.body["type"] == example["type"]
    assert bad_secret.body["error"] == "invalid_client"


def test_the_authorize_answers_are_as_documented(api, app):
    authorize = operation("/v1/oauth/authorize", "get")
    _, challenge = pkce()
    good = api.get("/v1/oauth/authorize?" + auth_query(app, "profile:read", challenge))
    assert good.status == 302 and good.headers["Location"].startswith("/consent.html?")
    back = api.get("/v1/oauth/authorize?" + auth_query(app, "profile:read", challenge,
                                                        code_challenge_method="plain"))
    assert back.status == 302
    assert parse_qs(urlsplit(back.headers["Location"]).query)["error"] == ["invalid_request"]
    examples = authorize["responses"]["400"]["content"]["application/problem+json"]["examples"]
    wrong = api.get("/v1/oauth/authorize?" + auth_query(
        app, "profile:read", challenge, redirect_uri="https://evil.example/cb"))
    unknown = api.get("/v1/oauth/authorize?" + auth_query(
        app, "profile:read", challenge, client_id="app_nobody"))
    for reply, name in ((wrong, "wrong_redirect"), (unknown, "unknown_client")):
        example = examples[name]["value"]
        assert reply.status == 400 and "Location" not in reply.headers
        assert (reply.body["type"], reply.body["error"]) == (example["type"], example["error"])
