"""The fast paths (``_well_formed_items``, ``parse_yuan``) read exactly what the checked ones read.

A bill of 300 items is read field by field across the list; the fast path takes a list
of common, well-formed items and leaves everything else to the item-by-item check,
which names the fault. Both must agree on every list: the same typed items, or the
fast path declines (None) and the checked path decides.
"""

from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from chalicelib.rules.bill import BillError, _checked_item, _well_formed_item, _well_formed_items
from chalicelib.rules.money import MoneyError, _checked_yuan, parse_yuan

ANY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.floats(allow_nan=False, max_value=10, min_value=-10),
    st.sampled_from(["", "A", "B", "C", "a", " A", "0", "1", "0.1", "1.5", "x"]),
    st.lists(st.integers(0, 1), max_size=1),
)
AMOUNTS = st.one_of(
    st.sampled_from(
        ["0", "0.5", "1.05", "12.345", "01", "1.", "-1", "100000000.00", "100000000.01", "1e2"]
    ),
    st.from_regex(r"[0-9]{1,10}(\.[0-9]{1,3})?", fullmatch=True),
    ANY,
)
RATIOS = st.one_of(
    st.sampled_from(["0", "0.1", "0.125", "1", "1.0", "1.01", "-0.1", "0.1234567890123456789"]),
    ANY,
)
FIELDS: dict[str, Any] = {
    "code": st.one_of(st.sampled_from(["I1", "X-2/3", "-a", "a" * 64, "a" * 65, "码"]), ANY),
    "catalogue": st.one_of(st.sampled_from(["A", "B", "C"]), ANY),
    "amount": AMOUNTS,
    "b_self_ratio": RATIOS,
    "material": ANY,
    "consent": ANY,
    "extra": ANY,
}
ITEMS = st.fixed_dictionaries({}, optional=FIELDS)


def _checked(value: object) -> object:
    try:
        return _checked_item(value, 0)
    except BillError as e:
        return e


@settings(max_examples=1000, deadline=None)
@given(st.one_of(ITEMS, ANY))
@example({"code": "I1", "catalogue": "A", "amount": "1.00", "material": 1, "consent": True})
@example({"code": "I1", "catalogue": "A", "amount": "1.00", "material": True})
@example({"code": "I1", "catalogue": "B", "amount": "1.00", "b_self_ratio": "0.1"})
@example({"code": "I1", "catalogue": "C", "amount": "1.00", "b_self_ratio": None})
def test_the_fast_path_agrees_with_the_checked_path(value: Any) -> None:
    fast = _well_formed_item(value)
    checked = _checked(value)
    if isinstance(checked, BillError):
        assert fast is None, (value, checked)
    else:
        assert fast is None or fast == checked, (value, fast, checked)


def test_the_fast_path_takes_the_common_items() -> None:
    """Not a fast path that always declines: the usual A, B and C lines go through it."""
    for value in (
        {"code": "I1", "catalogue": "A", "amount": "150.45"},
        {"code": "I2", "catalogue": "B", "amount": "187.45", "b_self_ratio": "0.1"},
        {"code": "I7", "catalogue": "C", "amount": "800.00", "material": True, "consent": False},
    ):
        assert _well_formed_item(value) == _checked_item(value, 0)


GOOD = [
    {"code": "I1", "catalogue": "A", "amount": "150.45"},
    {"code": "I2", "catalogue": "B", "amount": "187.45", "b_self_ratio": "0.1"},
    {"code": "I7", "catalogue": "C", "amount": "800.00", "material": True, "consent": False},
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(GOOD), ITEMS, ANY), min_size=1, max_size=6))
@example([GOOD[0], {"code": "I1\nI2", "catalogue": "A", "amount": "1.00"}])
@example([GOOD[0], {"code": "I2", "catalogue": "A", "amount": "1.00\n2.00"}])
@example([GOOD[0], {"code": "I2", "catalogue": "A", "amount": "1.00\n"}])
@example([GOOD[0], {"code": "I2", "catalogue": "A", "amount": "1\n2.5"}])
@example([GOOD[0], {"code": "I2", "catalogue": "A", "amount": "100000000.01"}])
@example([GOOD[0], {"code": "I2", "catalogue": "A", "amount": "1.5", "material": True}])
def test_a_list_is_read_as_its_items_are_read_one_by_one(values: list[Any]) -> None:
    """Field by field across the list: one item's fields never stand in for another's."""
    fast = _well_formed_items(values)
    checked = [_checked(value) for value in values]
    if any(isinstance(item, BillError) for item in checked):
        assert fast is None, (values, checked)
    else:
        assert fast is None or list(fast) == checked, (values, fast, checked)


def test_the_fast_path_takes_a_list_of_common_items() -> None:
    """Amounts with 0, 1 or 2 decimals, flags present or not, codes with . _ / -."""
    values = [
        *GOOD,
        {"code": "X-2/3_a.b", "catalogue": "A", "amount": "7"},
        {"code": "I9", "catalogue": "B", "amount": "0.5", "b_self_ratio": "0.125"},
        {"code": "I10", "catalogue": "C", "amount": "100000000.00", "b_self_ratio": None},
    ]
    fast = _well_formed_items(values)
    assert fast is not None
    assert list(fast) == [_checked_item(value, i) for i, value in enumerate(values)]
    assert [item.amount for item in fast] == [15045, 18745, 80000, 700, 50, 10_000_000_000]


@settings(max_examples=1000, deadline=None)
@given(AMOUNTS)
@example("0")
@example("00")
@example("0.05")
@example("999999999")
@example("１２")  # full-width digits are not an amount
@example("1.5\n")
def test_parse_yuan_agrees_with_the_checked_amount(text: Any) -> None:
    try:
        expected: object = _checked_yuan(text)
    except MoneyError as e:
        expected = e.code
    try:
        got: object = parse_yuan(text)
    except MoneyError as e:
        got = e.code
    assert got == expected, text
