"""Places for remote-care filing: administrative divisions and designated hospitals.

The divisions are GB/T 2260 at the prefecture level (``chalicelib/data/divisions.json``,
derived once by ``local/derive_divisions.py``, with its source and date); the hospitals
that settle across regions (跨省联网定点医疗机构) are a packaged demo list per city
(``chalicelib/data/institutions.json``). Both are read once per process; the functions
here are lookups on them. A policy region (统筹区，e.g. ``990101``) lies in the city of its
first four digits (``990100``) and the province of its first two (``990000``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "data"
SEARCH_LIMIT = 50
WHAT_TO_DO = (
    "持医保电子凭证或社保卡到以下医院可直接结算。",
    "Show the electronic insurance voucher or your social security card at one of these "
    "hospitals and the bill is settled directly.",
)


@dataclass(frozen=True)
class City:
    """A prefecture-level division (地级) and its province."""

    code: str
    name_zh: str
    name_en: str
    province: str
    province_zh: str
    province_en: str

    def to_json(self) -> dict[str, Any]:
        return {
            "province": {
                "code": self.province,
                "name_zh": self.province_zh,
                "name_en": self.province_en,
            },
            "city": {"code": self.code, "name_zh": self.name_zh, "name_en": self.name_en},
        }


@dataclass(frozen=True)
class Institution:
    """A designated hospital (定点医疗机构) of a city."""

    id: str
    city: str
    name_zh: str
    name_en: str
    level: int
    address_zh: str
    address_en: str
    direct_settlement: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "city": self.city,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "level": self.level,
            "address_zh": self.address_zh,
            "address_en": self.address_en,
            "direct_settlement": self.direct_settlement,
        }


def _read(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


@cache
def divisions() -> dict[str, Any]:
    """The packaged division document: source, date and the provinces with their cities."""
    return _read("divisions.json")


@cache
def _cities() -> dict[str, City]:
    return {
        c["code"]: City(
            c["code"], c["name_zh"], c["name_en"], p["code"], p["name_zh"], p["name_en"]
        )
        for p in divisions()["provinces"]
        for c in p["cities"]
    }


@cache
def _institutions() -> tuple[Institution, ...]:
    return tuple(Institution(**entry) for entry in _read("institutions.json")["institutions"])


def city(code: str) -> City | None:
    return _cities().get(code)


def home_city(region: str) -> str:
    """The prefecture a policy region lies in: ``990101`` → ``990100``."""
    return region[:4] + "00"


def home_province(region: str) -> str:
    return region[:2] + "0000"


def location_for(city_code: str, region: str) -> str:
    """How settlement names care in ``city_code`` for a person insured in ``region``."""
    if city_code == home_city(region):
        return "in_county"
    return "out_of_county" if city_code[:2] == region[:2] else "out_of_province"


def search_regions(q: str | None) -> list[dict[str, Any]]:
    """Provinces with the cities whose name (Chinese or English) or code contains ``q``;
    a province whose own name matches comes with all its cities. Everything without ``q``."""
    needle = (q or "").strip().lower()
    found = []
    for p in divisions()["provinces"]:
        names = (p["name_zh"], p["name_en"].lower(), p["code"])
        if not needle or any(needle in n for n in names):
            cities = p["cities"]
        else:
            cities = [
                c
                for c in p["cities"]
                if needle in c["name_zh"] or needle in c["name_en"].lower() or needle in c["code"]
            ]
        if cities:
            found.append({**{k: p[k] for k in ("code", "name_zh", "name_en")}, "cities": cities})
    return found


def institutions(city_code: str | None, q: str | None) -> list[Institution]:
    """The designated hospitals of a city and/or whose name or address contains ``q``."""
    needle = (q or "").strip().lower()
    return [
        i
        for i in _institutions()
        if (city_code is None or i.city == city_code)
        and (
            not needle
            or needle in i.name_zh
            or needle in i.name_en.lower()
            or needle in i.address_zh
            or needle in i.address_en.lower()
        )
    ][:SEARCH_LIMIT]


def institution(institution_id: str) -> Institution | None:
    return next((i for i in _institutions() if i.id == institution_id), None)
