"""Shared plumbing of the HTTP adapters: routes, bodies, schemas, tokens, errors.

Handlers stay a dozen lines: :func:`route` registers a view that turns domain
errors into problem responses, :func:`json_body` reads and validates a body
against its JSON Schema, :func:`require_scope` checks the bearer token.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Callable
from typing import Any, TypeVar

from chalice.app import Blueprint, Request, Response

from chalicelib import errors, sessions
from chalicelib.api import problems
from chalicelib.errors import FieldError
from chalicelib.errors import field_error as field_error  # the handlers' 422 for one field
from chalicelib.ports import TokenClaims
from chalicelib.schemas import validator

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
ANY_CONTENT_TYPE = ["*/*"]  # we check it ourselves, to answer with a problem body

F = TypeVar("F", bound=Callable[..., Any])


def route(bp: Blueprint, path: str, method: str) -> Callable[[F], F]:
    """Register ``view`` on ``bp``; a domain error becomes an RFC 9457 response.

    No answer leaves for a signed-out token: the bearer's session is checked before
    the answer if no read did it on the way (chalicelib/sessions.py), refusals included.
    """

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            sessions.clear()
            try:
                answer = view(*args, **kwargs)
                sessions.settle()
                return answer
            except errors.DomainError as exc:
                refusal = exc
                try:
                    sessions.settle()
                except errors.DomainError as ended:
                    refusal = ended
                return problems.from_error(refusal)
            finally:
                sessions.clear()

        bp.route(path, methods=[method], content_types=ANY_CONTENT_TYPE)(wrapped)
        return view

    return decorate


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


FORM = "application/x-www-form-urlencoded"


def _content_type(request: Request) -> str:
    return (request.headers.get("content-type") or "").split(";")[0].strip().lower()


def _raw(request: Request) -> bytes:
    raw = request.raw_body or b""
    if isinstance(raw, str):
        raw = raw.encode()
    if len(raw) > MAX_BODY_BYTES:
        raise errors.PayloadTooLarge(
            f"The body is larger than {MAX_BODY_BYTES // 1024} KB.",
            f"请求内容超过 {MAX_BODY_BYTES // 1024} KB。",
        )
    return raw


def _checked(data: Any, schema: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise errors.ValidationFailed(
            [
                FieldError(
                    "$", "", "type", "The body must be a JSON object.", "请求内容应为 JSON 对象。"
                )
            ]
        )
    field_errors = validator(schema).field_errors(data)
    if field_errors:
        raise errors.ValidationFailed(field_errors)
    return data


def form_or_json_body(request: Request, schema: str) -> dict[str, Any]:
    """A form-encoded (OAuth 2.0 style) or JSON body, checked against its schema."""
    if _content_type(request) != FORM:
        return json_body(request, schema)
    from urllib.parse import parse_qsl

    try:
        pairs = parse_qsl(_raw(request).decode("utf-8"), strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        pairs = None
    if pairs is None or len({k for k, _ in pairs}) != len(pairs):
        raise errors.MalformedRequest(
            "The form body is not valid (UTF-8, each field once).", "表单内容格式不对。"
        )
    return _checked(dict(pairs), schema)


def _whole_as_int(text: str) -> int | float:
    """``2027.0`` is the integer 2027 (JSON has one number type); ``1.5`` stays a float.

    The one place where whole-number floats meet the integer fields of every schema:
    the schema's ``integer`` admits 2027.0, so the handlers must see an ``int``.
    """
    value = float(text)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def json_body(request: Request, schema: str) -> dict[str, Any]:
    """The request body as a dict, checked against ``schemas/<schema>``."""
    if _content_type(request) != "application/json":
        raise errors.UnsupportedMediaType(
            "Send the body as JSON with Content-Type: application/json.",
            "请以 JSON 格式发送，并设置 Content-Type: application/json。",
        )
    raw = _raw(request)
    try:
        data = json.loads(
            raw.decode("utf-8"),
            parse_constant=_reject_constant,
            parse_float=_whole_as_int,
            object_pairs_hook=_no_duplicates,
        )
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise errors.MalformedRequest(
            "The body is not valid JSON (UTF-8, no duplicate keys, no NaN or Infinity).",
            "请求内容不是有效的 JSON，请检查格式。",
        ) from None
    return _checked(data, schema)


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise errors.Unauthorized(
            "Sign in first: send 'Authorization: Bearer <access token>'.",
            "请先登录。",
        )
    return token.strip()


def require_scope(claims: TokenClaims, scope: str) -> None:
    if scope not in claims.scopes:
        raise errors.Forbidden(
            f"This token does not carry the scope '{scope}'.",
            "当前授权不包含这项权限。",
        )


def client_ip(request: Request) -> str:
    identity = (request.context or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "unknown")


def query_param(request: Request, name: str) -> str | None:
    """One query string parameter, or None."""
    params: Any = request.query_params or {}
    value = params.get(name)
    return None if value is None else str(value)


_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


def idempotency_key(request: Request) -> str | None:
    """The ``Idempotency-Key`` header, if any; 422 when it is not 8–64 safe characters."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not _IDEMPOTENCY_KEY.fullmatch(key):
        raise field_error(
            "Idempotency-Key",
            "idempotency_key",
            "Idempotency-Key must be 8–64 letters, digits or . _ : - (a UUID is ideal).",
            "请求编号(Idempotency-Key)应为8到64位字母、数字或 . _ : -。",
        )
    return str(key)
