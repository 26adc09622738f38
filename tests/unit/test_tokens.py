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


def _signed(**changes: object) -> str:
    claims: dict[str, object] = {
        "iss": "yibao",
        "aud": "yibao-api",
        "sub": "p123",
        "jti": "j1",
        "scope": "citizen",
        "iat": NOW,
        "nbf": NOW,
        "exp": NOW + 900,
    }
    claims.update(changes)
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, KEY, algorithm="HS256")


@pytest.mark.parametrize(
    "changes",
    [
        {"exp": "abc"},
        {"exp": [NOW + 900]},
        {"exp": True},
        {"iat": "now"},
        {"nbf": {"a": 1}},
        {"sub": ["p123", "p456"]},
        {"jti": 7},
        {"scope": ["citizen"]},
        {"ext": "x"},
        {"iat": None},  # required
        {"exp": None},  # required
        {"exp": NOW + 10 * 365 * 86400},  # far in the future: longer than we ever issue
        {"iat": NOW + 3600, "nbf": NOW + 3600, "exp": NOW + 3600 + 900},  # issued later
    ],
    ids=lambda c: ",".join(f"{k}={v!r}" for k, v in c.items()),
)
def test_a_token_signed_with_our_key_but_odd_claims_is_a_401(changes):
    """Right key, wrong claims: refused as a sign-in problem, never a 500, never accepted."""
    service = JwtTokenService(KEY, 900)
    assert service.verify(_signed(), NOW).subject == "p123"  # the control
    with pytest.raises(Unauthorized):
        service.verify(_signed(**changes), NOW)


FRESH_PROCESS = """
import sys
import app  # noqa: F401  (the Lambda's first import: tokens come with it)
from chalicelib.adapters.tokens import JwtTokenService, jwt

service = JwtTokenService("k" * 40, 900)
token, _ = service.issue("p123", ["citizen"], 1_800_000_000)
assert service.verify(token, 1_800_000_001).subject == "p123"
print("cryptography" in sys.modules, jwt.algorithms.has_crypto)
header, claims, signature = token.split(".")
unsigned = jwt.utils.base64url_encode(b'{"alg":"none","typ":"JWT"}').decode() + "." + claims + "."
try:
    service.verify(unsigned, 1_800_000_001)
    print("accepted")
except Exception as refused:
    print(type(refused).__name__)
from cryptography.hazmat.primitives import hashes  # hidden only while PyJWT was imported
print(hashes.SHA256.name)
"""


def test_a_fresh_process_checks_tokens_without_importing_cryptography():
    """HS256 needs only the standard library's hmac: a cold start does not import the
    RSA/EC package (~10 ms); ``alg: none`` is still refused; the package imports afterwards."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS], cwd=root, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "Unauthorized", "sha256"]


def test_a_token_that_passed_is_refused_once_it_expires():
    """The signature is checked once per token; the times on every call."""
    service = JwtTokenService(KEY, 900)
    token, _ = service.issue("p123", ["citizen"], NOW)
    assert service.verify(token, NOW + 10).subject == "p123"
    with pytest.raises(Unauthorized):
        service.verify(token, NOW + 900)
    with pytest.raises(Unauthorized):  # nor before it was issued (beyond the 60 s of skew)
        service.verify(token, NOW - 61)


def test_a_changed_token_is_refused_after_the_genuine_one_passed():
    service = JwtTokenService(KEY, 900)
    token, _ = service.issue("p123", ["citizen"], NOW, {"hospital_id": "H1"})
    assert service.verify(token, NOW).extra == {"hospital_id": "H1"}
    header, claims, signature = token.split(".")
    forged = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(claims).replace(b"H1", b"H2")
    ).decode()
    for changed in (f"{header}.{forged}.{signature}", f"{header}.{claims}.{signature[:-2]}AA"):
        with pytest.raises(Unauthorized):
            service.verify(changed, NOW)


def test_a_token_of_another_key_is_refused_by_a_service_that_passed_it_under_its_own():
    ours, theirs = JwtTokenService(KEY, 900), JwtTokenService("x" * 40, 900)
    token, _ = ours.issue("p123", ["citizen"], NOW)
    assert ours.verify(token, NOW).subject == "p123"
    with pytest.raises(Unauthorized):
        theirs.verify(token, NOW)


def test_what_a_caller_does_with_its_claims_does_not_reach_the_next_request():
    service = JwtTokenService(KEY, 900)
    token, _ = service.issue("c1", ["settlements:write"], NOW, {"hospital_id": "H1"})
    service.verify(token, NOW).extra["hospital_id"] = "H2"
    assert service.verify(token, NOW).extra == {"hospital_id": "H1"}
