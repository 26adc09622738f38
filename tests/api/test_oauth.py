"""Third-party apps on the local stack: the consent flow, tokens, grants, refusals (issue 11)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.adapters.clock import CHINA, FixedClock
from chalicelib.bootstrap import use_clock
from tests.api.oauth_flow import (
    auth_query,
    code_of,
    connect,
    consent,
    exchange,
    form,
    pkce,
    refresh,
    register,
)

READS = ["profile:read", "benefits:read"]


@pytest.fixture
def clock():
    fixed = FixedClock(datetime(2027, 5, 10, 9, 0, tzinfo=CHINA))
    use_clock(fixed)
    yield fixed
    use_clock(None)


@pytest.fixture(scope="module")
def app_a(stack):
    return register([*READS, "card:read"])


@pytest.fixture(scope="module")
def app_b(stack):
    return register(READS, name="另一家应用")


def test_the_whole_flow_gives_an_hour_token_a_refresh_token_and_the_grant_expiry(
    stack, api, login, app_a, clock
):
    p = stack.fresh_person()
    answer = connect(api, login(p), app_a, READS)
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 3600
    assert answer["scope"] == "profile:read benefits:read"
    assert answer["refresh_token"].startswith("ybrt_")
    assert answer["access_grant_expiration"].startswith("2028-06-10T09:00:00")
    me = api.get("/v1/me", token=answer["access_token"])
    assert me.status == 200, me.text
    assert me.body["person_id"] == answer["patient"]
    assert me.body["name"] != p.name and me.body["name"][0] == p.name[0]
    assert me.headers["RateLimit-Policy"] == '"app";q=1000;w=60'
    assert me.headers["RateLimit"].startswith('"app";r=')


def test_a_one_time_grant_has_no_refresh_token_and_lapses_in_an_hour(
    stack, api, login, app_a, clock
):
    answer = connect(api, login(stack.fresh_person()), app_a, READS, duration="one_time")
    assert "refresh_token" not in answer
    assert answer["access_grant_expiration"].startswith("2027-05-10T10:00:00")
    clock.advance(seconds=3601)
    assert api.get("/v1/me", token=answer["access_token"]).status == 401


def test_an_app_registered_one_time_cannot_be_given_13_months(stack, api, login, clock):
    once = register(READS, max_duration="one_time")
    token = login(stack.fresh_person())
    _, challenge = pkce()
    reply = consent(api, token, auth_query(once, "profile:read", challenge), ["profile:read"])
    assert reply.status == 422 and reply.body["code"] == "duration_not_allowed"
    view = api.get("/v1/oauth/consent?" + auth_query(once, "profile:read", challenge))
    assert view.status == 200 and view.body["durations"] == ["one_time"]


def test_the_pairwise_subject_differs_between_apps_and_is_not_the_person_id(
    stack, api, login, app_a, app_b, clock
):
    p = stack.fresh_person()
    token = login(p)
    own = api.get("/v1/me", token=token).body["person_id"]
    a = connect(api, token, app_a, READS)["patient"]
    b = connect(api, token, app_b, READS)["patient"]
    assert len({own, a, b}) == 3
    assert connect(api, token, app_a, READS)["patient"] == a  # stable for one app


def test_a_token_reads_only_its_person_and_its_scopes(stack, api, login, app_a, clock):
    x, y = stack.fresh_person(), stack.fresh_person()
    answer = connect(api, login(x), app_a, ["profile:read"])
    token = answer["access_token"]
    assert api.get("/v1/me", token=token).body["person_id"] == answer["patient"]
    for path in ("/v1/me/benefits", "/v1/me/card", "/v1/me/account", "/v1/me/apps"):
        refused = api.get(path, token=token)
        assert refused.status == 403, (path, refused.text)
        assert refused.body["code"] == "insufficient_scope"
    # nothing names another person: the token carries no person, the routes take none
    assert y.name not in api.get("/v1/me", token=token).text


def test_the_consent_narrows_what_the_app_gets(stack, api, login, app_a, clock):
    token = login(stack.fresh_person())
    verifier, challenge = pkce()
    reply = consent(api, token, auth_query(app_a, "profile:read benefits:read", challenge),
                    ["benefits:read"])
    answer = exchange(api, app_a, code_of(reply), verifier).body
    assert answer["scope"] == "benefits:read"
    assert api.get("/v1/me", token=answer["access_token"]).status == 403
    assert api.get("/v1/me/benefits", token=answer["access_token"]).status == 200


def test_a_denial_sends_access_denied_with_the_state(stack, api, login, app_a, clock):
    _, challenge = pkce()
    query = auth_query(app_a, "profile:read", challenge, state="s" * 20)
    reply = consent(api, login(stack.fresh_person()), query, decision="deny")
    assert reply.status == 200
    back = parse_qs(urlsplit(reply.body["redirect_to"]).query)
    assert back["error"] == ["access_denied"] and back["state"] == ["s" * 20]


def test_revoked_consent_stops_at_once_and_shows_as_revoked(stack, api, login, app_a, clock):
    person = login(stack.fresh_person())
    answer = connect(api, person, app_a, READS)
    assert api.get("/v1/me", token=answer["access_token"]).status == 200
    listed = api.get("/v1/me/apps", token=person).body["items"]
    grant = next(g for g in listed if g["status"] == "active")
    assert grant["app_name"] == "示范健康" and grant["operator"]
    assert api.request("DELETE", f"/v1/me/apps/{grant['grant_id']}", token=person).status == 200
    assert api.get("/v1/me", token=answer["access_token"]).status == 401
    assert refresh(api, app_a, answer["refresh_token"]).status == 400
    after = api.get("/v1/me/apps", token=person).body["items"]
    assert next(g for g in after if g["grant_id"] == grant["grant_id"])["status"] == "revoked"


def test_someone_else_cannot_revoke_or_see_a_grant(stack, api, login, app_a, clock):
    owner, other = login(stack.fresh_person()), login(stack.fresh_person())
    answer = connect(api, owner, app_a, READS)
    grant_id = api.get("/v1/me/apps", token=owner).body["items"][0]["grant_id"]
    assert api.get("/v1/me/apps", token=other).body["items"] == []
    refused = api.request("DELETE", f"/v1/me/apps/{grant_id}", token=other)
    assert refused.status == 404
    assert api.get("/v1/me", token=answer["access_token"]).status == 200
    assert api.get("/v1/me/app-access", token=other).body["items"] == []


def test_the_app_revokes_through_rfc_7009(stack, api, login, app_a, clock):
    answer = connect(api, login(stack.fresh_person()), app_a, READS)
    reply = form(api, "/v1/oauth/revoke", {"token": answer["refresh_token"]}, app_a.basic())
    assert reply.status == 200
    assert api.get("/v1/me", token=answer["access_token"]).status == 401
    unknown = form(api, "/v1/oauth/revoke", {"token": "ybrt_nothing"}, app_a.basic())
    assert unknown.status == 200  # RFC 7009 §2.2: an unknown token is no error


def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_grant(
    stack, api, login, app_a, clock
):
    answer = connect(api, login(stack.fresh_person()), app_a, READS)
    first = refresh(api, app_a, answer["refresh_token"])
    assert first.status == 200, first.text
    assert first.body["refresh_token"] != answer["refresh_token"]
    assert api.get("/v1/me", token=first.body["access_token"]).status == 200
    reused = refresh(api, app_a, answer["refresh_token"])
    assert reused.status == 400 and reused.body["error"] == "invalid_grant"
    assert api.get("/v1/me", token=first.body["access_token"]).status == 401
    assert refresh(api, app_a, first.body["refresh_token"]).status == 400


def test_an_expired_grant_cannot_refresh(stack, api, login, app_a, clock):
    answer = connect(api, login(stack.fresh_person()), app_a, READS)
    clock.advance(days=400)
    reply = refresh(api, app_a, answer["refresh_token"])
    assert reply.status == 400 and reply.body["error"] == "invalid_grant"
    assert "access_token" not in reply.body


def test_a_suspended_app_stops_at_once(stack, api, login, clock):
    from chalicelib.bootstrap import container
    from chalicelib.services.apps import set_app_status

    app = register(READS)
    answer = connect(api, login(stack.fresh_person()), app, READS)
    set_app_status(container().oauth(), app.client_id, "suspended")
    assert api.get("/v1/me", token=answer["access_token"]).status == 401
    reply = refresh(api, app, answer["refresh_token"])
    assert reply.status == 401 and reply.body["error"] == "invalid_client"
    set_app_status(container().oauth(), app.client_id, "active")
    assert api.get("/v1/me", token=answer["access_token"]).status == 200


# --- bad requests, refused as RFC 6749 says, nothing issued ---------------------------------


def _authorize(api, query):
    return api.get("/v1/oauth/authorize?" + query)


def test_a_good_request_goes_to_the_consent_page(api, app_a):
    _, challenge = pkce()
    query = auth_query(app_a, "profile:read", challenge)
    reply = _authorize(api, query)
    assert reply.status == 302 and reply.headers["Location"] == "/consent.html?" + query


def test_a_wrong_redirect_is_refused_without_redirecting(api, app_a):
    _, challenge = pkce()
    reply = _authorize(api, auth_query(app_a, "profile:read", challenge,
                                       redirect_uri="https://evil.example/callback"))
    assert reply.status == 400 and "Location" not in reply.headers
    assert reply.body["error"] == "invalid_request"
    prefix = _authorize(api, auth_query(app_a, "profile:read", challenge,
                                        redirect_uri="https://app.example/callback/x"))
    assert prefix.status == 400
    missing = _authorize(api, auth_query(app_a, "profile:read", challenge, redirect_uri=None))
    assert missing.status == 400


def test_an_unknown_client_is_refused_without_redirecting(api, app_a):
    _, challenge = pkce()
    reply = _authorize(api, auth_query(app_a, "profile:read", challenge, client_id="app_nobody"))
    assert reply.status == 400 and reply.body["error"] == "invalid_client"


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"state": None}, "invalid_request"),
        ({"state": "short"}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
        ({"scope": "account:read"}, "invalid_scope"),
        ({"scope": None}, "invalid_scope"),
        ({"response_type": "token"}, "unsupported_response_type"),
    ],
)
def test_a_bad_request_is_sent_back_to_the_app_with_its_error(api, app_a, change, error):
    _, challenge = pkce()
    change = {"scope": "profile:read", **change}
    scope = change.pop("scope")
    reply = _authorize(api, auth_query(app_a, scope, challenge, **change))
    assert reply.status == 302, reply.text
    location = reply.headers["Location"]
    assert location.startswith(app_a.redirect + "?")
    assert parse_qs(urlsplit(location).query)["error"] == [error]
    assert "code=" not in location


def test_a_bad_request_is_never_consented(stack, api, login, app_a):
    _, challenge = pkce()
    query = auth_query(app_a, "profile:read", challenge, code_challenge_method="plain")
    reply = consent(api, login(stack.fresh_person()), query, ["profile:read"])
    assert reply.status == 200  # back to the app with the error, as at the authorize step
    back = parse_qs(urlsplit(reply.body["redirect_to"]).query)
    assert back["error"] == ["invalid_request"] and "code" not in back
    unknown = auth_query(app_a, "profile:read", challenge, client_id="app_nobody")
    refused = consent(api, login(stack.fresh_person()), unknown, ["profile:read"])
    assert refused.status == 400 and refused.body["error"] == "invalid_client"


def test_a_wrong_verifier_a_reused_code_and_another_clients_code_are_refused(
    stack, api, login, app_a, app_b, clock
):
    token = login(stack.fresh_person())
    verifier, challenge = pkce()
    query = auth_query(app_a, "profile:read", challenge)
    code = code_of(consent(api, token, query, ["profile:read"]))
    wrong = exchange(api, app_a, code, pkce()[0])
    assert wrong.status == 400 and wrong.body["error"] == "invalid_grant"
    assert "access_token" not in wrong.body
    # the code was spent by the failed try: it never works again
    assert exchange(api, app_a, code, verifier).body["error"] == "invalid_grant"

    code = code_of(consent(api, token, query, ["profile:read"]))
    stolen = exchange(api, app_b, code, verifier, redirect_uri=app_a.redirect)
    assert stolen.status == 400 and stolen.body["error"] == "invalid_grant"
    first = exchange(api, app_a, code, verifier)
    assert first.status == 200
    again = exchange(api, app_a, code, verifier)
    assert again.status == 400 and again.body["error"] == "invalid_grant"
    # RFC 6749 §4.1.2: a code used twice revokes what it gave
    assert api.get("/v1/me", token=first.body["access_token"]).status == 401


def test_a_wrong_secret_a_wrong_redirect_at_the_token_endpoint_issue_nothing(
    stack, api, login, app_a, clock
):
    token = login(stack.fresh_person())
    verifier, challenge = pkce()
    code = code_of(consent(api, token, auth_query(app_a, "profile:read", challenge),
                           ["profile:read"]))
    import base64

    bad = {"Authorization": "Basic " + base64.b64encode(f"{app_a.client_id}:x".encode()).decode()}
    reply = form(api, "/v1/oauth/token", {"grant_type": "authorization_code", "code": code,
                                          "redirect_uri": app_a.redirect,
                                          "code_verifier": verifier}, bad)
    assert reply.status == 401 and reply.body["error"] == "invalid_client"
    moved = exchange(api, app_a, code, verifier, redirect_uri="https://app.example/other")
    assert moved.status == 400 and "access_token" not in moved.body
    for grant in ("password", "implicit"):
        refused = form(api, "/v1/oauth/token", {"grant_type": grant}, app_a.basic())
        assert refused.status in (400, 422) and "access_token" not in refused.text


def test_a_request_with_characters_outside_printable_ascii_is_400_never_a_server_error(
    stack, api, login, app_a
):
    """RFC 6749 Appendix A: every parameter is printable ASCII (the fuzzer found a 500)."""
    _, challenge = pkce()
    for change in ({"response_type": "\u00ac]"}, {"state": "\x17" + "s" * 20},
                   {"client_id": "app\u00c4"}):
        query = auth_query(app_a, "profile:read", challenge, **change)
        for reply in (_authorize(api, query), api.get("/v1/oauth/consent?" + query)):
            assert reply.status == 400, reply.text
            assert "Location" not in reply.headers and reply.body["error"]
        decided = consent(api, login(stack.fresh_person()), query, ["profile:read"])
        assert decided.status == 400 and "code=" not in decided.text
