"""RFC 9457 problem details: the one table from domain errors to HTTP."""

from __future__ import annotations

import json
from typing import Any

from chalice.app import Response

from chalicelib import errors

PROBLEM_BASE = "https://yibao.example/problems/"
PROBLEM_JSON = "application/problem+json"

STATUS: dict[type[errors.DomainError], int] = {
    errors.MalformedRequest: 400,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.PayloadTooLarge: 413,
    errors.UnsupportedMediaType: 415,
    errors.ValidationFailed: 422,
    errors.RuleViolation: 422,
    errors.CodeInvalid: 400,
    errors.TooManyRequests: 429,
    errors.StoreUnavailable: 503,
}

# Problems that Chalice or the gateway produce themselves, by status.
_GENERIC: dict[int, tuple[str, str, str, str, str]] = {
    # status: (slug, title, title_zh, detail, detail_zh)
    404: (
        "not-found",
        "Not found",
        "没有找到",
        "There is nothing at this address.",
        "这个地址没有内容。",
    ),
    405: (
        "method-not-allowed",
        "Method not allowed",
        "不支持的请求方法",
        "This address does not accept this method.",
        "这个地址不支持这种请求方法。",
    ),
    415: (
        "unsupported-media-type",
        "Unsupported content type",
        "内容类型不支持",
        "Send the body as JSON with Content-Type: application/json.",
        "请以 JSON 格式发送，并设置 Content-Type: application/json。",
    ),
    500: (
        "internal",
        "Internal error",
        "系统出错了",
        "Something went wrong on our side. Please try again later and quote the X-Request-Id; "
        "if you were changing something, look whether it took effect before you repeat it.",
        "系统暂时出错，请稍后再试。如果您正在办理业务，请先查看是否已办成，再决定是否重新办理。",
    ),
}


def status_of(error: errors.DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def problem_body(
    slug: str, title: str, title_zh: str, status: int, detail: str, detail_zh: str, **extra: Any
) -> dict[str, Any]:
    return {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "title_zh": title_zh,
        "status": status,
        "detail": detail,
        "detail_zh": detail_zh,
        **extra,
    }


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False),
        status_code=int(body["status"]),
        headers={"Content-Type": PROBLEM_JSON, **(headers or {})},
    )


def from_error(error: errors.DomainError, instance: str | None = None) -> Response:
    status = status_of(error)
    extra: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if instance:
        extra["instance"] = instance
    if error.code:
        extra["code"] = error.code
    if isinstance(error, errors.ValidationFailed):
        extra["errors"] = [
            {
                "path": e.path,
                "pointer": e.pointer,
                "code": e.code,
                "detail": e.detail,
                "detail_zh": e.detail_zh,
            }
            for e in error.errors
        ]
    if isinstance(error, (errors.TooManyRequests, errors.StoreUnavailable)):
        headers["Retry-After"] = str(error.retry_after)
        extra["retry_after"] = error.retry_after
    body = problem_body(
        error.slug, error.title, error.title_zh, status, error.detail, error.detail_zh, **extra
    )
    return problem_response(body, headers)


def generic(status: int, instance: str | None = None) -> Response:
    slug, title, title_zh, detail, detail_zh = _GENERIC.get(status, _GENERIC[500])
    extra = {"instance": instance} if instance else {}
    return problem_response(problem_body(slug, title, title_zh, status, detail, detail_zh, **extra))
