"""FHIR R4 read views for apps that speak FHIR (/v1/fhir/): thin handlers over the same
services as /v1/me; the scope each needs is in the one table (chalicelib/api/scopes.py)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import quote

from chalice.app import Blueprint, Response

from chalicelib.api.callers import caller
from chalicelib.api.http import field_error, query_param, route
from chalicelib.bootstrap import container, now_clock
from chalicelib.rules.identity import mask_name

bp = Blueprint(__name__)

NO_STORE = {"Cache-Control": "no-store"}
_LAST_UPDATED = re.compile(
    r"(ge|gt|le|lt)?(\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z))?)"
)
_CURSOR = re.compile(r"[A-Za-z0-9_=-]{1,400}")


def _fhir() -> Any:
    from chalicelib.services import fhir

    return fhir


def _answer(body: dict[str, Any]) -> Response:
    import json

    return Response(json.dumps(body, ensure_ascii=False), status_code=200,
                    headers={"Content-Type": _fhir().CONTENT_TYPE, **NO_STORE})


def _now() -> str:
    return now_clock(container()).now().isoformat(timespec="seconds")


@route(bp, "/v1/fhir/metadata", "GET")
def metadata() -> Response:
    return _answer(_fhir().capability_statement(_now()))


def _me() -> tuple[Any, dict[str, Any]]:
    from chalicelib.services.profile import get_me

    who = caller(bp.current_request)
    return who, get_me(container().persons, who.person_id)


@route(bp, "/v1/fhir/Patient", "GET")
def patients() -> Response:
    who, me = _me()
    resource = _fhir().patient(me, who.subject, mask_name(me["name"]))
    return _answer(_fhir().bundle([resource], "/v1/fhir/Patient"))


@route(bp, "/v1/fhir/Coverage", "GET")
def coverages() -> Response:
    who, me = _me()
    return _answer(_fhir().bundle([_fhir().coverage(me, who.subject)], "/v1/fhir/Coverage"))


@route(bp, "/v1/fhir/CoverageEligibilityResponse", "GET")
def eligibility() -> Response:
    from chalicelib.services import ledgers

    who = caller(bp.current_request)
    benefits = ledgers.benefits(container().ledgers(), who.person_id, None)
    resource = _fhir().eligibility(benefits, who.subject, _now())
    return _answer(_fhir().bundle([resource], "/v1/fhir/CoverageEligibilityResponse"))


def _bounds() -> list[tuple[str, datetime]]:
    request = bp.current_request
    params: Any = request.query_params or {}
    if "_lastUpdated" not in params:
        return []
    given = params.getlist("_lastUpdated") if hasattr(params, "getlist") else [
        params["_lastUpdated"]]
    bounds = []
    for text in given[:2]:
        found = _LAST_UPDATED.fullmatch(text)
        try:
            moment = datetime.fromisoformat(found[2].replace("Z", "+00:00")) if found else None
        except ValueError:
            moment = None
        if found is None or moment is None:
            raise field_error("_lastUpdated", "format",
                              "_lastUpdated is a date or time with an optional ge, gt, le or lt.",
                              "_lastUpdated 应为日期或时间，可加 ge、gt、le、lt 前缀。")
        if moment.tzinfo is None:  # a date: the person's day (Asia/Shanghai)
            moment = moment.replace(tzinfo=now_clock(container()).now().tzinfo)
        bounds.append((found[1] or "ge", moment))
    return bounds


def _settled_range(bounds: list[tuple[str, datetime]]) -> tuple[str | None, str | None]:
    """The ``_lastUpdated`` bounds as the half-open range of ``settled_at`` the store reads
    in its key condition: ISO text at +08:00 with milliseconds, as settlements keep it."""
    from datetime import timedelta

    from chalicelib.adapters.clock import CHINA

    tick = timedelta(milliseconds=1)  # the finest step of a settlement's time

    def text(moment: datetime, step: timedelta, start: bool) -> str | None:
        """Past the calendar's ends (year 1, year 9999) a bound takes all (None: that side
        open) or nothing (a start above every time, an end below every time)."""
        try:
            return (moment + step).astimezone(CHINA).isoformat(timespec="milliseconds")
        except OverflowError:
            late = moment.year > 1
            return ("~" if late else None) if start else (None if late else "")

    starts = [b for p, b in bounds if p in ("ge", "gt")]
    ends = [b for p, b in bounds if p in ("le", "lt")]
    start, end = (max(starts) if starts else None), (min(ends) if ends else None)
    after = tick if ("gt", start) in bounds else timedelta()  # gt: from the next instant
    upto = timedelta() if ("lt", end) in bounds else tick  # le: up to the next instant
    return (None if start is None else text(start, after, True),
            None if end is None else text(end, upto, False))


@route(bp, "/v1/fhir/ExplanationOfBenefit", "GET")
def explanations() -> Response:
    from chalicelib.services import settlements

    request = bp.current_request
    who = caller(request)
    count = query_param(request, "_count")
    count = "20" if count is None else count
    if not count.isdigit() or not 1 <= int(count) <= 100:
        raise field_error("_count", "range", "_count is a whole number from 1 to 100.",
                          "_count 应为1到100的整数。")
    cursor = query_param(request, "_cursor")
    if cursor is not None and not _CURSOR.fullmatch(cursor):
        raise field_error("_cursor", "pattern", "_cursor is the next link's.", "翻页参数不对。")
    bounds = _bounds()
    store = container().settlements()
    page = settlements.my_settlements(store, who.person_id, int(count), cursor,
                                      _settled_range(bounds))
    shown = page["settlements"]
    query = f"_count={count}" + "".join(
        f"&_lastUpdated={p}{quote(b.isoformat())}" for p, b in bounds)
    next_url = f"/v1/fhir/ExplanationOfBenefit?{query}&_cursor={page['next_cursor']}" \
        if page["next_cursor"] else None
    lines = settlements.bill_lines(store, who.person_id, [s["settlement_id"] for s in shown])
    fhir = _fhir()
    resources = [fhir.explanation_of_benefit(s, who.subject, lines.get(s["settlement_id"]))
                 for s in shown]
    return _answer(fhir.bundle(resources, f"/v1/fhir/ExplanationOfBenefit?{query}", next_url))
