"""Derive ``chalicelib/data/divisions.json`` (GB/T 2260, prefecture level) once, offline.

The administrative divisions the remote-care filing picker offers (异地就医备案的就医地):
every province and, under it, its prefecture-level divisions in force (地级市，地区，
自治州，盟), the municipalities as one city each, and the county-level units that a
province administers directly (省直辖县级行政单位：仙桃市，济源市，五指山市…) as
cities of their own. Source: python-stdnum's ``stdnum/cn/loc.dat`` (the county-level
codes with their years, compiled from zh.wikipedia's 中华人民共和国行政区划代码 pages),
as shipped in the pinned python-stdnum; a name whose years end (``[-2010]``) is no
longer in force. Taiwan, Hong Kong and Macao (71, 81, 82) are left out: filing is
within the mainland's basic insurance. The demo region's own province (99 示范省，not
a GB/T 2260 code) is added, marked ``demo``, so that the home region and filings
within the province can be tried.

English names: the provinces' usual English names; cities in pinyin (pypinyin, a
tool of this script only: ``pip install pypinyin==0.55.0``), without 市.

    .venv/bin/python -m local.derive_divisions      # rewrites the file; commit it
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

from local.stack import ROOT

OUT = ROOT / "chalicelib" / "data" / "divisions.json"
LEFT_OUT = {"71", "81", "82"}
PROVINCES_EN = {
    "11": "Beijing",
    "12": "Tianjin",
    "13": "Hebei",
    "14": "Shanxi",
    "15": "Inner Mongolia",
    "21": "Liaoning",
    "22": "Jilin",
    "23": "Heilongjiang",
    "31": "Shanghai",
    "32": "Jiangsu",
    "33": "Zhejiang",
    "34": "Anhui",
    "35": "Fujian",
    "36": "Jiangxi",
    "37": "Shandong",
    "41": "Henan",
    "42": "Hubei",
    "43": "Hunan",
    "44": "Guangdong",
    "45": "Guangxi",
    "46": "Hainan",
    "50": "Chongqing",
    "51": "Sichuan",
    "52": "Guizhou",
    "53": "Yunnan",
    "54": "Tibet",
    "61": "Shaanxi",
    "62": "Gansu",
    "63": "Qinghai",
    "64": "Ningxia",
    "65": "Xinjiang",
}
MUNICIPALITIES = {"11", "12", "31", "50"}
SUFFIXES_EN = (
    ("自治州", " Autonomous Prefecture"),
    ("自治县", " Autonomous County"),
    ("地区", " Prefecture"),
    ("林区", " Forestry District"),
    ("盟", " League"),
    ("市", ""),
    ("县", " County"),
)
DEMO = {
    "code": "990000",
    "name_zh": "示范省",
    "name_en": "Demo Province",
    "demo": True,
    "cities": [
        {"code": "990100", "name_zh": "示范市", "name_en": "Demo City", "demo": True},
        {"code": "990200", "name_zh": "东山市", "name_en": "Dongshan (demo)", "demo": True},
        {"code": "990300", "name_zh": "南湖市", "name_en": "Nanhu (demo)", "demo": True},
    ],
}
# Autonomous prefectures and counties: the place name before the peoples' names.
_PEOPLES = re.compile(
    r"^(.+?)(?:朝鲜|土家|黎|藏|彝|布依|哈尼|壮|傣|白|景颇|傈僳|回|蒙古|柯尔克孜|哈萨克|苗)族?.*自治[州县]$"
)
# Readings pypinyin gets wrong for these place names (多音字).
PINYIN = {
    "长治": "Changzhi",
    "朝阳": "Chaoyang",
    "漯河": "Luohe",
    "锡林郭勒": "Xilinguole",
    "阿勒泰": "Aletai",
    "克孜勒苏": "Kezilesu",
    "六安": "Lu'an",
    "西安": "Xi'an",
    "吉安": "Ji'an",
    "泰安": "Tai'an",
    "雅安": "Ya'an",
    "延安": "Yan'an",
    "淮安": "Huai'an",
    "兴安": "Xing'an",
    "广安": "Guang'an",
    "定安": "Ding'an",
    "马鞍山": "Ma'anshan",
}
NOT_A_CITY = {"林区", "县", "市", "市辖区"}  # loc.dat rows that name only a kind of unit
_ENTRY = re.compile(r"^\s+(\d{4}) county=\"(.*)\"$")
_PROVINCE = re.compile(r"^(\d{2}) province=\"(.*)\"$")
_NAMED = re.compile(r"^(?:\[(\d{4})?-(\d{4})?\])?(.+)$")


def current_name(names: str) -> str | None:
    """The name in force of ``[1983-]秦皇岛市`` or ``[-1982]忻县地区，[1983-1999]忻州地区``."""
    for part in names.split(","):
        found = _NAMED.match(part.strip())
        if found and found.group(2) is None:
            return found.group(3)
    return None


def english(name: str) -> str:
    from pypinyin import lazy_pinyin

    def spelt(stem: str) -> str:
        return PINYIN.get(stem) or "".join(lazy_pinyin(stem)).capitalize()

    for suffix, words in SUFFIXES_EN:
        if name.endswith(suffix) and len(name) > len(suffix):
            peoples = _PEOPLES.match(name)
            return spelt(peoples.group(1) if peoples else name[: -len(suffix)]) + words
    return spelt(name)


def parse(text: str) -> list[dict[str, Any]]:
    provinces: list[dict[str, Any]] = []
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        head = _PROVINCE.match(line)
        if head:
            provinces.append({"prefix": head.group(1), "name": head.group(2), "entries": []})
            continue
        entry = _ENTRY.match(line)
        if entry and provinces:
            provinces[-1]["entries"].append((entry.group(1), entry.group(2)))
    return provinces


def _city(prefix: str, rest: str, name: str) -> dict[str, Any]:
    return {"code": f"{prefix}{rest}", "name_zh": name, "name_en": english(name)}


def cities_of(prefix: str, name_zh: str, entries: list[tuple[str, str]]) -> list[dict[str, Any]]:
    if prefix in MUNICIPALITIES:
        return [{"code": f"{prefix}0100", "name_zh": name_zh, "name_en": PROVINCES_EN[prefix]}]
    current = {rest: current_name(names) for rest, names in entries}
    cities: list[dict[str, Any]] = []
    for rest, name in current.items():
        if name is None or name in NOT_A_CITY or rest == "0000" or not rest.endswith("00"):
            continue
        if rest.startswith("90"):  # the group itself; its units follow
            continue
        cities.append(_city(prefix, rest, name))
    known = {c["name_zh"] for c in cities}
    # 省直辖县级行政单位：each county-level unit of the group is a city of its own.
    if current.get("9000") is not None:
        for rest, name in current.items():
            if rest.startswith("90") and rest != "9000" and name and name not in known:
                cities.append(_city(prefix, rest, name))
    return sorted(cities, key=lambda c: c["code"])


def derive() -> dict[str, Any]:
    import stdnum

    version = metadata.version("python-stdnum")
    loc = Path(stdnum.__file__).parent / "cn" / "loc.dat"
    provinces = []
    for p in parse(loc.read_text(encoding="utf-8")):
        if p["prefix"] in LEFT_OUT:
            continue
        provinces.append(
            {
                "code": f"{p['prefix']}0000",
                "name_zh": p["name"],
                "name_en": PROVINCES_EN[p["prefix"]],
                "cities": cities_of(p["prefix"], p["name"], p["entries"]),
            }
        )
    provinces.append(DEMO)
    return {
        "title": "Administrative divisions for remote-care filing (GB/T 2260, prefecture level)",
        "standard": "GB/T 2260 中华人民共和国行政区划代码",
        "level": "prefecture",
        "source": (
            f"python-stdnum {version} (PyPI release of 2026-01-04), stdnum/cn/loc.dat, compiled "
            "from zh.wikipedia 中华人民共和国行政区划代码 (1区–8区); its newest change is of 2025"
        ),
        "derived_on": date.today().isoformat(),
        "derived_by": "local/derive_divisions.py",
        "english_names": "provinces: usual English names; cities: pinyin (pypinyin 0.55.0)",
        "left_out": "71 台湾省，81 香港，82 澳门：not within the mainland's basic insurance",
        "demo": "990000 示范省 and its cities are the demo region's, not GB/T 2260 codes",
        "provinces": provinces,
    }


def main() -> int:
    document = derive()
    OUT.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    cities = sum(len(p["cities"]) for p in document["provinces"])
    print(f"wrote {OUT.relative_to(ROOT)}: {len(document['provinces'])} provinces, {cities} cities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
