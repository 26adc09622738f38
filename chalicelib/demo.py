"""Demo region 990101 (示范县): deterministic insured persons for the local stack.

``python -m chalicelib.demo --persons N [--seed S] [--logins K]`` writes N persons
(profile, card, card index) with batch writes, streaming: person ``i`` is made
from ``(seed, i)`` alone, so memory stays flat at 100,000 persons and the same
command always writes the same people. The first persons are chosen profiles
that make good demo logins; their ID numbers and phones are printed in full
(demo data only).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from chalicelib.demo_history import Ledgers, last_contributions, ledger_tier_pct, ledgers
from chalicelib.rules.account_summary import AccountSummary, summarise
from chalicelib.rules.identity import check_digit

REGION = "990101"

# Birthplace codes of real counties (the code at issue, not the insurance region).
BIRTHPLACES = ("530302", "530381", "530322", "320922", "421221", "420106", "110101", "510104")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红兰建国志文德福荣宁海燕春梅"
    "林云飞鹏辉丹晨雪琳倩婷浩宇欣怡子涵佳琪梓轩思源晓东立新永红淑珍凤英金凤"
)
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "158",
    "159",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "199",
)
EMPLOYERS = (
    "示范县人民医院",
    "示范县第一中学",
    "云岭建设工程有限公司",
    "示范县供销合作社",
    "滇东食品有限公司",
    "示范县自来水公司",
    "珠江源物流有限公司",
    "示范县农村信用社",
)


@dataclass(frozen=True)
class DemoPerson:
    id_number: str
    name: str
    sex: str
    birth_date: date
    phone: str
    scheme: str
    retired: bool = False
    groups: tuple[str, ...] = ()
    poverty_exit_year: int | None = None
    chronic: bool = False
    employer: str | None = None
    status: str = "active"
    insured_since: date = date(2010, 1, 1)
    card_number: str = ""
    base_pct: float | None = None  # employees not retired-qualified: base, % of the average wage
    tier_pct: float | None = None  # the year's average contribution, % of wage: from the ledger
    years_met: bool = False
    notes: str = field(default="", compare=False)


def make_id_number(rng: random.Random, birthplace: str, born: date, sex: str) -> str:
    sequence = rng.randrange(0, 500) * 2 + (1 if sex == "male" else 0)
    first17 = f"{birthplace}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


def _phone(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(0, 10**8):08d}"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _card_number(i: int) -> str:
    return f"D99{i:09d}"


# The first persons: chosen profiles for demo logins (index → profile maker).
_CHOSEN: tuple[tuple[str, str, str, date, str, dict[str, object]], ...] = (
    (
        "张建国",
        "530302",
        "male",
        date(1960, 3, 8),
        "employee",
        {
            "retired": True,
            "years_met": True,
            "chronic": True,
            "notes": "退休职工，慢特病",
        },
    ),
    (
        "李秀英",
        "320922",
        "female",
        date(1978, 11, 21),
        "employee",
        {
            "employer": "示范县人民医院",
            "chronic": True,
            "base_pct": 85.0,
            "notes": "在职职工，慢特病，缴费85%: 门诊慢特病要95%",
        },
    ),
    (
        "王桂兰",
        "421221",
        "female",
        date(1952, 6, 2),
        "resident",
        {"groups": ("dibao",), "chronic": True, "notes": "城乡居民，低保，慢特病"},
    ),
    (
        "赵德福",
        "530381",
        "male",
        date(1949, 1, 15),
        "resident",
        {"groups": ("tekun",), "notes": "城乡居民，特困"},
    ),
    (
        "刘春梅",
        "530322",
        "female",
        date(1985, 9, 30),
        "resident",
        {"groups": ("poverty_exited",), "poverty_exit_year": 2016, "notes": "城乡居民，2016年脱贫"},
    ),
)


def person(seed: int, i: int) -> DemoPerson:
    """The ``i``-th demo person of ``seed``: always the same."""
    drawn = _drawn(seed, i)
    if drawn.base_pct is None:
        return drawn
    return _with_ledger_tier(drawn, last_contributions(drawn, seed, i))


def _with_ledger_tier(p: DemoPerson, books: Ledgers) -> DemoPerson:
    """The person with the tier their contribution ledger gives (a month not paid counts 0):
    the profile keeps what the ledger says, for settlement's one read."""
    return p if p.base_pct is None else replace(p, tier_pct=ledger_tier_pct(books))


def _drawn(seed: int, i: int) -> DemoPerson:
    rng = random.Random(f"{seed}:{i}")
    phone = _phone(rng)
    if i < len(_CHOSEN):
        name, place, sex, born, scheme, extra = _CHOSEN[i]
        return DemoPerson(
            id_number=make_id_number(rng, place, born, sex),
            name=name,
            sex=sex,
            birth_date=born,
            phone=phone,
            scheme=scheme,
            card_number=_card_number(i),
            **extra,  # type: ignore[arg-type]
        )
    sex = rng.choice(("male", "female"))
    scheme = "employee" if rng.random() < 0.3 else "resident"
    if scheme == "employee":
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
    else:
        born = date(1935, 1, 1) + timedelta(days=rng.randrange(0, 365 * 88))
    age = 2026 - born.year
    retired = scheme == "employee" and age >= (60 if sex == "male" else 55)
    groups: tuple[str, ...] = ()
    exit_year = None
    if scheme == "resident":
        roll = rng.random()
        if roll < 0.03:
            groups = ("tekun",)
        elif roll < 0.09:
            groups = ("dibao",)
        elif roll < 0.14:
            groups = ("low_income",)
        elif roll < 0.24:
            groups = ("poverty_exited",)
            exit_year = rng.randrange(2014, 2021)
    base_pct = None
    years_met = False
    if scheme == "employee":
        if retired:
            years_met = rng.random() < 0.85
        if not years_met:
            base_pct = rng.choices((100.0, 85.0, 70.0, 50.0), (70, 15, 10, 5))[0]
    status_roll = rng.random()
    status = "suspended" if status_roll < 0.02 else "ended" if status_roll < 0.03 else "active"
    insured_from = max(date(2000, 1, 1), born + timedelta(days=365 * 18))
    return DemoPerson(
        id_number=make_id_number(rng, rng.choice(BIRTHPLACES), born, sex),
        name=_name(rng),
        sex=sex,
        birth_date=born,
        phone=phone,
        scheme=scheme,
        retired=retired,
        groups=groups,
        poverty_exit_year=exit_year,
        chronic=rng.random() < 0.1,
        employer=rng.choice(EMPLOYERS) if scheme == "employee" and not retired else None,
        status=status,
        insured_since=min(insured_from, date(2025, 1, 1)),
        card_number=_card_number(i),
        base_pct=base_pct,
        years_met=years_met,
    )


def persons(seed: int, count: int) -> Iterator[DemoPerson]:
    for i in range(count):
        yield person(seed, i)


def seed_region(
    count: int, seed: int = 990101, pepper: str | None = None, progress: bool = False
) -> int:
    """Write ``count`` demo persons to the configured table; returns how many were written."""
    from chalicelib.adapters.dynamodb import models
    from chalicelib.bootstrap import container
    from chalicelib.rules.identity import mask_id_number
    from chalicelib.services.auth import person_id_for, phone_key

    c = container()
    c.bind_tables()
    models.create_tables()
    key = pepper or c.settings.pepper
    rows: Iterator[DemoPerson] = (_drawn(seed, i) for i in range(count))
    if progress:
        from tqdm import tqdm

        rows = tqdm(rows, total=count, unit="person", file=sys.stderr, mininterval=0.5)
    written = 0
    with models.PersonItem.batch_write() as batch:
        for index, drawn in enumerate(rows):
            books = ledgers(drawn, seed, index)
            p = _with_ledger_tier(drawn, books)
            pid = person_id_for(p.id_number, key)
            pk = models.person_pk(pid)
            batch.save(
                models.PersonItem(
                    pk,
                    models.PROFILE_SK,
                    person_id=pid,
                    name=p.name,
                    id_masked=mask_id_number(p.id_number),
                    birth_date=p.birth_date.isoformat(),
                    sex=p.sex,
                    phone=p.phone,
                    phone_key=phone_key(key, p.phone),
                    scheme=p.scheme,
                    region=REGION,
                    status=p.status,
                    retired=p.retired,
                    groups=list(p.groups),
                    poverty_exit_year=p.poverty_exit_year,
                    chronic=p.chronic,
                    employer=p.employer,
                    insured_since=p.insured_since.isoformat(),
                    tier_pct=p.tier_pct,
                    years_met=p.years_met,
                )
            )
            for page in ledger_pages(pk, books):
                batch.save(page)
            if p.scheme == "employee":
                batch.save(
                    models.AccountItem(
                        pk,
                        models.ACCOUNT_SK,
                        balance=books.balance,
                        summary=account_summary(books).to_json(),
                        version=1,
                        notice_shard=models.notice_shard(REGION, pid),
                    )
                )
            batch.save(
                models.CardItem(
                    pk,
                    models.CARD_SK,
                    card_number=p.card_number,
                    status="active",
                    issued_on=max(p.insured_since, date(2016, 1, 1)).isoformat(),
                    version=1,
                )
            )
            batch.save(models.CardIndexItem(f"CARD#{p.card_number}", "CARD", person_id=pid))
            written += 1
    return written


def account_summary(books: Ledgers) -> AccountSummary:
    """What the account item keeps beside the balance, from the account's year pages."""
    first = min(books.account, default=None)
    opening = books.opening[first] if first is not None else 0
    return summarise(
        opening, (line for year in sorted(books.account) for line in books.account[year])
    )


def ledger_pages(pk: str, books: Ledgers) -> Iterator[Any]:
    """The year pages of a person's contribution and account ledgers."""
    import json

    from chalicelib.adapters.dynamodb import models

    def compact(lines: list[dict[str, Any]]) -> str:
        return json.dumps(lines, ensure_ascii=False, separators=(",", ":"))

    for year, lines in books.contributions.items():
        yield models.LedgerYearItem(
            pk,
            f"{models.CONTRIBUTION_PAGE}{year}",
            lines=compact(lines),
            months_before=books.months_before[year],
        )
    for year, lines in books.account.items():
        yield models.LedgerYearItem(
            pk,
            f"{models.ACCOUNT_PAGE}{year}",
            lines=compact(lines),
            opening_balance=books.opening[year],
        )


def login_lines(seed: int, count: int) -> list[str]:
    """One demo login a line: ID number and phone in full, and who it is."""
    return [
        f"{p.id_number}  {p.phone}  {p.name}  {p.notes}"
        for p in persons(seed, min(count, len(_CHOSEN)))
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.demo", description=__doc__)
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=990101)
    parser.add_argument("--logins", type=int, default=5, help="demo logins to print")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.persons < 0:
        parser.error("--persons must be at least 0")
    written = seed_region(args.persons, args.seed, progress=not args.quiet)
    print(f"seeded {written} persons in region {REGION}", file=sys.stderr)
    for line in login_lines(args.seed, args.logins):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
