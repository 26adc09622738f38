"""The person's own profile (个人参保信息), as ``GET /v1/me`` shows it."""

from __future__ import annotations

from typing import Any

from chalicelib.errors import NotFound
from chalicelib.ports import Card, Person, PersonRepository
from chalicelib.rules.identity import mask_phone

REGIONS = {"990101": ("示范县", "Demo County")}

SCHEMES = {
    "employee": ("职工医保", "Employee basic medical insurance"),
    "resident": ("城乡居民医保", "Urban and rural resident medical insurance"),
}

STATUSES = {
    "active": ("正常参保", "Insured"),
    "suspended": ("暂停参保", "Suspended: contributions are missing"),
    "ended": ("已终止参保", "Insurance has ended"),
}

GROUPS = {
    "tekun": ("特困供养人员", "Person in extreme poverty (特困)"),
    "dibao": ("低保对象", "Minimum living allowance recipient (低保)"),
    "low_income": ("建档低收入人口", "Registered low-income person"),
    "poverty_exited": ("脱贫人口", "Person lifted out of poverty"),
}

# 人员类别 beyond the assistance groups: what the scheme and the person's standing say.
RETIREE = ("退休人员", "Retiree")
WORKER = ("在职职工", "Employee in work")
CHRONIC = ("门诊慢特病（已认定）", "Recognised chronic or special disease")

CARD_STATUSES = {
    "active": ("正常", "Active"),
    "temp_lost": ("临时挂失", "Temporarily reported lost"),
    "lost": ("正式挂失", "Reported lost"),
    "replacement_requested": ("补卡办理中", "Replacement in progress"),
    "replaced": ("已补卡，旧卡作废", "Replaced; the old card is void"),
}


def label(table: dict[str, tuple[str, str]], code: str) -> dict[str, str]:
    zh, en = table.get(code, (code, code))
    return {"zh": zh, "en": en}


def mask_card_number(number: str) -> str:
    return number[:5] + "*" * max(0, len(number) - 9) + number[-4:]


def get_me(persons: PersonRepository, person_id: str) -> dict[str, Any]:
    view = persons.get_view(person_id)
    if view is None:
        raise NotFound(
            "No insured person is registered for this sign-in.",
            "没有找到您的参保信息，请联系当地医保经办机构。",
        )
    person, card = view.person, view.card
    region_zh, region_en = REGIONS.get(person.region, (person.region, person.region))
    groups = []
    for code in person.groups:
        words = label(GROUPS, code)
        if code == "poverty_exited" and person.poverty_exit_year:
            words = {
                "zh": f"{words['zh']}（{person.poverty_exit_year}年脱贫）",
                "en": f"{words['en']}, exited {person.poverty_exit_year}",
            }
        groups.append({"code": code, **words})
    return {
        **_profile(person, card, region_zh, region_en),
        "groups": groups,
        "categories": categories(person.scheme, person.retired, person.chronic, groups),
    }


def categories(
    scheme: str, retired: bool, chronic: bool, groups: list[dict[str, str]]
) -> list[dict[str, str]]:
    """人员类别: every group the person belongs to, in the order a clerk names them —
    retiree or employee in work (employees only), a recognised chronic disease, then
    the assistance groups. Empty only for a resident in none of them."""
    found: list[dict[str, str]] = []
    if scheme == "employee":
        zh, en = RETIREE if retired else WORKER
        found.append({"code": "retiree" if retired else "worker", "zh": zh, "en": en})
    if chronic:
        found.append({"code": "chronic", "zh": CHRONIC[0], "en": CHRONIC[1]})
    return found + groups


def _profile(person: Person, card: Card | None, region_zh: str, region_en: str) -> dict[str, Any]:
    return {
        "person_id": person.person_id,
        "name": person.name,
        "id_number_masked": person.id_masked,
        "phone_masked": mask_phone(person.phone),
        "sex": person.sex,
        "birth_date": person.birth_date,
        "scheme": person.scheme,
        "scheme_label": label(SCHEMES, person.scheme),
        "region": {"code": person.region, "name_zh": region_zh, "name_en": region_en},
        "status": person.status,
        "status_label": label(STATUSES, person.status),
        "retired": person.retired,
        "chronic": person.chronic,
        "employer": person.employer,
        "insured_since": person.insured_since,
        "card": None
        if card is None
        else {
            "number_masked": mask_card_number(card.number),
            "status": card.status,
            "status_label": label(CARD_STATUSES, card.status),
            "issued_on": card.issued_on,
        },
    }
