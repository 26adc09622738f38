"""Domain errors: plain exceptions that one table in ``api/problems.py`` maps to HTTP.

Each carries a stable ``slug`` (the problem type) and plain words in English and
Chinese that say what went wrong and what to do next. Never match on the text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One invalid field: JSON path (``$.items[2].amount``), pointer, stable code, plain words."""

    path: str
    pointer: str
    code: str
    detail: str
    detail_zh: str


class DomainError(Exception):
    slug = "error"
    title = "Error"
    title_zh = "出错了"

    def __init__(self, detail: str, detail_zh: str, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.detail_zh = detail_zh
        self.code = code  # a stable reason within the type, e.g. "already_lost"


def field_error(name: str, code: str, detail: str, detail_zh: str) -> ValidationFailed:
    """422 for one top-level field (a body field or a query parameter)."""
    return ValidationFailed([FieldError(f"$.{name}", f"/{name}", code, detail, detail_zh)])


def invalid_cursor() -> ValidationFailed:
    """A paging cursor that did not come from us (or no longer fits): start again."""
    return field_error(
        "cursor", "cursor", "This cursor is not valid.", "翻页参数无效，请从第一页重新查看。"
    )


class ValidationFailed(DomainError):
    slug = "validation"
    title = "Invalid request"
    title_zh = "请求有误"

    def __init__(
        self,
        errors: list[FieldError],
        detail: str = "Some fields are not valid; see errors.",
        detail_zh: str = "有内容填写不正确，请按提示修改。",
    ) -> None:
        super().__init__(detail, detail_zh)
        self.errors = errors


class MalformedRequest(DomainError):
    slug = "malformed-request"
    title = "Malformed request"
    title_zh = "请求格式不对"


class PayloadTooLarge(DomainError):
    slug = "payload-too-large"
    title = "Request too large"
    title_zh = "请求内容过大"


class UnsupportedMediaType(DomainError):
    slug = "unsupported-media-type"
    title = "Unsupported content type"
    title_zh = "内容类型不支持"


class Unauthorized(DomainError):
    slug = "unauthorized"
    title = "Not signed in"
    title_zh = "未登录或登录已过期"


class Forbidden(DomainError):
    slug = "forbidden"
    title = "Not allowed"
    title_zh = "没有权限"


class NotFound(DomainError):
    slug = "not-found"
    title = "Not found"
    title_zh = "没有找到"


class Conflict(DomainError):
    slug = "conflict"
    title = "Conflict"
    title_zh = "状态冲突"


class CardTransitionRefused(Conflict):
    """The card's state does not allow this (e.g. unfreeze after a replacement request)."""

    slug = "card-transition-refused"
    title = "Not possible in the card's current state"
    title_zh = "医保卡当前状态不能办理"


class CardNotUsable(Conflict):
    """A card reported lost or frozen cannot settle a bill."""

    slug = "card-not-usable"
    title = "Card reported lost or frozen"
    title_zh = "医保卡已挂失或冻结"


class VoucherRefused(Conflict):
    """An electronic voucher (医保电子凭证) that cannot identify anyone: not ours, tampered,
    expired, or used already (``code`` says which)."""

    slug = "voucher-refused"
    title = "Electronic voucher not accepted"
    title_zh = "医保电子凭证不能使用"


class RuleViolation(DomainError):
    slug = "rule-violation"
    title = "Not allowed by the rules"
    title_zh = "不符合办理条件"


class CodeInvalid(DomainError):
    slug = "code-invalid"
    title = "Wrong or expired code"
    title_zh = "验证码不对或已失效"


class TooManyRequests(DomainError):
    slug = "too-many-requests"
    title = "Too many requests"
    title_zh = "操作太频繁"

    def __init__(self, detail: str, detail_zh: str, retry_after: int) -> None:
        super().__init__(detail, detail_zh)
        self.retry_after = retry_after


class StoreUnavailable(DomainError):
    """The database did not answer (unreachable, throttled past the retries, a write conflict).

    Whether a write took effect is unknown to us: the words say so, and point to the
    Idempotency-Key, whose retry gives the one result.
    """

    slug = "service-unavailable"
    title = "Temporarily unavailable"
    title_zh = "系统暂时繁忙"
    retry_after = 2

    def __init__(self) -> None:
        super().__init__(
            "The database did not answer in time. If you were changing something, we cannot "
            "tell whether it took effect: send the same request again with the same "
            f"Idempotency-Key in {self.retry_after} seconds and you get its one result, or look "
            "before you repeat it.",
            "系统暂时繁忙，未能确认这次办理是否完成。请在"
            f"{self.retry_after}秒后重试同一请求（同一请求编号不会重复办理），或先查看结果再决定。",
        )
