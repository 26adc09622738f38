"""The document states every format the handlers check (issue 15, item 13).

schemathesis's positive-data-acceptance check found these values valid by the document
yet refused by the handlers; the document now refuses them itself, and still admits
real values. (The fuzz runs, tests/contract/test_fuzz_openapi.py, apply the check.)
"""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from chalicelib.schemas import validator
from local.schemas import SOURCE

DOCUMENT = json.loads((SOURCE / "openapi.json").read_text("utf-8"))


def query_schema(path: str, name: str) -> Draft202012Validator:
    [param] = [p for p in DOCUMENT["paths"][path]["get"]["parameters"] if p.get("name") == name]
    return Draft202012Validator(param["schema"])


@pytest.mark.parametrize("month,valid", [
    ("0000-00", False), ("2027-13", False), ("2027-00", False), ("1999-05", False),
    ("2010-01", True), ("2027-12", True),
])
def test_a_month_is_a_real_month_from_2010(month, valid):
    assert query_schema("/v1/me/account/entries", "month").is_valid(month) is valid


@pytest.mark.parametrize("schema", [
    "auth-otp-request", "auth-token-request", "family-link-request", "filing-proxy-request",
])
@pytest.mark.parametrize("id_number,valid", [
    ("000000000000000000", False),  # no region code
    ("110101180001011234", False),  # born in 1800
    ("110101199013011234", False),  # month 13
    ("110101199001321234", False),  # day 32
    ("53030219600101123X", True),
    ("530302196001011239", True),
])
def test_an_id_number_has_a_region_a_birth_date_and_a_check_character(schema, id_number, valid):
    errors = validator(schema).field_errors({"id_number": id_number})
    assert any(e.path == "$.id_number" for e in errors) is not valid


@pytest.mark.parametrize("phone,valid", [("10000000000", False), ("12345678901", False),
                                         ("13800138000", True), ("19912345678", True)])
def test_a_phone_is_a_mobile_number(phone, valid):
    errors = validator("auth-otp-request").field_errors({"phone": phone})
    assert any(e.path == "$.phone" for e in errors) is not valid


@pytest.mark.parametrize("outlet,valid", [("0", False), ("990101", False), ("990101-01", True)])
def test_an_outlet_code_is_a_region_and_a_number(outlet, valid):
    errors = validator("card-replacement-request").field_errors(
        {"pickup": "outlet", "outlet_id": outlet}
    )
    assert any(e.path == "$.outlet_id" for e in errors) is not valid
