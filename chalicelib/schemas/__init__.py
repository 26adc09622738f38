"""The deployed copy of ``schemas/`` and the compiled validators.

Each schema is compiled once per container, on first use. A schema may say in
``x-error`` (``{"en": ..., "zh": ...}``) how to explain a failure of its own
keywords in plain words; otherwise a generic sentence per keyword is used.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from chalicelib.errors import FieldError

HERE = Path(__file__).parent


def load(name: str) -> dict[str, Any]:
    """A schema or document from this folder, by file name."""
    data: dict[str, Any] = json.loads((HERE / name).read_text(encoding="utf-8"))
    return data


def _plain(error: Any) -> tuple[str, str]:
    custom = error.schema.get("x-error") if isinstance(error.schema, dict) else None
    if custom:
        return str(custom["en"]), str(custom["zh"])
    keyword = error.validator
    if keyword == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "a field"
        return f"'{missing}' is required.", f"缺少必填项“{missing}”。"
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        return "This field is not allowed here.", "不认识的字段，请去掉。"
    if keyword == "type":
        return f"Must be of type {error.validator_value}.", "类型不对。"
    if keyword in ("maxLength", "maxItems", "maximum", "exclusiveMaximum"):
        return f"Too long or too large (at most {error.validator_value}).", "内容过长或数值过大。"
    if keyword in ("minLength", "minItems", "minimum", "exclusiveMinimum"):
        return f"Too short or too small (at least {error.validator_value}).", "内容过短或数值过小。"
    if keyword == "enum":
        return f"Must be one of {error.validator_value}.", "取值不在允许范围内。"
    if keyword == "pattern":
        return "Not in the expected format.", "格式不对。"
    return "Not valid.", "内容不符合要求。"


def _path(parts: Any) -> tuple[str, str]:
    path, pointer = "$", ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}"
        pointer += "/" + str(part).replace("~", "~0").replace("/", "~1")
    return path, pointer


ITEMS_CHECKED_BY_RULES = frozenset({"settlement-request", "estimate-request"})
"""Requests whose bill items are checked once, by ``rules.bill.parse_items``, not twice.

Their validator checks everything but the inside of each item (the JSON Schema check of
an item resolves ``$ref`` and costs ~100 µs; ``parse_items`` ~3 µs). When anything is
wrong, the whole schema explains it (:meth:`Validator.all_errors`): the same errors at
the same paths as before.
"""


@dataclass(frozen=True)
class Validator:
    name: str
    compiled: Any
    full: Any = None  # the whole schema, when ``compiled`` leaves the items to the rules layer
    quick: Callable[[Any], bool] | None = None  # ``compiled``'s yes, fast: fastjsonschema

    def field_errors(self, data: Any) -> list[FieldError]:
        """What is wrong with ``data``; [] also when only the inside of an item is (see above).

        A good body is told by the quick check alone; jsonschema explains a bad one.
        """
        if self.quick is not None and self.quick(data):
            return []
        if self.full is not None:
            if next(self.compiled.iter_errors(data), None) is None:
                return []
            return self.all_errors(data)
        return _field_errors(self.compiled, data)

    def all_errors(self, data: Any) -> list[FieldError]:
        """What the whole schema says is wrong with ``data``, items included."""
        return _field_errors(self.full if self.full is not None else self.compiled, data)


def _field_errors(compiled: Any, data: Any) -> list[FieldError]:
    result: list[FieldError] = []
    for error in sorted(compiled.iter_errors(data), key=lambda e: list(map(str, e.path))):
        parts = list(error.path)
        if error.validator == "additionalProperties":
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            parts += extra[:1]
        if error.validator == "required" and "'" in error.message:
            parts.append(error.message.split("'")[1])
        path, pointer = _path(parts)
        if any(e.path == path for e in result):
            continue  # one explanation per field is enough
        en, zh = _plain(error)
        result.append(FieldError(path, pointer, str(error.validator), en, zh))
    return result


@cache
def _registry() -> Any:
    """Every schema here by its ``$id``, so that ``bill.schema.json#/$defs/item`` resolves."""
    from referencing import Registry, Resource

    resources = []
    for path in HERE.glob("*.schema.json"):
        schema = load(path.name)
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


@cache
def ecma_pattern(pattern: str) -> re.Pattern[str]:
    """A schema's ``pattern`` with ECMA-262's meaning of a final ``$``: the very end.

    Python's ``$`` also matches before a final newline, so ``^VB-[0-9]+$`` took
    ``"VB-1\n"`` for a second visit id. JSON Schema says patterns are ECMA-262.
    """
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    from jsonschema import ValidationError

    if isinstance(instance, str) and not ecma_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _validator_class() -> Any:
    from jsonschema import Draft202012Validator, validators

    return validators.extend(Draft202012Validator, {"pattern": _pattern})


@cache
def validator(name: str) -> Validator:
    """The compiled validator of ``<name>.schema.json`` (Draft 2020-12, ECMA patterns)."""
    cls = _validator_class()
    schema = load(f"{name}.schema.json")
    cls.check_schema(schema)
    full = cls(schema, registry=_registry())
    if name not in ITEMS_CHECKED_BY_RULES:
        return Validator(name, full, quick=_quick(cls, full))
    shallow = copy.deepcopy(schema)
    del shallow["properties"]["items"]["items"]  # the array's bounds stay; its items are left
    compiled = cls(shallow, registry=_registry())
    return Validator(name, compiled, full, _quick(cls, compiled))


def _quick(cls: Any, compiled: Any) -> Callable[[Any], bool] | None:
    """fastjsonschema's yes or no for what ``compiled`` checks: the schema compiled once into
    Python (~8 µs for a shallow settlement request, against jsonschema's ~110 µs, which
    builds its errors' machinery for good bodies too). Its answer is held to jsonschema's
    by tests/unit/test_quick_schema.py; a no goes to jsonschema, which explains it. Patterns
    keep ECMA's final ``$``, ``$ref`` resolves among our schemas, and ``format`` is an
    annotation for both."""
    import fastjsonschema

    def schema_of(uri: str) -> Any:
        return _ecma(load_by_id(uri.split("#")[0]))

    check = fastjsonschema.compile(
        _ecma(compiled.schema), handlers={"https": schema_of}, use_formats=False
    )

    def quick(data: Any) -> bool:
        try:
            check(data)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return quick


def _ecma(node: Any) -> Any:
    """A schema with each ``pattern``'s final ``$`` as ECMA-262 means it (see ecma_pattern)."""
    if isinstance(node, list):
        return [_ecma(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k == "pattern" and isinstance(v, str):
            v = ecma_pattern(v).pattern
        out[k] = v if k in ("enum", "const") else _ecma(v)
    return out


@cache
def load_by_id(schema_id: str) -> Any:
    """One of our schemas by its ``$id`` (what fastjsonschema asks for a ``$ref``)."""
    for path in HERE.glob("*.schema.json"):
        schema = load(path.name)
        if schema["$id"] == schema_id:
            return schema
    raise KeyError(schema_id)
