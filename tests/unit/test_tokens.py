"""Access tokens: signed, short-lived, checked against our own clock."""

from __future__ import annotations

import jwt
import pytest

from chalicelib.adapters.tokens import JwtTokenService
from chalicelib.errors import Unauthorized

KEY = "k" * 40
NOW = 1_800_000_000


def test_a_token_round_trips_with_subject_and_scopes():
    service = JwtTokenService(KEY, 900)
    token, lifetime = service.issue("p123", ["citizen"], NOW)
    claims = service.verify(token, NOW + 899)
    assert lifetime == 900
    assert claims.subject == "p123" and claims.scopes == ("citizen",)


def test_an_expired_token_is_refused():
    service = JwtTokenService(KEY, 900)
    token, _ = service.issue("p123", ["citizen"], NOW)
    with pytest.raises(Unauthorized):
        service.verify(token, NOW + 900)


@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
def test_other_algorithms_and_keys_are_refused(algorithm):
    service = JwtTokenService(KEY, 900)
    token, _ = service.issue("p123", ["citizen"], NOW)
    claims = jwt.decode(token, options={"verify_signature": False})
    with pytest.raises(Unauthorized):
        service.verify(jwt.encode(claims, KEY, algorithm=algorithm), NOW)
    with pytest.raises(Unauthorized):
        service.verify(jwt.encode(claims, "x" * 40, algorithm="HS256"), NOW)


def test_a_short_signing_key_is_a_configuration_error():
    with pytest.raises(ValueError):
        JwtTokenService("short", 900)
