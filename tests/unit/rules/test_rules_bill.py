"""Parsing a bill: typed values, defaults, and one error naming the field.

The parser and ``schemas/bill.schema.json`` must agree on which bills are valid:
a property test mutates valid bills and compares the two.
"""

from __future__ import annotations

import copy
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rules_kit import a, b, bill, c
from rules_strategies import EXAMPLES, bills

from chalicelib.rules.bill import BillError, Ytd, parse_bill

ROOT = Path(__file__).resolve().parents[3]


def error_of(doc: Any) -> str:
    with pytest.raises(BillError) as caught:
        parse_bill(doc)
    text = str(caught.value)
    assert "\n" not in text
    return text


def test_a_full_bill_is_typed_in_fen_and_fractions() -> None:
    doc = bill(
        a("1234.5"),
        b("100", "0.125", material=True, consent=True),
        person={"scheme": "employee", "tier_pct": 87.5, "groups": ["dibao"], "chronic": True},
        visit={"kind": "chronic_outpatient", "diagnoses": ["C34.9"], "remote_filing": "long_term"},
        ytd={"basic_paid": "10.01"},
        account_balance="99.9",
        use_account=True,
    )
    parsed = parse_bill(doc)
    assert parsed.items[0].amount == 123450
    assert parsed.items[1].b_self_ratio == Fraction(1, 8)
    assert parsed.items[1].material and parsed.items[1].consent
    assert parsed.person.tier_pct == Fraction(175, 2)
    assert parsed.person.groups == frozenset({"dibao"})
    assert parsed.visit.diagnoses == ("C34.9",)
    assert parsed.ytd == Ytd(basic_paid=1001)
    assert parsed.account_balance == 9990
    assert parsed.total == 133450


def test_defaults_and_null_as_absent() -> None:
    doc = bill(
        a("1"),
        person={"retired": None, "groups": None, "chronic": None, "tier_pct": None},
        visit={"referral": None, "remote_filing": None, "diagnoses": None},
        ytd=None,
        account_balance=None,
        use_account=None,
    )
    parsed = parse_bill(doc)
    assert parsed.person.retired is False and parsed.person.groups == frozenset()
    assert parsed.visit.remote_filing == "none" and parsed.visit.diagnoses == ()
    assert parsed.ytd == Ytd() and parsed.account_balance == 0 and not parsed.use_account


def test_retirees_with_the_years_need_no_tier() -> None:
    person = {"scheme": "employee", "retired": True, "years_met": True}
    assert parse_bill(bill(person=person)).person.tier_pct is None


def test_residents_need_no_tier() -> None:
    assert parse_bill(bill(person={"retired": True})).person.tier_pct is None


def _set(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


def _drop(doc: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    node = doc
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return doc


BASE = bill(a("10"), a("20"), a("30"))


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (
            _set(BASE, ("items", 2, "amount"), "1.234"),
            "items[2].amount: more than two decimal places",
        ),
        (_set(BASE, ("items", 2, "amount"), "-1"), "items[2].amount: negative amount"),
        (
            _set(BASE, ("items", 0, "amount"), "100000000.01"),
            "items[0].amount: more than 100000000.00",
        ),
        (
            _set(BASE, ("items", 0, "amount"), "1000000000"),
            "items[0].amount: more than 100000000.00",
        ),
        (_set(BASE, ("items", 0, "amount"), 12.5), "items[0].amount: must be a decimal string"),
        (_set(BASE, ("items", 0, "amount"), "1e3"), "items[0].amount: not an amount"),
        (_set(BASE, ("items", 0, "amount"), "007"), "items[0].amount: not an amount"),
        (_set(BASE, ("items", 0, "amount"), " 7"), "items[0].amount: not an amount"),
        (_drop(BASE, ("items", 1, "amount")), "items[1].amount: required"),
        (_set(BASE, ("items", 1, "amount"), None), "items[1].amount: required"),
        (_set(BASE, ("items", 1, "catalogue"), "D"), "items[1].catalogue: must be one of"),
        (
            _set(BASE, ("items", 1, "b_self_ratio"), "0.1"),
            "items[1].b_self_ratio: allowed only on catalogue B",
        ),
        (
            bill(b("10", "0.1"), {"code": "B2", "catalogue": "B", "amount": "1"}),
            "items[1].b_self_ratio: required",
        ),
        (bill(b("10", "1.5")), "items[0].b_self_ratio: must be between 0 and 1"),
        (bill(b("10", "-0.1")), "items[0].b_self_ratio: must be between 0 and 1"),
        (bill(b("10", 0.1)), "items[0].b_self_ratio: must be a decimal string"),
        (bill(a("10", material=True)), "items[0].consent: required when material is true"),
        (bill(a("10", material="yes")), "items[0].material: must be true or false"),
        (bill(a("10", code="")), "items[0].code: must be 1 to 64"),
        (bill(a("10", code="x" * 65)), "items[0].code: must be 1 to 64"),
        (_set(BASE, ("items", 0, "price"), "1"), "items[0].price: unknown field"),
        (_set(BASE, ("items", 0, "bad\nkey"), "1"), 'items[0]["bad\\nkey"]: unknown field'),
        (_set(BASE, ("items",), []), "items: at least 1 needed"),
        (_set(BASE, ("items",), [a("1")] * 1001), "items: at most 1000 allowed"),
        (_set(BASE, ("items",), {}), "items: must be a list"),
        (_set(BASE, ("items", 0), "A"), "items[0]: must be an object"),
        (_drop(BASE, ("region",)), "region: required"),
        (_set(BASE, ("region",), "99010"), "region: must be a 6-digit region code"),
        (_set(BASE, ("date",), "2023-02-30"), "date: must be a real date"),
        (_set(BASE, ("date",), "2023-2-3"), "date: must be a real date"),
        (_set(BASE, ("person", "scheme"), "farmer"), "person.scheme: must be one of"),
        (_set(BASE, ("person", "scheme"), "employee"), "person.tier_pct: required for an employee"),
        (
            _set(BASE, ("person", "tier_pct"), -1),
            "person.tier_pct: must be a number from 0 to 1000",
        ),
        (_set(BASE, ("person", "tier_pct"), True), "person.tier_pct: must be a number"),
        (_set(BASE, ("person", "tier_pct"), "80"), "person.tier_pct: must be a number"),
        (_set(BASE, ("person", "groups"), ["rich"]), "person.groups[0]: must be one of"),
        (_set(BASE, ("person", "groups"), ["dibao", "dibao"]), "person.groups[1]: listed twice"),
        (
            _set(BASE, ("person", "groups"), ["poverty_exited"]),
            "person.poverty_exit_year: required",
        ),
        (
            _set(BASE, ("person", "poverty_exit_year"), 1800),
            "person.poverty_exit_year: must be a year",
        ),
        (_set(BASE, ("person", "retired"), 1), "person.retired: must be true or false"),
        (_set(BASE, ("visit", "hospital_level"), 4), "visit.hospital_level: must be 1, 2 or 3"),
        (_set(BASE, ("visit", "hospital_level"), True), "visit.hospital_level: must be 1, 2 or 3"),
        (_set(BASE, ("visit", "location"), "abroad"), "visit.location: must be one of"),
        (_set(BASE, ("visit", "remote_filing"), "yes"), "visit.remote_filing: must be one of"),
        (
            _set(BASE, ("visit", "diagnoses"), ["c34.9"]),
            "visit.diagnoses[0]: must be an ICD-10 code",
        ),
        (_set(BASE, ("visit", "diagnoses"), ["I10"] * 21), "visit.diagnoses: at most 20 allowed"),
        (
            _set(BASE, ("ytd",), {"basic_paid": "1.001"}),
            "ytd.basic_paid: more than two decimal places",
        ),
        (_set(BASE, ("ytd",), {"paid": "1"}), "ytd.paid: unknown field"),
        (_set(BASE, ("account_balance",), "-5"), "account_balance: negative amount"),
        (_set(BASE, ("use_account",), "true"), "use_account: must be true or false"),
        (_set(BASE, ("extra",), 1), "extra: unknown field"),
        ([], "(document): must be an object"),
    ],
)
def test_bad_input_names_the_field(doc: Any, expected: str) -> None:
    assert error_of(doc).startswith(expected)


def test_amount_bounds_are_inclusive() -> None:
    doc = bill(a("100000000.00"), a("0"), c("0.5"), ytd={"critical_burden": "100000000"})
    parsed = parse_bill(doc)
    assert parsed.items[0].amount == 10_000_000_000
    assert parsed.total == 10_000_000_050


def test_bill_error_carries_a_stable_code_and_chinese_words() -> None:
    with pytest.raises(BillError) as caught:
        parse_bill(_set(BASE, ("items", 2, "amount"), "1.234"))
    assert caught.value.path == "items[2].amount"
    assert caught.value.code == "decimals"
    assert caught.value.text_zh == "金额最多两位小数"


# --- the schema and the parser agree ---------------------------------------------------------

ODD_VALUES = [
    None,
    True,
    False,
    0,
    1,
    2,
    2.0,
    2.5,
    -1,
    1001,
    "",
    "x",
    "1",
    "1.5",
    "1.234",
    "-1",
    "01",
    "100000000.00",
    "100000000.01",
    "0.5",
    "1.0",
    "1.5",
    "C34.9",
    "c34.9",
    "2023-02-30",
    "2024-01-31",
    "990101",
    "employee",
    "resident",
    "B",
    "none",
    "long_term",
    "poverty_exited",
    "inpatient",
    [],
    ["dibao"],
    ["dibao", "dibao"],
    ["poverty_exited"],
    {},
    {"x": 1},
    2016,
]


def _paths(node: Any, path: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Every key and index path in a JSON document."""
    children: list[tuple[Any, Any]] = []
    if isinstance(node, dict):
        children = list(node.items())
    elif isinstance(node, list):
        children = list(enumerate(node))
    out: list[tuple[Any, ...]] = []
    for key, value in children:
        out += [(*path, key), *_paths(value, (*path, key))]
    return out


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    doc = draw(bills())
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc, ())
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["set", "drop", "add"]))
        if action == "set":
            doc = _set(doc, path, draw(st.sampled_from(ODD_VALUES)))
        elif action == "drop" and isinstance(path[-1], str):
            doc = _drop(doc, path)
        elif action == "add":
            parent = path[:-1]
            node = doc
            for key in parent:
                node = node[key]
            if isinstance(node, dict):
                key = draw(
                    st.sampled_from(
                        [
                            "extra",
                            "consent",
                            "material",
                            "b_self_ratio",
                            "tier_pct",
                            "poverty_exit_year",
                            "years_met",
                        ]
                    )
                )
                doc = _set(doc, (*parent, key), draw(st.sampled_from(ODD_VALUES)))
    return doc


def _validator() -> Any:
    import jsonschema

    schema = json.loads((ROOT / "schemas" / "bill.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


VALIDATOR = _validator()


@settings(max_examples=EXAMPLES * 2, deadline=None)
@given(st.one_of(bills(), mutated()))
def test_the_schema_and_the_parser_agree(doc: Any) -> None:
    schema_ok = VALIDATOR.is_valid(doc)
    try:
        parse_bill(doc)
        parser_ok = True
    except BillError:
        parser_ok = False
    assert schema_ok == parser_ok, (doc, [e.message for e in VALIDATOR.iter_errors(doc)])
