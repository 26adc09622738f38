"""The account summary kept beside the balance shows what the whole statement shows."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.rules.account_summary import KEPT, AccountSummary, summarise

PERIODS = [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)]


def _naive_months(opening: int, lines: list[dict], periods: list[str]) -> list[tuple[str, int]]:
    """The month-end balances as the statement gives them: every line, summed in order."""
    month_end, balance = {}, opening
    for line in lines:
        balance += line["amount"]
        month_end[line["period"]] = balance
    out, carried = [], opening
    for period in periods:
        earlier = [p for p in month_end if p <= period]
        carried = month_end[max(earlier)] if earlier else carried
        out.append((period, carried))
    return out


@st.composite
def statements(draw):
    count = draw(st.integers(0, 40))
    index = st.integers(0, len(PERIODS) - 1)
    chosen = sorted(draw(st.lists(index, min_size=count, max_size=count)))
    lines = []
    for n, index in enumerate(chosen):
        period = PERIODS[index]
        kind = draw(st.sampled_from(["credit", "settlement", "reversal", "family", "pharmacy"]))
        lines.append({
            "at": f"{period}-{1 + n % 28:02d}T09:00:{n % 60:02d}+08:00", "period": period,
            "kind": kind, "amount": draw(st.integers(-50_000, 50_000)),
            "detail": {"text_zh": f"第{n}行", "text_en": f"line {n}"},
        })
    lines.sort(key=lambda x: x["at"])
    return draw(st.integers(0, 10**7)), lines


@given(statements(), st.integers(11, len(PERIODS) - 1))
def test_the_summary_gives_every_12_month_window_the_statement_gives(statement, last):
    opening, lines = statement
    window = PERIODS[last - 11 : last + 1]
    # only windows at or after the latest line: the account read shows the months up to now
    if lines and lines[-1]["period"] > window[-1]:
        window = PERIODS[-12:]
    summary = summarise(opening, lines)
    assert summary.months(window) == _naive_months(opening, lines, window)
    assert len(summary.ends) <= KEPT
    credits = [line for line in lines if line["kind"] == "credit"]
    if credits:
        last = credits[-1]
        assert summary.latest_credit == {
            "period": last["period"], "amount": last["amount"],
            "text_zh": last["detail"]["text_zh"], "text_en": last["detail"]["text_en"],
        }
    else:
        assert summary.latest_credit is None
    assert summary.as_of == (lines[-1]["at"] if lines else None)


@given(statements())
def test_the_summary_survives_its_json(statement):
    summary = summarise(*statement)
    assert AccountSummary.from_json(summary.to_json()) == summary


def test_a_summary_of_a_long_statement_stays_small():
    import json

    lines = [
        {"at": f"{y}-{m:02d}-05T09:00:00+08:00", "period": f"{y}-{m:02d}", "kind": "credit",
         "amount": 12345, "detail": {"text_zh": "个人账户划入" * 5, "text_en": "credit " * 10}}
        for y in range(2010, 2027) for m in range(1, 13)
    ]
    summary = summarise(0, lines)
    assert len(json.dumps(summary.to_json(), ensure_ascii=False).encode()) < 1024
    assert summary.months(PERIODS[-12:])[-1] == ("2026-12", 12345 * len(lines))
