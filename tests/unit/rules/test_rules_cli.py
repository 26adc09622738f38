"""``python -m chalicelib.rules``: valid output JSON, and bad input exits 2 with one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rules_kit import a, bill

ROOT = Path(__file__).resolve().parents[3]
POLICIES = ROOT / "chalicelib" / "policies"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONIO"))}
    env["LC_ALL"] = "C"  # output is UTF-8 whatever the locale says
    return subprocess.run(
        [sys.executable, "-m", "chalicelib.rules", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
        encoding="utf-8",
    )


def write(tmp_path: Path, doc: Any, name: str = "bill.json") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def assert_bad_input(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n")
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(expected), result.stderr


def test_settle_prints_the_settlement_json(tmp_path: Path) -> None:
    result = cli(
        "settle", str(write(tmp_path, bill(a("20000"), person={"groups": ["low_income"]})))
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["parts"]["cash"] == "1259.50"
    assert data["parts"]["medical_assistance"] == "1889.25"
    assert set(data) >= {
        "total",
        "hospital_borne",
        "out_of_policy",
        "self_first",
        "in_policy",
        "deductible",
        "parts",
        "payouts",
        "ytd_after",
        "lines",
    }
    assert any("兜底" in line["text_zh"] for line in data["lines"])


def test_settle_with_an_explicit_policy_file(tmp_path: Path) -> None:
    path = write(tmp_path, bill(a("20000"), date="2015-01-01"))
    result = cli("settle", str(path), "--policy", str(POLICIES / "990101" / "2012-07-01.json"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["policy"]["version"] == "2012-07-01"


def test_an_explicit_policy_must_cover_the_date(tmp_path: Path) -> None:
    path = write(tmp_path, bill(a("20000"), date="2024-01-01"))
    result = cli("settle", str(path), "--policy", str(POLICIES / "990101" / "2012-07-01.json"))
    assert_bad_input(result, "date: 2024-01-01 is outside the policy's effective dates")


def test_bad_amount_names_the_field(tmp_path: Path) -> None:
    doc = bill(a("1"), a("2"), a("1.234"))
    assert_bad_input(
        cli("settle", str(write(tmp_path, doc))), "items[2].amount: more than two decimal places"
    )


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (bill(a("-3")), "items[0].amount: negative amount"),
        (bill(a("100000000.01")), "items[0].amount: more than 100000000.00"),
        ({**bill(), "region": "123456"}, "region: no policy for region 123456"),
        (bill(date="2001-01-01"), "date: no policy of region 990101 in force on 2001-01-01"),
        ('{"region": NaN}', "bill.json: not valid JSON"),
        ("{", "bill.json: not valid JSON (line 1 column 2)"),
        ("[" * 100_000, "bill.json: not valid JSON"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path: Path, doc: Any, expected: str) -> None:
    path = write(tmp_path, doc)
    result = cli("settle", str(path))
    assert_bad_input(result, expected.replace("bill.json", str(path)))


def test_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    assert_bad_input(cli("settle", str(path)), f"{path}: cannot read")


def test_usage_errors_are_one_line_too() -> None:
    assert_bad_input(cli(), "usage:")
    assert_bad_input(cli("settle"), "usage:")
    assert_bad_input(cli("frobnicate"), "usage:")


def test_validate_the_packaged_policies() -> None:
    result = cli("validate", str(POLICIES))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: 3 policy files")


def test_validate_names_the_file_and_the_field(tmp_path: Path) -> None:
    doc = json.loads((POLICIES / "990101" / "2022-01-01.json").read_text(encoding="utf-8"))
    doc["critical_illness"]["bands"][1]["up_to_yuan"] = "1.00"
    (tmp_path / "990101").mkdir()
    write(tmp_path, doc, "990101/2022-01-01.json")
    assert_bad_input(
        cli("validate", str(tmp_path)),
        "990101/2022-01-01.json: critical_illness.bands[1].up_to_yuan: bands out of order",
    )
