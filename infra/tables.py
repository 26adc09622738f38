"""The DynamoDB tables, generated from the PynamoDB models (never typed twice).

A table is a base class in ``models.TABLES``; its name is what ``models.bind`` gives
it for the stage; its keys are the base's; its indexes are those of every model
stored in it; TTL is on ``models.TTL_ATTRIBUTE``. A new model, index or table
appears here by itself. The local stack creates the same tables with
``models.create_tables`` and tests/infra compares the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class IndexSpec:
    name: str
    kind: str  # global | local
    keys: tuple[tuple[str, str], ...]  # (attribute, HASH | RANGE)
    projection: dict[str, Any]


@dataclass(frozen=True)
class TableSpec:
    name: str
    keys: tuple[tuple[str, str], ...]  # (attribute, HASH | RANGE)
    attribute_types: dict[str, str]  # key attributes of the table and its indexes: S | N | B
    indexes: tuple[IndexSpec, ...]
    ttl_attribute: str


def table_specs(table_name: str) -> list[TableSpec]:
    """The stage's tables as the models define them (``table_name``: the stage's YIBAO_TABLE)."""
    from chalicelib.adapters.dynamodb import models

    every: tuple[Any, ...] = (*models.TABLES, *models.ALL_MODELS)
    saved = [(m, m.Meta.table_name, m.Meta.region, m.Meta.host, m._connection) for m in every]
    try:
        models.bind(table_name, "us-east-1", None)  # for the names only: nothing connects
        return [
            _spec(
                table,
                [m for m in every if _table_of(m, models.TABLES) is table],
                models.TTL_ATTRIBUTE,
            )
            for table in models.TABLES
        ]
    finally:  # put the models back as they were (a test process has them bound)
        for model, name, region, host, connection in saved:
            model.Meta.table_name, model.Meta.region, model.Meta.host = name, region, host
            model._connection = connection


def _table_of(model: type, tables: tuple[type, ...]) -> type:
    """The most derived table base a model belongs to (``OtpItem`` → the auth table)."""
    return max((t for t in tables if issubclass(model, t)), key=lambda t: len(t.__mro__))


def _spec(table: Any, stored: list[Any], ttl_attribute: str) -> TableSpec:
    base = table._get_schema()
    types = {a["AttributeName"]: a["AttributeType"] for a in base["attribute_definitions"]}
    indexes: dict[str, IndexSpec] = {}
    for model in stored:
        schema = model._get_schema()
        for a in schema["attribute_definitions"]:
            if types.setdefault(a["AttributeName"], a["AttributeType"]) != a["AttributeType"]:
                name = a["AttributeName"]
                raise ValueError(f"{name} has two types in {table.Meta.table_name}")
        for kind in ("global", "local"):
            for index in schema[f"{kind}_secondary_indexes"]:
                spec = IndexSpec(
                    name=index["index_name"],
                    kind=kind,
                    keys=_hash_first(index["key_schema"]),
                    projection=dict(index["projection"]),
                )
                if indexes.setdefault(spec.name, spec) != spec:
                    raise ValueError(f"index {spec.name} is defined twice, differently")
    return TableSpec(
        name=table.Meta.table_name,
        keys=_hash_first(base["key_schema"]),
        attribute_types=types,
        indexes=tuple(sorted(indexes.values(), key=lambda i: i.name)),
        ttl_attribute=ttl_attribute,
    )


def _hash_first(schema: list[dict[str, str]]) -> tuple[tuple[str, str], ...]:
    """(attribute, key type), the partition key first as DynamoDB wants it."""
    pairs = [(k["AttributeName"], k["KeyType"]) for k in schema]
    return tuple(sorted(pairs, key=lambda pair: pair[1] != "HASH"))
