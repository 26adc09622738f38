"""Money (金额) and ratios: yuan decimal strings at the edges, integer fen inside.

Input amounts are decimal strings in yuan with 0–2 decimal places (``"1234.5"``),
at most 100,000,000.00 and never negative; output amounts have exactly two
decimals (``"1234.50"``). Ratios are decimal strings in [0, 1] (``"0.125"``);
policy percentages are whole or decimal percentage points (``"7.5"``). All
arithmetic is exact (``int`` fen, ``Fraction``); rounding is half up, once, where
the contract says so.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import cast

FEN_PER_YUAN = 100
MAX_INPUT_FEN = 100_000_000 * FEN_PER_YUAN
"""Each input amount is at most 100,000,000.00 yuan (totals may exceed it)."""

ZERO = Fraction(0)
HUNDRED = Fraction(100)
"""Shared constants (a Fraction is immutable): making one costs ~1.5 µs."""

MAX_RATIO_PLACES = 18
"""A ratio string has at most this many decimal places (bounded input)."""

# Matched with fullmatch: a trailing newline is never part of a number.
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_AMOUNT = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]{1,2})?")
_RATIO = re.compile(rf"(?:0|1)(?:\.[0-9]{{1,{MAX_RATIO_PLACES}}})?")
_PCT = re.compile(r"(?:0|[1-9][0-9]{0,2})(?:\.[0-9]{1,4})?")


class MoneyError(ValueError):
    """A value that is not a valid amount or ratio; ``code`` is stable, texts are plain words."""

    def __init__(self, code: str, text_en: str, text_zh: str) -> None:
        super().__init__(text_en)
        self.code = code
        self.text_en = text_en
        self.text_zh = text_zh


def round_half_up(value: Fraction | int) -> int:
    """Round to the nearest integer, halves away from zero (四舍五入).

    In integers: for n/d >= 0, floor(n/d + 1/2) = (2n + d) // (2d), no Fraction made.
    """
    if isinstance(value, int):
        return value
    n, d = value.numerator, value.denominator
    if n < 0:
        return -((d - 2 * n) // (2 * d))
    return (2 * n + d) // (2 * d)


def round_div(n: int, d: int) -> int:
    """``n / d`` (``d > 0``) rounded half up, in integers: ``round_half_up(Fraction(n, d))``."""
    if n < 0:
        return -((d - 2 * n) // (2 * d))
    return (2 * n + d) // (2 * d)


def round_share(fen: int, ratio: Fraction) -> int:
    """``ratio × fen`` rounded half up, in integer arithmetic (``round_half_up(ratio * fen)``).

    ``as_integer_ratio`` reads both parts in one call (``numerator`` and ``denominator``
    are each a property call): this runs once per catalogue B item."""
    n, d = ratio.as_integer_ratio()
    n *= fen
    if n < 0:
        return -((d - 2 * n) // (2 * d))
    return (2 * n + d) // (2 * d)


def parse_yuan(text: object) -> int:
    """An input amount in yuan (``"1234.5"``) as integer fen; raises :class:`MoneyError`."""
    if type(text) is str:  # the common, well-formed amount, without a regular expression
        whole, dot, decimals = text.partition(".")
        if (
            0 < len(whole) <= 9
            and whole.isascii()
            and whole.isdigit()
            and (whole[0] != "0" or whole == "0")
            and (
                not dot or (0 < len(decimals) <= 2 and decimals.isascii() and decimals.isdigit())
            )
        ):
            cents = int(decimals.ljust(2, "0")) if decimals else 0
            fen = int(whole) * FEN_PER_YUAN + cents
            if fen <= MAX_INPUT_FEN:
                return fen
    return _checked_yuan(text)


def _checked_yuan(text: object) -> int:
    """:func:`parse_yuan` step by step, so that a bad amount is named for what is wrong."""
    if not isinstance(text, str):
        raise MoneyError(
            "type",
            'must be a decimal string in yuan, e.g. "1234.50"',
            '金额应写成以元为单位的数字字符串，如"1234.50"',
        )
    if len(text) > 40 or not _DECIMAL.fullmatch(text):
        raise MoneyError(
            "format",
            'not an amount in yuan, e.g. "1234.50"',
            '金额格式不对，应如"1234.50"',
        )
    if text.startswith("-"):
        raise MoneyError("negative", "negative amount", "金额不能为负数")
    whole, _, decimals = text.partition(".")
    if len(decimals) > 2:
        raise MoneyError("decimals", "more than two decimal places", "金额最多两位小数")
    if not _AMOUNT.fullmatch(text):
        raise MoneyError(
            "format",
            'not an amount in yuan, e.g. "1234.50" (no leading zeros)',
            '金额格式不对，应如"1234.50"（不要以0开头）',
        )
    if len(whole) > 9 or int(whole) * FEN_PER_YUAN + int(decimals.ljust(2, "0")) > MAX_INPUT_FEN:
        raise MoneyError("too_large", "more than 100000000.00", "金额不能超过100,000,000.00元")
    return int(whole) * FEN_PER_YUAN + int(decimals.ljust(2, "0"))


_RATIOS: dict[str, Fraction] = {}
"""Ratios already read (a bill repeats a few, ``"0.1"``): Fraction(text) costs ~3 µs."""
_MAX_RATIOS = 256


def parse_ratio(text: object) -> Fraction:
    """A ratio in [0, 1] (``"0.125"``) as an exact fraction; raises :class:`MoneyError`."""
    if type(text) is str:
        known = _RATIOS.get(text)
        if known is not None:
            return known
    value = _checked_ratio(text)
    if len(_RATIOS) < _MAX_RATIOS:
        _RATIOS[cast(str, text)] = value
    return value


def _checked_ratio(text: object) -> Fraction:
    if not isinstance(text, str):
        raise MoneyError(
            "type",
            'must be a decimal string between 0 and 1, e.g. "0.1"',
            '比例应写成0到1之间的数字字符串，如"0.1"',
        )
    if len(text) > 40 or not _DECIMAL.fullmatch(text):
        raise MoneyError("format", 'not a ratio, e.g. "0.1"', '比例格式不对，应如"0.1"')
    if len(text.partition(".")[2]) > MAX_RATIO_PLACES:
        raise MoneyError(
            "decimals",
            f"more than {MAX_RATIO_PLACES} decimal places",
            f"比例最多{MAX_RATIO_PLACES}位小数",
        )
    value = Fraction(text)
    if value < 0 or value > 1:
        raise MoneyError("range", "must be between 0 and 1", "比例应在0到1之间")
    if not _RATIO.fullmatch(text):
        raise MoneyError("format", 'not a ratio, e.g. "0.1"', '比例格式不对，应如"0.1"')
    return value


def parse_pct(text: str) -> Fraction:
    """Policy percentage points (``"85"``, ``"7.5"``) as an exact fraction of points.

    The policy schema has already checked the shape; this raises ``ValueError``
    only for text it cannot read.
    """
    if not _PCT.fullmatch(text):
        raise ValueError(f"not percentage points: {text!r}")
    return Fraction(text)


def parse_policy_yuan(text: str) -> int:
    """A policy amount in yuan (no input bound) as integer fen."""
    if not _AMOUNT.fullmatch(text):
        raise ValueError(f"not an amount in yuan: {text!r}")
    whole, _, decimals = text.partition(".")
    return int(whole) * FEN_PER_YUAN + int(decimals.ljust(2, "0"))


def format_fen(fen: int) -> str:
    """Integer fen as yuan with exactly two decimals (``123450`` → ``"1234.50"``)."""
    if fen < 0:
        return "-" + format_fen(-fen)
    whole, cents = divmod(fen, FEN_PER_YUAN)
    return f"{whole}.{CENTS_TEXT[cents]}"


CENTS_TEXT = tuple(f"{n:02d}" for n in range(FEN_PER_YUAN))
"""``"00"`` to ``"99"``: one divmod and a look-up take half the time of ``//``, ``%`` and
``:02d`` (an answer formats ~20 amounts)."""


def format_pct(points: Fraction) -> str:
    """Percentage points for plain text: ``Fraction(85)`` → ``"85"``, ``7.5`` → ``"7.5"``."""
    if points.denominator == 1:
        return str(points.numerator)
    text = f"{float(points):.4f}".rstrip("0").rstrip(".")
    return text


def share(fen: int, points: Fraction) -> Fraction:
    """``points`` percent of ``fen``, exact (not yet rounded)."""
    return Fraction(points.numerator * fen, points.denominator * 100)


def round_pct(fen: int, points: Fraction) -> int:
    """``points`` percent of ``fen`` rounded half up: ``round_half_up(share(fen, points))``."""
    n, d = points.as_integer_ratio()  # both parts in one call, as in round_share
    n *= fen
    d *= 100
    if n < 0:
        return -((d - 2 * n) // (2 * d))
    return (2 * n + d) // (2 * d)
