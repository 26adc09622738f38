"""Money: yuan strings ↔ integer fen, round half up, ratios."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from chalicelib.rules.explain import yuan
from chalicelib.rules.money import (
    MAX_INPUT_FEN,
    MoneyError,
    format_fen,
    format_pct,
    parse_ratio,
    parse_yuan,
    round_half_up,
)


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("0", 0),
        ("0.5", 50),
        ("1234.5", 123_450),
        ("1234.56", 123_456),
        ("100000000.00", MAX_INPUT_FEN),
    ],
)
def test_parse_yuan(text: str, fen: int) -> None:
    assert parse_yuan(text) == fen


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("-1", "negative"),
        ("-0.001", "negative"),
        ("1.234", "decimals"),
        ("100000000.01", "too_large"),
        ("9" * 39, "too_large"),
        ("9" * 50, "format"),
        ("01", "format"),
        ("1.", "format"),
        (".5", "format"),
        ("1e2", "format"),
        ("1,000", "format"),
        ("12.50\n", "format"),
        ("", "format"),
        (12.5, "type"),
        (None, "type"),
    ],
)
def test_bad_amounts(value: object, code: str) -> None:
    with pytest.raises(MoneyError) as caught:
        parse_yuan(value)
    assert caught.value.code == code


@given(st.integers(0, MAX_INPUT_FEN))
def test_yuan_round_trips(fen: int) -> None:
    assert parse_yuan(format_fen(fen)) == fen


def test_format_fen_has_exactly_two_decimals() -> None:
    assert format_fen(0) == "0.00"
    assert format_fen(5) == "0.05"
    assert format_fen(123_450) == "1234.50"
    assert format_fen(-5) == "-0.05"


@given(st.one_of(st.integers(-(10**6), 10**6), st.integers(-(10**16), 10**16)))
@example(99_999)
@example(100_000)
@example(-100_000)
def test_amounts_are_written_as_decimal_writes_them(fen: int) -> None:
    """The JSON's amounts and a person's text (thousands separators), both with two
    decimals, against ``Decimal``'s own formatting of the same yuan."""
    exact = Decimal(fen) / 100
    assert format_fen(fen) == f"{exact:.2f}"
    assert yuan(fen) == f"{exact:,.2f}"


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (Fraction(5, 2), 3),
        (Fraction(3, 2), 2),
        (Fraction(249, 100), 2),
        (Fraction(-5, 2), -3),
        (Fraction(0), 0),
        (7, 7),
    ],
)
def test_round_half_up(value: Fraction, rounded: int) -> None:
    assert round_half_up(value) == rounded


@pytest.mark.parametrize(
    ("text", "ratio"),
    [("0", Fraction(0)), ("1", Fraction(1)), ("1.000", Fraction(1)), ("0.125", Fraction(1, 8))],
)
def test_parse_ratio(text: str, ratio: Fraction) -> None:
    assert parse_ratio(text) == ratio


@pytest.mark.parametrize("text", ["1.5", "-0.1", "2", "0." + "1" * 19, "abc", ".5"])
def test_bad_ratios(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_ratio(text)


def test_format_pct() -> None:
    assert format_pct(Fraction(85)) == "85"
    assert format_pct(Fraction(15, 2)) == "7.5"
    assert format_pct(Fraction(53, 10)) == "5.3"
