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


def test_the_quickstart_names_the_demo_apps_real_credentials_and_every_scope():
    from chalicelib.api.scopes import APP_SCOPES
    from local import demo_app

    text = (Path(__file__).resolve().parents[2] / "docs" / "apps-quickstart.md").read_text(
        "utf-8"
    )
    assert f"`client_id` | `{demo_app.CLIENT_ID}`" in text
    assert f"`client_secret` | `{demo_app.CLIENT_SECRET}`" in text
    assert f"`{demo_app.redirect_uri('http://127.0.0.1:8000')}`" in text
    for scope in APP_SCOPES:
        assert f"`{scope}`" in text, scope
    assert "python -m chalicelib.ops.apps register" in text


def test_the_quickstart_flow_by_form_posts_as_curl_sends_them(stack, api, login, live_server):
    """The quickstart's steps against the server `make run` starts: the demo app is
    registered there, the code is exchanged with HTTP Basic (curl -u) and a first call
    answers; the demo app's page shows a code that is not its own flow's, unused."""
    import base64
    from urllib.request import Request, urlopen

    from local import demo_app
    from tests.api.oauth_flow import AppReg

    with urlopen(f"{live_server}/local/demo-app", timeout=20) as page:  # registers it
        assert page.status == 200
    app = AppReg(demo_app.CLIENT_ID, demo_app.CLIENT_SECRET, demo_app.redirect_uri(live_server))
    verifier, challenge = pkce()
    query = auth_query(app, "benefits:read profile:read", challenge)
    code = code_of(consent(api, login(stack.fresh_person()), query, ["benefits:read"]))
    state = parse_qs(query)["state"][0]
    with urlopen(f"{app.redirect}?code={code}&state={state}", timeout=20) as page:
        assert code in page.read().decode()  # shown, not exchanged by the demo app
    basic = base64.b64encode(f"{app.client_id}:{app.secret}".encode()).decode()
    form = (f"grant_type=authorization_code&code={code}&redirect_uri={app.redirect}"
            f"&code_verifier={verifier}").encode()
    request = Request(f"{live_server}/v1/oauth/token", data=form, headers={
        "Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"})
    with urlopen(request, timeout=20) as reply:
        answer = json.loads(reply.read())
    assert answer["scope"] == "benefits:read" and answer["refresh_token"]
    first = Request(f"{live_server}/v1/me/benefits",
                    headers={"Authorization": f"Bearer {answer['access_token']}"})
    with urlopen(first, timeout=20) as reply:
        assert reply.status == 200 and "caps" in json.loads(reply.read())
