"""Identity rules: resident ID numbers (公民身份号码，GB 11643), mobile numbers, masking.

Pure: the caller passes "today". Birthplace codes are never looked up: codes get
renamed and real numbers carry codes newer than the birth date (DOMAIN.md §9), so
only the format, a real birth date and the MOD 11-2 check digit are checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
# An ID number or a phone stands as such: not inside a longer run of letters and digits
# (a request id such as ``uuid4().hex`` may hold eleven digits in a row and stays whole).
_ID_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])([1-9][0-9]{5})([0-9]{8})([0-9]{3})([0-9Xx])(?![0-9A-Za-z])"
)
_PHONE_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])(?:\+?86)?(1[3-9][0-9])([0-9]{4})([0-9]{4})(?![0-9A-Za-z])"
)


class InvalidIdentity(ValueError):
    """An ID number or phone that cannot be right; ``code`` is stable, the texts are plain words."""

    def __init__(self, code: str, text_en: str, text_zh: str) -> None:
        super().__init__(text_en)
        self.code = code
        self.text_en = text_en
        self.text_zh = text_zh


@dataclass(frozen=True)
class IdNumber:
    """A checked 18-character resident ID number."""

    value: str
    birth_date: date
    sex: str  # "male" | "female": the parity of the sequence code

    @property
    def masked(self) -> str:
        return mask_id_number(self.value)

    def age_on(self, day: date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


def check_digit(first17: str) -> str:
    """The MOD 11-2 check digit (ISO 7064) of the first 17 digits."""
    from stdnum.cn import ric  # the library's digit only: its validate() looks codes up

    return ric.calc_check_digit(first17 + "0")


def parse_id_number(raw: str, today: date) -> IdNumber:
    """Check an ID number: format, a real birth date not after ``today``, the check digit."""
    value = raw.strip().upper()
    if not _ID_SHAPE.fullmatch(value):
        raise InvalidIdentity(
            "id_format",
            "An ID number has 18 characters: 17 digits and a last digit or X.",
            "身份证号应为18位：前17位是数字，最后一位是数字或X。",
        )
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InvalidIdentity(
            "id_birth_date",
            "Characters 7 to 14 of the ID number are not a real date of birth.",
            "身份证号第7到14位不是有效的出生日期，请核对。",
        ) from None
    if born > today or born.year < 1890:
        raise InvalidIdentity(
            "id_birth_date",
            "The date of birth in the ID number cannot be right (in the future or too long ago).",
            "身份证号里的出生日期不对（晚于今天或过早），请核对。",
        )
    if check_digit(value[:17]) != value[17]:
        raise InvalidIdentity(
            "id_checksum",
            "The last character of the ID number does not match the others; please check it.",
            "身份证号最后一位校验码不对，请核对后重新输入。",
        )
    sex = "male" if int(value[16]) % 2 == 1 else "female"
    return IdNumber(value=value, birth_date=born, sex=sex)


def parse_mobile(raw: str) -> str:
    """A Chinese mobile number, returned as 11 digits (no +86)."""
    import phonenumbers

    text = raw.strip().replace(" ", "").replace("-", "")
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or number.country_code != 86
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE
    ):
        raise InvalidIdentity(
            "phone_format",
            "Enter the 11-digit Chinese mobile number you registered, starting with 1.",
            "请输入登记的11位手机号码，以1开头。",
        )
    return str(number.national_number)


def mask_id_number(value: str) -> str:
    """``530302********1234``: birthplace code and last four only."""
    return value[:6] + "*" * 8 + value[-4:]


def mask_phone(value: str) -> str:
    """``138****1234``."""
    digits = value[-11:]
    return digits[:3] + "****" + digits[-4:]


def mask_name(value: str) -> str:
    """``张*``: the surname only."""
    return value[:1] + "*" * max(1, len(value) - 1) if value else value


def redact(text: str) -> str:
    """Mask every ID number and mobile number found in free text (for logs)."""
    text = _ID_IN_TEXT.sub(lambda m: m.group(1) + "********" + m.group(3) + m.group(4), text)
    return _PHONE_IN_TEXT.sub(lambda m: m.group(1) + "****" + m.group(3), text)
