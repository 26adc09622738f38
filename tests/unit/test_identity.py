"""ID numbers (GB 11643), mobile numbers and masking: pure rules."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.rules.identity import (
    InvalidIdentity,
    check_digit,
    mask_id_number,
    mask_name,
    mask_phone,
    parse_id_number,
    parse_mobile,
    redact,
)

TODAY = date(2026, 11, 25)


def with_digit(first17: str) -> str:
    return first17 + check_digit(first17)


def test_the_check_digit_follows_iso_7064_mod_11_2():
    # Worked by hand: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, sum mod 11 → table.
    first17 = "11010519491231002"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    assert check_digit(first17) == "10X98765432"[total % 11]
    assert check_digit(first17) == "X"


def test_a_valid_number_gives_birth_date_and_sex():
    parsed = parse_id_number(with_digit("53030219600308122"), TODAY)
    assert parsed.birth_date == date(1960, 3, 8)
    assert parsed.sex == "female"  # the 17th digit, 2, is even
    assert parsed.age_on(date(2026, 3, 7)) == 65 and parsed.age_on(date(2026, 3, 8)) == 66


def test_lower_case_x_is_accepted_as_x():
    assert parse_id_number("11010519491231002x", TODAY).value.endswith("X")


def test_birthplace_codes_are_never_looked_up():
    # 530302 did not exist in 1960; real numbers carry it anyway (DOMAIN.md §9).
    assert parse_id_number(with_digit("53030219600101123"), TODAY)
    assert parse_id_number(with_digit("99999919800101123"), TODAY)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("53030219600101123", "id_format"),
        ("5303021960010112345", "id_format"),
        ("53030219600101123Y", "id_format"),
        (with_digit("53030219600230123"), "id_birth_date"),
        (with_digit("53030220261126123"), "id_birth_date"),
        (with_digit("53030218800101123"), "id_birth_date"),
        ("530302196001011230", "id_checksum"),
    ],
)
def test_each_kind_of_bad_number_has_its_own_reason(raw, code):
    with pytest.raises(InvalidIdentity) as caught:
        parse_id_number(raw, TODAY)
    assert caught.value.code == code
    assert caught.value.text_zh and caught.value.text_en


def test_born_today_is_allowed():
    assert parse_id_number(with_digit("53030220261125123"), TODAY).birth_date == TODAY


@given(st.from_regex(r"[0-9]{17}", fullmatch=True), st.sampled_from("0123456789X"))
def test_exactly_one_last_character_is_right(first17, last):
    raw = first17 + last
    right = check_digit(first17)
    try:
        parse_id_number(raw, TODAY)
    except InvalidIdentity as exc:
        assert exc.code in ("id_birth_date", "id_checksum")
        if exc.code == "id_checksum":
            assert last != right
    else:
        assert last == right


@pytest.mark.parametrize("raw", ["13812345678", "+8613812345678", "138 1234 5678", "19912345678"])
def test_mobile_numbers_are_normalised(raw):
    assert parse_mobile(raw) == raw.replace("+86", "").replace(" ", "")


@pytest.mark.parametrize("raw", ["12345678901", "1381234567", "01012345678", "+14155550100", "x"])
def test_not_a_chinese_mobile_number(raw):
    with pytest.raises(InvalidIdentity) as caught:
        parse_mobile(raw)
    assert caught.value.code == "phone_format"


def test_masks():
    assert mask_id_number("530302196003081234") == "530302********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张建国") == "张**"


def test_redact_masks_numbers_inside_text_but_not_other_digits():
    text = "id=530302196003081234, tel 13812345678; +8613912345678; order 2026112512345"
    out = redact(text)
    assert "530302196003081234" not in out and "13812345678" not in out
    assert "13912345678" not in out
    assert "530302********1234" in out and "138****5678" in out
    assert "2026112512345" in out
