"""Domain errors map to RFC 9457 bodies; request bodies are checked against their schema."""

from __future__ import annotations

import json

from chalicelib import errors
from chalicelib.api import problems
from chalicelib.schemas import validator


def test_every_domain_error_has_a_status_and_a_slug():
    kinds = [c for c in vars(errors).values()
             if isinstance(c, type) and issubclass(c, errors.DomainError)
             and c is not errors.DomainError]
    assert kinds
    for kind in kinds:
        assert any(base in problems.STATUS for base in kind.__mro__), kind
        assert kind.slug and kind.title and kind.title_zh


def test_a_rate_limit_problem_says_when_to_retry():
    response = problems.from_error(errors.TooManyRequests("wait", "请稍后", 42))
    body = json.loads(response.body)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "42"
    assert response.headers["Content-Type"] == "application/problem+json"
    assert body["type"] == "https://yibao.example/problems/too-many-requests"
    assert body["retry_after"] == 42


def test_field_errors_name_the_path_once_each():
    found = validator("auth-otp-request").field_errors(
        {"id_number": "12", "phone": 5, "extra": True}
    )
    assert [e.path for e in found] == ["$.extra", "$.id_number", "$.phone"]
    assert [e.pointer for e in found] == ["/extra", "/id_number", "/phone"]
    assert all(e.detail_zh for e in found)


def test_a_missing_field_is_named():
    [error] = validator("auth-token-request").field_errors({"id_number": "530302196001011239"})
    assert error.path == "$.code" and error.code == "required"
