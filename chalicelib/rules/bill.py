"""A bill to settle (结算费用单): the typed input of :func:`~chalicelib.rules.settlement.settle`.

:func:`parse_bill` checks a JSON-shaped dict exactly as ``schemas/bill.schema.json``
describes it and raises :class:`BillError` naming the first bad field
(``items[2].amount: more than two decimal places``). ``null`` is the same as
absent; booleans default to false, ``remote_filing`` to ``none``, ``diagnoses``
to ``[]``, ``account_balance`` and the year-to-date figures to 0.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from fractions import Fraction
from itertools import repeat
from operator import itemgetter
from typing import Literal, NamedTuple, cast

from chalicelib.rules.fields import field_path
from chalicelib.rules.money import FEN_PER_YUAN, MAX_INPUT_FEN, MoneyError, parse_ratio, parse_yuan

Scheme = Literal["resident", "employee"]
Kind = Literal["inpatient", "outpatient", "chronic_outpatient"]
Location = Literal["in_county", "out_of_county", "out_of_province"]
Filing = Literal["none", "long_term", "referral", "emergency", "temporary_other"]
Catalogue = Literal["A", "B", "C"]

SCHEMES: tuple[Scheme, ...] = ("resident", "employee")
GROUPS = ("tekun", "dibao", "low_income", "poverty_exited")
KINDS: tuple[Kind, ...] = ("inpatient", "outpatient", "chronic_outpatient")
LOCATIONS: tuple[Location, ...] = ("in_county", "out_of_county", "out_of_province")
FILINGS: tuple[Filing, ...] = ("none", "long_term", "referral", "emergency", "temporary_other")
CATALOGUES: tuple[Catalogue, ...] = ("A", "B", "C")
YTD_FIELDS = ("basic_paid", "outpatient_paid", "chronic_paid", "critical_burden", "assistance_paid")

MAX_ITEMS = 1000
MAX_DIAGNOSES = 20
MAX_TIER_PCT = 1000
EXIT_YEARS = (1949, 2100)

_REGION = re.compile(r"[0-9]{6}")
_DATE = re.compile(r"(?:19|20)[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])")
_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._/-]{0,63}")
_ICD10 = re.compile(r"[A-Z][0-9]{2}(?:\.[0-9A-Za-z]{1,8})?")


class BillError(ValueError):
    """A bad bill: ``path`` names the field (``items[2].amount``); ``str()`` is one line."""

    def __init__(self, path: str, code: str, text_en: str, text_zh: str) -> None:
        super().__init__(f"{path}: {text_en}")
        self.path = path
        self.code = code
        self.text_en = text_en
        self.text_zh = text_zh


class Person(NamedTuple):
    """参保人：scheme (居民/职工), retirement, benefit tier, assisted groups, 慢特病.

    The bill's values are named tuples, not frozen dataclasses: each is made on every
    settlement, and a frozen dataclass sets each field through ``object.__setattr__``
    (a Person took ~0.8 µs, the tuple takes ~0.25 µs). Immutable all the same.
    """

    scheme: Scheme
    retired: bool = False
    years_met: bool = False
    tier_pct: Fraction | None = None
    groups: frozenset[str] = frozenset()
    poverty_exit_year: int | None = None
    chronic: bool = False


class Visit(NamedTuple):
    """就医：kind, hospital level, where, referral (转诊) and remote-care filing (异地就医备案)."""

    kind: Kind
    hospital_level: int
    location: Location
    referral: bool = False
    remote_filing: Filing = "none"
    diagnoses: tuple[str, ...] = ()


class Item(NamedTuple):
    """A bill line: catalogue A/B/C (甲/乙/丙类), amount in fen, B's self-pay ratio, material.

    A named tuple like the others (see :class:`Person`): a bill has up to 1,000 of them.
    """

    code: str
    catalogue: Catalogue
    amount: int
    b_self_ratio: Fraction | None = None
    material: bool = False
    consent: bool = False


class Ytd(NamedTuple):
    """Year-to-date figures of the same calendar year, in fen (本年度累计)."""

    basic_paid: int = 0
    outpatient_paid: int = 0
    chronic_paid: int = 0
    critical_burden: int = 0
    assistance_paid: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(zip(self._fields, self, strict=True))


class Bill(NamedTuple):
    """A bill to settle: who, which visit, its items, and this year's figures so far."""

    region: str
    date: date
    person: Person
    visit: Visit
    items: tuple[Item, ...]
    ytd: Ytd = Ytd()
    account_balance: int = 0
    use_account: bool = False

    @property
    def total(self) -> int:
        return sum(item.amount for item in self.items)


# --- parsing ----------------------------------------------------------------------------------

_BILL_KEYS = frozenset(
    ("region", "date", "person", "visit", "items", "ytd", "account_balance", "use_account")
)
_PERSON_KEYS = frozenset(
    ("scheme", "retired", "years_met", "tier_pct", "groups", "poverty_exit_year", "chronic")
)
_VISIT_KEYS = frozenset(
    ("kind", "hospital_level", "location", "referral", "remote_filing", "diagnoses")
)
_YTD_KEYS = frozenset(YTD_FIELDS)
_NO_YTD = Ytd()

FieldPath = tuple[str | int, ...]


def _error(path: FieldPath, code: str, en: str, zh: str) -> BillError:
    return BillError(field_path(path), code, en, zh)


def _object(
    value: object, path: FieldPath, allowed: frozenset[str], required: tuple[str, ...] = ()
) -> dict[str, object]:
    """An object with only ``allowed`` keys, ``required`` ones present; nulls dropped
    (the object itself when it has none: it is only read)."""
    if not isinstance(value, dict):
        raise _error(path, "type", "must be an object", "应为对象")
    if not allowed.issuperset(value):
        unknown = next(key for key in value if key not in allowed)
        raise _error((*path, str(unknown)), "unknown_field", "unknown field", "不认识的字段")
    for key in required:
        if value.get(key) is None:
            raise _error((*path, key), "required", "required", "必填")
    if None in value.values():
        return {k: v for k, v in value.items() if v is not None}
    return value


def _bool(data: Mapping[str, object], key: str, path: FieldPath) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise _error((*path, key), "type", "must be true or false", "应为 true 或 false")
    return value


def _choice(data: Mapping[str, object], key: str, path: FieldPath, choices: tuple[str, ...]) -> str:
    value = data[key]
    if not isinstance(value, str) or value not in choices:
        listed = ", ".join(choices)
        raise _error((*path, key), "enum", f"must be one of: {listed}", f"取值应为：{listed}")
    return value


def _whole(value: object) -> int | None:
    """A JSON integer (``2`` or ``2.0``), never a boolean."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _amount(data: Mapping[str, object], key: str, path: FieldPath) -> int:
    if key not in data:
        return 0
    try:
        return parse_yuan(data[key])
    except MoneyError as e:
        raise _error((*path, key), e.code, e.text_en, e.text_zh) from None


def _list(value: object, path: FieldPath, most: int, least: int = 0) -> list[object]:
    if not isinstance(value, list):
        raise _error(path, "type", "must be a list", "应为列表")
    if len(value) < least:
        raise _error(path, "too_few", f"at least {least} needed", f"至少需要{least}项")
    if len(value) > most:
        raise _error(path, "too_many", f"at most {most} allowed", f"最多{most}项")
    return value


def _person(value: object) -> Person:
    path: FieldPath = ("person",)
    data = _object(value, path, _PERSON_KEYS, ("scheme",))
    scheme = cast(Scheme, _choice(data, "scheme", path, SCHEMES))
    retired = _bool(data, "retired", path)
    years_met = _bool(data, "years_met", path)
    tier_pct: Fraction | None = None
    if "tier_pct" in data:
        raw = data["tier_pct"]
        if (
            isinstance(raw, bool)
            or not isinstance(raw, int | float)
            or raw != raw  # NaN
            or not 0 <= raw <= MAX_TIER_PCT
        ):
            raise _error(
                (*path, "tier_pct"),
                "range",
                f"must be a number from 0 to {MAX_TIER_PCT}",
                f"应为0到{MAX_TIER_PCT}之间的数字",
            )
        tier_pct = Fraction(raw)
    groups: list[str] = []
    for i, group in enumerate(_list(data.get("groups", []), (*path, "groups"), len(GROUPS))):
        if not isinstance(group, str) or group not in GROUPS:
            listed = ", ".join(GROUPS)
            raise _error(
                (*path, "groups", i), "enum", f"must be one of: {listed}", f"取值应为：{listed}"
            )
        if group in groups:
            raise _error((*path, "groups", i), "duplicate", "listed twice", "重复填写")
        groups.append(group)
    exit_year: int | None = None
    if "poverty_exit_year" in data:
        exit_year = _whole(data["poverty_exit_year"])
        if exit_year is None or not EXIT_YEARS[0] <= exit_year <= EXIT_YEARS[1]:
            low, high = EXIT_YEARS
            raise _error(
                (*path, "poverty_exit_year"),
                "range",
                f"must be a year from {low} to {high}",
                f"应为{low}到{high}之间的年份",
            )
    chronic = _bool(data, "chronic", path)
    if "poverty_exited" in groups and exit_year is None:
        raise _error(
            (*path, "poverty_exit_year"),
            "required",
            "required with the group poverty_exited",
            "脱贫户必须填写脱贫年份",
        )
    if scheme == "employee" and not (retired and years_met) and tier_pct is None:
        raise _error(
            (*path, "tier_pct"),
            "required",
            "required for an employee who is not a retiree with the contribution years",
            "职工（达到缴费年限的退休人员除外）必须填写年均缴费档次",
        )
    return Person(scheme, retired, years_met, tier_pct, frozenset(groups), exit_year, chronic)


def _visit(value: object) -> Visit:
    path: FieldPath = ("visit",)
    data = _object(value, path, _VISIT_KEYS, ("kind", "hospital_level", "location"))
    kind = cast(Kind, _choice(data, "kind", path, KINDS))
    level = _whole(data["hospital_level"])
    if level not in (1, 2, 3):
        raise _error((*path, "hospital_level"), "enum", "must be 1, 2 or 3", "应为1、2或3")
    location = cast(Location, _choice(data, "location", path, LOCATIONS))
    referral = _bool(data, "referral", path)
    filing = (
        cast(Filing, _choice(data, "remote_filing", path, FILINGS))
        if ("remote_filing" in data)
        else "none"
    )
    diagnoses: list[str] = []
    raw = _list(data.get("diagnoses", []), (*path, "diagnoses"), MAX_DIAGNOSES)
    for i, code in enumerate(raw):
        if not isinstance(code, str) or not _ICD10.fullmatch(code):
            raise _error(
                (*path, "diagnoses", i),
                "format",
                'must be an ICD-10 code in upper case, e.g. "C34.9"',
                '应为大写的ICD-10编码，如"C34.9"',
            )
        diagnoses.append(code)
    return Visit(kind, level, location, referral, filing, tuple(diagnoses))


_ITEM_KEYS = frozenset(("code", "catalogue", "amount", "b_self_ratio", "material", "consent"))
_REQUIRED = itemgetter("code", "catalogue", "amount")
_NEEDS_RATIO = {"A": False, "B": True, "C": False}
"""Each catalogue, and whether its items need a ``b_self_ratio`` (B's, and only B's)."""
_CODE_TEXT = r"[0-9A-Za-z][0-9A-Za-z._/-]{0,63}"
_CODES = re.compile(rf"{_CODE_TEXT}(?:\n{_CODE_TEXT})*")
_AMOUNT_TEXT = r"(?:0|[1-9][0-9]{0,8})(?:\.[0-9]{1,2})?"
_AMOUNTS = re.compile(rf"{_AMOUNT_TEXT}(?:\n{_AMOUNT_TEXT})*")
_IN_CENTS_TEXT = r"(?:0|[1-9][0-9]{0,8})\.[0-9]{2}"
_AMOUNTS_IN_CENTS = re.compile(rf"{_IN_CENTS_TEXT}(?:\n{_IN_CENTS_TEXT})*")
"""Amounts with two decimals each: their digits without the point are their fen."""
_YUAN_AND_DECIMALS = re.compile(r"([0-9]+)\.?([0-9]*)")
_CENTS = {f"{n:02d}": n for n in range(100)} | {str(n): n * 10 for n in range(10)} | {"": 0}
"""An amount's decimals (``""``, ``"5"``, ``"05"``, ``"45"``) as fen."""
_new_item = tuple.__new__
"""An :class:`Item` from its fields without the named tuple's keyword-taking ``__new__``."""


def _lines(texts: list[str]) -> str | None:
    """The texts one per line, or None if one of them holds a line break itself: one
    regular expression then checks them all (a text with a break would read as two).
    Raises ``TypeError`` if one is not a string."""
    joined = "\n".join(texts)
    return joined if joined.count("\n") == len(texts) - 1 else None


def _fens(amounts: str) -> list[int] | None:
    """Amounts one per line (:func:`_lines`) in fen, or None if one is not an input amount
    (``0`` to ``100000000.00``, 0 to 2 decimals, no leading zero), as
    :func:`~chalicelib.rules.money.parse_yuan` reads them."""
    if _AMOUNTS_IN_CENTS.fullmatch(amounts):  # the usual bill
        fens = list(map(int, amounts.replace(".", "").split("\n")))
    elif _AMOUNTS.fullmatch(amounts):
        fens = [
            int(whole) * FEN_PER_YUAN + _CENTS[decimals]
            for whole, decimals in _YUAN_AND_DECIMALS.findall(amounts)
        ]
    else:
        return None
    return fens if max(fens) <= MAX_INPUT_FEN else None


def _well_formed_items(values: list[object]) -> tuple[Item, ...] | None:
    """The common case fast: every item well formed, or None to let :func:`_checked_item`
    name the first fault.

    The same rules as :func:`_checked_item` (nulls count as absent). One pass over the
    items checks their shape, the three required fields taken in one look-up (an item
    of only those needs no key check); then all the codes are checked by one regular
    expression and all the amounts by another, and read in fen together: per item,
    ``str.partition``, ``isdigit`` and ``int`` were most of the cost (~1 µs an item).
    Any ``TypeError`` (an unhashable catalogue, a code that is not a string) declines.
    """
    codes: list[str] = []
    catalogues: list[str] = []
    amounts: list[str] = []
    ratios: list[Fraction | None] = []
    materials: list[bool] = []
    consents: list[bool] = []
    needs_ratio = _NEEDS_RATIO.get
    try:
        for value in values:
            if type(value) is not dict:
                return None
            code, catalogue, text = _REQUIRED(value)
            if len(value) == 3:  # the required keys only
                ratio = None
                material = consent = False
            elif not _ITEM_KEYS.issuperset(value):
                return None
            else:
                get = value.get
                ratio_text, given, agreed = get("b_self_ratio"), get("material"), get("consent")
                if (
                    (given is not None and type(given) is not bool)
                    or (agreed is not None and type(agreed) is not bool)
                    or (given and agreed is None)  # a material says if it was consented to
                ):
                    return None
                material, consent = given is True, agreed is True
                ratio = None if ratio_text is None else parse_ratio(ratio_text)
            if needs_ratio(catalogue) is not (ratio is not None):
                return None
            codes.append(code)
            catalogues.append(catalogue)
            amounts.append(text)
            ratios.append(ratio)
            materials.append(material)
            consents.append(consent)
        codes_text, amounts_text = _lines(codes), _lines(amounts)
    except (KeyError, TypeError, MoneyError):
        return None
    if codes_text is None or amounts_text is None or not _CODES.fullmatch(codes_text):
        return None
    fens = _fens(amounts_text)
    if fens is None:
        return None
    columns = zip(codes, catalogues, fens, ratios, materials, consents, strict=True)
    return tuple(map(_new_item, repeat(Item), columns))


def _well_formed_item(value: object) -> Item | None:
    """One item by :func:`_well_formed_items`' fast path, or None (tests compare the two)."""
    known = _well_formed_items([value])
    return None if known is None else known[0]


def _item(value: object, index: int) -> Item:
    known = _well_formed_item(value)
    return known if known is not None else _checked_item(value, index)


def _checked_item(value: object, index: int) -> Item:
    """One item field by field, raising :class:`BillError` at the first bad one."""
    path: FieldPath = ("items", index)
    data = _object(value, path, _ITEM_KEYS, ("code", "catalogue", "amount"))
    code = data["code"]
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise _error(
            (*path, "code"),
            "format",
            "must be 1 to 64 letters, digits or . _ / - (starting with a letter or digit)",
            "应为1到64位字母、数字或 . _ / -",
        )
    catalogue = cast(Catalogue, _choice(data, "catalogue", path, CATALOGUES))
    amount = _amount(data, "amount", path)
    ratio: Fraction | None = None
    if catalogue == "B":
        if "b_self_ratio" not in data:
            raise _error(
                (*path, "b_self_ratio"),
                "required",
                "required on a catalogue B item",
                "乙类项目必须填写先行自付比例",
            )
        try:
            ratio = parse_ratio(data["b_self_ratio"])
        except MoneyError as e:
            raise _error((*path, "b_self_ratio"), e.code, e.text_en, e.text_zh) from None
    elif "b_self_ratio" in data:
        raise _error(
            (*path, "b_self_ratio"),
            "not_allowed",
            "allowed only on catalogue B items",
            "只有乙类项目可以填写先行自付比例",
        )
    material = _bool(data, "material", path)
    if material and "consent" not in data:
        raise _error(
            (*path, "consent"),
            "required",
            "required when material is true",
            "医用材料必须注明参保人是否签字同意",
        )
    consent = _bool(data, "consent", path)
    return Item(code, catalogue, amount, ratio, material, consent)


def parse_items(value: object) -> tuple[Item, ...]:
    """A bill's items (``items`` of a bill, a settlement or an estimate), checked once.

    Raises :class:`BillError` at the first bad field (``items[2].amount``).
    """
    raw_items = _list(value, ("items",), MAX_ITEMS, least=1)
    known = _well_formed_items(raw_items)
    if known is not None:
        return known
    return tuple([_item(item, i) for i, item in enumerate(raw_items)])


def parse_bill(value: object, items: tuple[Item, ...] | None = None) -> Bill:
    """A typed :class:`Bill` from its JSON shape (SETTLEMENT.md "Input: a bill").

    ``items``: the bill's items already read by :func:`parse_items` (a request's items are
    checked once, at the edge); ``value`` then has none.
    """
    required = ("region", "date", "person", "visit") + (("items",) if items is None else ())
    data = _object(value, (), _BILL_KEYS, required)
    region = data["region"]
    if not isinstance(region, str) or not _REGION.fullmatch(region):
        raise _error(("region",), "format", "must be a 6-digit region code", "应为6位统筹区编码")
    raw_date = data["date"]
    try:
        if not isinstance(raw_date, str) or not _DATE.fullmatch(raw_date):
            raise ValueError
        day = date.fromisoformat(raw_date)
    except ValueError:
        raise _error(
            ("date",), "format", "must be a real date YYYY-MM-DD", "应为有效日期，格式YYYY-MM-DD"
        ) from None
    person = _person(data["person"])
    visit = _visit(data["visit"])
    if items is None:
        items = parse_items(data["items"])
    ytd_data = _object(data.get("ytd", {}), ("ytd",), _YTD_KEYS)
    ytd = (
        Ytd(*[_amount(ytd_data, name, ("ytd",)) if name in ytd_data else 0 for name in YTD_FIELDS])
        if ytd_data
        else _NO_YTD
    )
    balance = _amount(data, "account_balance", ())
    use_account = _bool(data, "use_account", ())
    return Bill(region, day, person, visit, items, ytd, balance, use_account)
