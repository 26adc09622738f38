"""Loading policy files: the packaged versions, picking by date, and errors naming file + field."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from chalicelib.rules.policy import (
    PACKAGED_POLICIES,
    Cited,
    PolicyError,
    PolicyNotFound,
    load_policy,
    load_policy_dir,
    packaged_policies,
    parse_policy,
    policy_in_force,
)

ROOT = Path(__file__).resolve().parents[3]
REFORM = PACKAGED_POLICIES / "990101" / "2022-01-01.json"
ORIGINAL = PACKAGED_POLICIES / "990101" / "2012-07-01.json"
FIRST = PACKAGED_POLICIES / "990101" / "2010-01-01.json"


def doc_of(path: Path = REFORM) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def write(folder: Path, doc: Any, name: str = "990101/2022-01-01.json") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def error_of(folder: Path, doc: Any, name: str = "990101/2022-01-01.json") -> str:
    write(folder, doc, name)
    with pytest.raises(PolicyError) as caught:
        load_policy_dir(folder)
    text = str(caught.value)
    assert "\n" not in text
    return text


# --- the packaged policies -------------------------------------------------------------------


def test_the_packaged_folder_validates() -> None:
    policies = packaged_policies()
    assert sorted(p.version for p in policies) == ["2010-01-01", "2012-07-01", "2022-01-01"]
    assert {p.region for p in policies} == {"990101"}


@pytest.mark.parametrize(
    ("day", "version"),
    [
        (date(2010, 1, 1), "2010-01-01"),
        (date(2012, 6, 30), "2010-01-01"),
        (date(2012, 7, 1), "2012-07-01"),
        (date(2021, 12, 31), "2012-07-01"),
        (date(2022, 1, 1), "2022-01-01"),
        (date(2099, 12, 31), "2022-01-01"),
    ],
)
def test_the_version_in_force_is_picked_by_date(day: date, version: str) -> None:
    assert policy_in_force("990101", day).version == version


def test_no_version_before_the_first() -> None:
    with pytest.raises(PolicyNotFound) as caught:
        policy_in_force("990101", date(2009, 12, 31))
    assert caught.value.field == "date"


def test_an_unknown_region() -> None:
    with pytest.raises(PolicyNotFound) as caught:
        policy_in_force("123456", date(2024, 1, 1))
    assert caught.value.field == "region"


def test_demo_numbers_come_from_the_file() -> None:
    policy = policy_in_force("990101", date(2024, 1, 1))
    assert policy.average_wage.fen == 5_000_000
    assert policy.basic.inpatient_caps["employee"].fen == 30_000_000  # 6 × 50,000
    assert policy.basic.inpatient_caps["employee"].wage_multiple == 6
    assert policy.basic.inpatient_caps["resident"].fen == 12_000_000
    assert policy.basic.inpatient_caps["assisted_resident"].fen == 20_000_000
    assert policy.tiers.by_kind == {"inpatient": 60, "outpatient": 80, "chronic_outpatient": 95}
    assert (policy.contribution_years.male, policy.contribution_years.female) == (30, 25)
    assert policy.card.temporary_loss_lapse_days.days == 7
    assert policy.card.temporary_loss_lapse_days.cited.source.startswith("demo")
    assert policy.card.replacement_due_days.days == 7
    assert policy.card.replacement_due_days.cited.source == "000:413"
    assert policy.critical_illness.threshold_fen == 1_500_000
    assert [b.pct for b in policy.critical_illness.bands] == [60, 70, 80]
    assert policy.medical_assistance.by_group["tekun"].cap_fen is None
    assert policy.medical_assistance.by_group["low_income"].pct == 60
    assert policy.living_assistance.allowance_fen == 100_000
    assert policy.living_assistance.listed("C34.9") and policy.living_assistance.listed("D66")
    assert not policy.living_assistance.listed("D68")
    assert len(policy.living_assistance.major_diseases) == 98  # C00–C97
    assert [layer.id for layer in policy.layers] == [
        "basic",
        "critical_illness",
        "medical_assistance",
        "safety_net",
    ]
    assert policy.account_credit.by_age[0].pct == 2
    assert policy.account_credit.retiree_fixed_fen == 8000


@pytest.mark.parametrize("day", [date(2010, 1, 1), date(2015, 1, 1), date(2024, 1, 1)])
def test_the_contribution_numbers_come_from_every_version(day: date) -> None:
    c = policy_in_force("990101", day).contributions
    assert (c.rates.individual_pct, c.rates.employer_pct) == (2, 8)
    assert c.rates.cited == Cited("contributions.employee.rates", "002@1868")
    assert c.large_amount.pct == Fraction(8, 10)
    assert c.large_amount.cited.rule == "contributions.employee.large_amount"
    assert c.unemployment_floor.pct == 60
    assert c.unemployment_floor.cited.rule == "contributions.employee.unemployment_fund"
    assert c.flexible.rule == "contributions.employee.self"
    assert c.resident_standard.fen == 40_000
    assert c.resident_standard.cited.source.startswith("demo")
    assert c.resident_subsidy.by_group == {"tekun": None, "dibao": 13_000, "low_income": 13_000}
    assert c.resident_subsidy.cited == Cited("contributions.resident.subsidy", "000:135")
    window = c.enrolment_window
    assert (window.start.on(2024), window.end.on(2024)) == (date(2023, 9, 1), date(2023, 12, 31))
    assert window.cited.rule == "contributions.resident.enrolment_window"


def test_the_2012_version_has_the_age_bands_and_retiree_phases() -> None:
    policy = policy_in_force("990101", date(2013, 1, 1))
    bands = policy.account_credit.by_age
    assert [(b.up_to_age, b.pct) for b in bands] == [(45, 2), (None, Fraction(5, 2))]
    assert [p.pct for p in policy.account_credit.retiree_phases] == [
        Fraction(53, 10),
        5,
        Fraction(46, 10),
    ]


def _numbers_without_source(node: Any, path: str, sourced: bool) -> list[str]:
    if isinstance(node, dict):
        here = sourced or ("source" in node and path != "")
        return [
            miss
            for key, value in node.items()
            for miss in _numbers_without_source(value, f"{path}.{key}", here)
        ]
    if isinstance(node, list):
        return [
            miss
            for i, value in enumerate(node)
            for miss in _numbers_without_source(value, f"{path}[{i}]", sourced)
        ]
    numeric = (isinstance(node, int) and not isinstance(node, bool)) or (
        isinstance(node, str) and re.fullmatch(r"[0-9]+(\.[0-9]+)?", node) is not None
    )
    return [path] if numeric and not sourced and path != ".region" else []


@pytest.mark.parametrize("path", [FIRST, ORIGINAL, REFORM], ids=["2010", "2012", "2022"])
def test_every_number_has_its_source(path: Path) -> None:
    assert _numbers_without_source(doc_of(path), "", False) == []


def test_the_deployed_schema_copies_are_identical() -> None:
    for name in ("policy.schema.json", "bill.schema.json"):
        original = (ROOT / "schemas" / name).read_bytes()
        assert (ROOT / "chalicelib" / "schemas" / name).read_bytes() == original, name


def test_the_validator_is_compiled_once() -> None:
    from chalicelib.rules import policy

    assert policy._schema_validator() is policy._schema_validator()


# --- errors name the file and the field ------------------------------------------------------


def _without(doc: dict[str, Any], *path: Any) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    node = doc
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return doc


def _with(doc: dict[str, Any], value: Any, *path: Any) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


BASE = doc_of()
CASES: list[tuple[dict[str, Any], str]] = [
    (_without(BASE, "basic", "deductible", "employee"), "basic.deductible.employee: required"),
    (_with(BASE, 1, "extra"), "extra: unknown field"),
    (
        _with(BASE, "7.5.1", "basic", "ratio", "outpatient", "by_level", 0),
        "basic.ratio.outpatient.by_level[0]:",
    ),
    (
        _with(BASE, "120", "basic", "ratio", "inpatient", "resident", "by_level", 1),
        "basic.ratio.inpatient.resident.by_level[1]: a ratio above 100%",
    ),
    (
        _with(BASE, "101", "medical_assistance", "by_group", "tekun", "pct"),
        "medical_assistance.by_group.tekun.pct: a ratio above 100%",
    ),
    (
        _with(BASE, "96", "critical_illness", "bands", 2, "pct"),
        "critical_illness.bands[2].pct: a ratio above 100% with the assisted bonus",
    ),
    (
        _with(BASE, "40000.00", "critical_illness", "bands", 1, "up_to_yuan"),
        "critical_illness.bands[1].up_to_yuan: bands out of order",
    ),
    (
        _with(BASE, None, "critical_illness", "bands", 0, "up_to_yuan"),
        "critical_illness.bands[0].up_to_yuan: bands out of order",
    ),
    (
        _with(BASE, "200000.00", "critical_illness", "bands", 2, "up_to_yuan"),
        "critical_illness.bands[2].up_to_yuan: bands out of order",
    ),
    (
        _with(
            BASE,
            [{"up_to_age": None, "pct": "2"}, {"up_to_age": 45, "pct": "2"}],
            "account_credit",
            "in_service",
            "by_age",
        ),
        "account_credit.in_service.by_age[0].up_to_age: bands out of order",
    ),
    (
        _with(BASE, "2021-12-31", "effective_to"),
        "effective_to: before effective_from",
    ),
    (
        _with(BASE, "personal", "layers", 0, "base"),
        "layers[0].base: base personal is not allowed for basic",
    ),
    (
        _with(BASE, [BASE["layers"][1], BASE["layers"][0], *BASE["layers"][2:]], "layers"),
        "layers[0].id: basic must be the first layer",
    ),
    (
        _without(BASE, "medical_assistance", "by_group", "dibao"),
        "medical_assistance.by_group.dibao: missing",
    ),
    (
        _with(
            BASE,
            [*BASE["safety_net"]["guarantees"], BASE["safety_net"]["guarantees"][0]],
            "safety_net",
            "guarantees",
        ),
        "safety_net.guarantees[5].id: guarantee assisted_inpatient appears twice",
    ),
    (_with(BASE, "990102", "region"), "region: 990102 but the file is in folder 990101"),
    (_without(BASE, "contributions"), "contributions: required"),
    (
        _without(BASE, "contributions", "resident", "standard", "yuan"),
        "contributions.resident.standard.yuan: required",
    ),
    (
        _without(BASE, "contributions", "resident", "standard", "source"),
        "contributions.resident.standard.source: required",
    ),
    (
        _with(BASE, 400, "contributions", "resident", "standard", "yuan"),
        "contributions.resident.standard.yuan:",
    ),
    (
        _with(BASE, "2%", "contributions", "employee", "rates", "individual_pct"),
        "contributions.employee.rates.individual_pct:",
    ),
    (
        _with(BASE, "101", "contributions", "employee", "large_amount", "average_wage_pct"),
        "contributions.employee.large_amount.average_wage_pct: a ratio above 100%",
    ),
    (
        _with(BASE, "99", "contributions", "employee", "rates", "employer_pct"),
        "contributions.employee.rates.employer_pct: a ratio above 100% with the individual part",
    ),
    (
        _with(BASE, "500.00", "contributions", "resident", "subsidy", "by_group", "dibao"),
        "contributions.resident.subsidy.by_group.dibao: a subsidy above the standard",
    ),
    (
        _without(BASE, "contributions", "resident", "subsidy", "by_group", "low_income"),
        "contributions.resident.subsidy.by_group.low_income: missing",
    ),
    (
        _with(
            BASE,
            {"year": "before", "month": 11, "day": 31},
            "contributions",
            "resident",
            "enrolment_window",
            "to",
        ),
        "contributions.resident.enrolment_window.to.day: not a day of every year",
    ),
    (
        _with(
            BASE,
            {"year": "before", "month": 2, "day": 29},
            "contributions",
            "resident",
            "enrolment_window",
            "from",
        ),
        "contributions.resident.enrolment_window.from.day: not a day of every year",
    ),
    (
        _with(BASE, 13, "contributions", "resident", "enrolment_window", "from", "month"),
        "contributions.resident.enrolment_window.from.month:",
    ),
    (
        _with(
            BASE,
            {"year": "before", "month": 8, "day": 31},
            "contributions",
            "resident",
            "enrolment_window",
            "to",
        ),
        "contributions.resident.enrolment_window.to: the window ends before it starts",
    ),
    (_with(BASE, "2022-02-30", "effective_from"), "effective_from:"),
]


@pytest.mark.parametrize(("doc", "expected"), CASES)
def test_errors_name_the_file_and_the_field(tmp_path: Path, doc: Any, expected: str) -> None:
    assert error_of(tmp_path, doc).startswith("990101/2022-01-01.json: " + expected)


def test_retiree_phases_out_of_order(tmp_path: Path) -> None:
    doc = doc_of(ORIGINAL)
    doc["account_credit"]["retired"]["phases"][2]["from"] = "2013-01-01"
    text = error_of(tmp_path, doc, "990101/2012-07-01.json")
    assert text.startswith(
        "990101/2012-07-01.json: account_credit.retired.phases[2].from: phases out of order"
    )


def test_overlapping_versions_of_one_region(tmp_path: Path) -> None:
    write(tmp_path, doc_of(ORIGINAL), "990101/2012-07-01.json")
    later = _with(BASE, "2021-06-01", "effective_from")
    text = error_of(tmp_path, later, "990101/2021-06-01.json")
    assert text.startswith(
        "990101/2021-06-01.json: effective_from: overlaps 990101/2012-07-01.json"
    )


def test_an_open_version_before_another_overlaps(tmp_path: Path) -> None:
    write(tmp_path, _with(doc_of(ORIGINAL), None, "effective_to"), "990101/2012-07-01.json")
    text = error_of(tmp_path, BASE)
    assert "effective_from: overlaps 990101/2012-07-01.json (2012-07-01..open)" in text


def test_versions_of_different_regions_may_share_dates(tmp_path: Path) -> None:
    write(tmp_path, BASE)
    write(tmp_path, _with(BASE, "990102", "region"), "990102/2022-01-01.json")
    assert len(load_policy_dir(tmp_path)) == 2


def test_not_json(tmp_path: Path) -> None:
    path = tmp_path / "990101" / "x.json"
    path.parent.mkdir()
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"^990101/x.json: not valid JSON: line 1 column 2$"):
        load_policy_dir(tmp_path)


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"region": "990101", "region": "990102"}', encoding="utf-8")
    with pytest.raises(PolicyError, match="duplicate key"):
        load_policy(path)


def test_an_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="no policy files"):
        load_policy_dir(tmp_path)


def test_parse_policy_from_a_document() -> None:
    policy = parse_policy(doc_of(), "mine.json")
    assert policy.file == "mine.json" and policy.version == "2022-01-01"
    with pytest.raises(PolicyError, match=r"^mine.json: region: required$"):
        parse_policy(_without(doc_of(), "region"), "mine.json")


def test_explicit_policies_are_searched_instead_of_the_packaged_ones() -> None:
    only = parse_policy(_with(BASE, "990102", "region"), "x.json")
    assert policy_in_force("990102", date(2024, 1, 1), [only]) is only
