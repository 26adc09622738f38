"""Logs are JSON lines with request ids, and never hold a full ID number or phone."""

from __future__ import annotations

import json
import re

ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def test_login_flow_logs_no_personal_numbers(stack, api, login, capsys):
    p = stack.fresh_person()
    capsys.readouterr()
    token = login(p)
    api.get("/v1/me", token=token)
    api.post("/v1/auth/otp", {"id_number": p.id_number, "phone": p.phone})  # 429: logged too
    api.post("/v1/auth/token", {"id_number": p.id_number, "code": "000000"})
    api.post("/v1/auth/otp", {"id_number": p.id_number[:17] + "0", "phone": p.phone})
    output = capsys.readouterr()
    text = output.out + output.err
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines, "nothing was logged"
    assert p.id_number not in text and p.phone not in text
    assert not ID_NUMBER.search(text), ID_NUMBER.search(text)
    assert not MOBILE.search(text), MOBILE.search(text)
    records = [json.loads(line) for line in lines]
    access = [r for r in records if r["logger"] == "yibao.access"]
    assert len(access) == 6  # otp, token, me, otp (429), token (400), otp (422)
    assert all(r["request_id"] != "-" for r in access)
    assert {r["status"] for r in access} >= {200, 202, 429}


def test_a_logged_message_with_numbers_is_masked(capsys):
    import logging

    from chalicelib.logs import setup_logging

    setup_logging()
    logging.getLogger("chalicelib.test").warning(
        "person 530302196001011239 phone 13812345678", extra={"phone": "+8613912345678"}
    )
    text = capsys.readouterr().err
    assert "530302********1239" in text and "138****5678" in text and "139****5678" in text
    assert "196001011239" not in text and "13812345678" not in text


def test_request_ids_stay_whole_while_numbers_standing_alone_are_masked(capsys):
    """A request id (hex) may hold a phone- or ID-like run of digits: it is not masked."""
    import logging

    from chalicelib.logs import request_id, setup_logging

    setup_logging()
    rids = ["a13812345678b0c1d2e3f4a5b6c7d8e9", "f530302196001011239c0ffee0000beef"]
    for rid in rids:
        token = request_id.set(rid)
        try:
            logging.getLogger("chalicelib.test").warning(
                "served %s for 13812345678 (530302196001011239)", rid
            )
        finally:
            request_id.reset(token)
    text = capsys.readouterr().err
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert [r["request_id"] for r in records] == rids
    for record, rid in zip(records, rids, strict=True):
        assert record["message"].startswith(f"served {rid} ")
    assert "138****5678" in text and "530302********1239" in text
    assert not MOBILE.search(text.replace(rids[0], "")), text

