"""Bad input always gets a clear 4xx problem body, never a 500, and changes nothing."""

from __future__ import annotations

import json

import pytest

OTP = "/v1/auth/otp"
VALID = {"id_number": "530302196001011239", "phone": "13812345678"}


def problem(reply, status, slug):
    assert reply.status == status, reply.text
    assert reply.content_type.startswith("application/problem+json")
    assert reply.body["type"] == f"https://yibao.example/problems/{slug}"
    assert reply.body["status"] == status
    assert reply.body["title"] and reply.body["detail"] and reply.body["detail_zh"]
    return reply.body


@pytest.mark.parametrize(
    "raw",
    [b"{bad", b"", b"\xff\xfe", b'{"id_number": NaN}', b'{"a": 1, "a": 2}', b"[" * 100_00],
)
def test_malformed_json_is_400(api, raw):
    problem(api.request("POST", OTP, raw=raw, headers={"Content-Type": "application/json"}),
            400, "malformed-request")


def test_wrong_content_type_is_415(api):
    reply = api.request("POST", OTP, raw=json.dumps(VALID).encode(),
                        headers={"Content-Type": "text/plain"})
    problem(reply, 415, "unsupported-media-type")


def test_a_body_over_64_kb_is_413(api):
    big = json.dumps({**VALID, "pad": "x" * 70_000}).encode()
    problem(api.request("POST", OTP, raw=big, headers={"Content-Type": "application/json"}),
            413, "payload-too-large")


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({**VALID, "extra": 1}, "$.extra"),
        ({"phone": VALID["phone"]}, "$.id_number"),
        ({**VALID, "id_number": 1e308}, "$.id_number"),
        ({**VALID, "id_number": 10**400}, "$.id_number"),
        ({**VALID, "phone": "1381234567\u0000"}, "$.phone"),
        ({**VALID, "phone": "138\n12345678"}, "$.phone"),
        ([VALID], "$"),
        ("text", "$"),
    ],
)
def test_invalid_fields_are_422_with_their_paths(api, body, path):
    reply = api.post(OTP, body)
    found = problem(reply, 422, "validation")
    assert path in [e["path"] for e in found["errors"]]


def test_unknown_method_is_405_with_a_problem_body(api):
    reply = api.request("DELETE", "/v1/me")
    problem(reply, 405, "method-not-allowed")
    assert reply.headers.get("Allow") == "GET"


def test_every_response_has_a_request_id(api):
    reply = api.get("/v1/meta")
    assert reply.status == 200 and len(reply.headers["X-Request-Id"]) >= 16
