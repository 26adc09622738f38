"""Whether the bearer's sign-in was ended (退出登录): checked once in every request.

A token stays signed until its ``exp``; logging out leaves a revocation record of
its ``jti`` in the person's own partition until then (adapters/dynamodb/sessions.py).
The check costs no request of its own where it can help it: the handler's read of
the person's partition brings the records along (the ``ME#`` Query, the account's
pages, a GetItem made a BatchGetItem) and :func:`seen` settles the check with them.
A store call that cannot bring them (a write, another person's data, a page by
cursor) first checks on its own: :func:`guarded` wraps each repository method in
:func:`settle`, and so does the route, before the answer leaves. Fail closed: no
store call and no answer goes out for a session nobody has checked.

The state is one per request (a context variable: each thread of the local server
has its own), set by :func:`expect` when the token is verified, cleared by the route.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from chalicelib.errors import Unauthorized

T = TypeVar("T")


@dataclass
class _Pending:
    person_id: str
    token_id: str
    revoked: Callable[[str, str], bool]  # (person_id, token_id) -> ended? One read.
    settled: bool = False


_current: ContextVar[_Pending | None] = ContextVar("yibao_session", default=None)


def signed_out() -> Unauthorized:
    return Unauthorized(
        "You have signed out on this device. Please sign in again.",
        "您已退出登录，请重新登录。",
        code="signed_out",
    )


def expect(person_id: str, token_id: str, revoked: Callable[[str, str], bool]) -> None:
    """This request speaks for ``person_id`` with the token ``token_id``: check it once."""
    _current.set(_Pending(person_id, token_id, revoked))


def clear() -> None:
    _current.set(None)


def wanted(person_id: str) -> str | None:
    """The token id a read of ``person_id``'s partition should look for, while unchecked."""
    pending = _current.get()
    if pending is None or pending.settled or pending.person_id != person_id:
        return None
    return pending.token_id


def seen(person_id: str, ended: Iterable[str]) -> None:
    """A read of ``person_id``'s partition found the revocations of tokens ``ended``
    (all of them that the read could see); refuse if the request's token is one."""
    token_id = wanted(person_id)
    if token_id is None:
        return
    pending = _current.get()
    assert pending is not None
    pending.settled = True
    if token_id in set(ended):
        raise signed_out()


def settle() -> None:
    """Check the session now (one read) unless a read has already done it."""
    pending = _current.get()
    if pending is None or pending.settled:
        return
    pending.settled = True
    if pending.revoked(pending.person_id, pending.token_id):
        raise signed_out()


def brings_check(method: Callable[..., T]) -> Callable[..., T]:
    """Mark a repository method whose read of the person's partition settles the check
    itself (through :func:`seen`): :func:`guarded` does not check before it."""
    method.brings_session_check = True  # type: ignore[attr-defined]
    return method


C = TypeVar("C", bound=type)


def guarded(cls: C) -> C:
    """Settle the session before each public method of a repository (but those marked
    :func:`brings_check`), so that no write or other read happens for an ended session."""
    for name, method in list(vars(cls).items()):
        if name.startswith("_") or not inspect.isfunction(method):  # static helpers: not calls
            continue
        if getattr(method, "brings_session_check", False):
            continue
        setattr(cls, name, _settled_first(method))
    return cls


def _settled_first(method: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.isgeneratorfunction(method):

        @functools.wraps(method)
        def generator(*args: Any, **kwargs: Any) -> Iterator[Any]:
            settle()
            yield from method(*args, **kwargs)

        return generator

    @functools.wraps(method)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        settle()
        return method(*args, **kwargs)

    return wrapped
