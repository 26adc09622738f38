"""A quick yes to "is this body valid?": a schema compiled once into plain Python checks.

jsonschema explains what is wrong (the path, the keyword, our words for it), and pays for
that on every body, good ones too: ~7 µs a subschema (a validator evolved, a resource
made, its errors generated lazily), ~100 µs for the shallow settlement request. Most
bodies are good. :func:`quick_check` answers only yes or no, exactly as jsonschema
would for a JSON value (dicts, lists, strings, numbers, booleans, None); a no goes to
jsonschema, which finds the errors as before. So no error changes: only a good body
skips the long way.

Exactness is what makes this safe, so it is compiled only from the keywords it knows,
with jsonschema's own meaning of each (``type`` as its type checker, ``enum`` and
``const`` with its ``equal``, ``uniqueItems`` with its ``uniq``, ``pattern`` with ECMA's
``$`` as ours, ``$ref`` resolved by the same registry); a schema using any other keyword
the validator knows gets no quick check (``None``) and jsonschema does it all.
Keywords the validator does not know (``description``, ``x-error``, ``format`` without
a format checker) are ignored, as jsonschema ignores them.
tests/unit/test_quick_schema.py holds both to the same yes and no.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]

SUPPORTED = frozenset(
    {
        "$ref",
        "additionalProperties",
        "allOf",
        "anyOf",
        "const",
        "contains",
        "enum",
        "if",
        "items",
        "maxItems",
        "maxLength",
        "maximum",
        "minItems",
        "minLength",
        "minProperties",
        "minimum",
        "not",
        "oneOf",
        "pattern",
        "properties",
        "required",
        "type",
        "uniqueItems",
    }
)


class Unsupported(Exception):
    """The schema uses a keyword (or a form of one) that the quick check does not know."""


def _is_number(x: Any) -> bool:
    return isinstance(x, numbers.Number) and not isinstance(x, bool)


def _is_integer(x: Any) -> bool:  # Draft 2020-12: 2.0 is an integer, True is not
    if isinstance(x, bool):
        return False
    return isinstance(x, int) or (isinstance(x, float) and x.is_integer())


TYPES: dict[str, Check] = {
    "array": lambda x: isinstance(x, list),
    "boolean": lambda x: isinstance(x, bool),
    "integer": _is_integer,
    "null": lambda x: x is None,
    "number": _is_number,
    "object": lambda x: isinstance(x, dict),
    "string": lambda x: isinstance(x, str),
}


def quick_check(schema: Any, resolver: Any, known: frozenset[str]) -> Check | None:
    """``schema`` as one exact yes/no check, or None when it uses what this does not know.

    ``resolver``: a ``referencing`` resolver rooted at ``schema`` (as the validator's is);
    ``known``: the keywords the validator class applies (any other is ignored).
    """
    try:
        return _Compiler(known).compile(schema, resolver)
    except Unsupported:
        return None


def _all(checks: list[Check]) -> Check:
    if not checks:
        return lambda x: True
    if len(checks) == 1:
        return checks[0]
    fixed = tuple(checks)

    def every(x: Any) -> bool:
        return all(check(x) for check in fixed)

    return every


class _Compiler:
    def __init__(self, known: frozenset[str]) -> None:
        self.known = known
        self.done: dict[int, Check] = {}
        self.pending: dict[int, list[Check]] = {}  # a schema being compiled: its own $ref

    def compile(self, schema: Any, resolver: Any) -> Check:
        if schema is True:
            return lambda x: True
        if schema is False:
            return lambda x: False
        if not isinstance(schema, Mapping):
            raise Unsupported(f"a schema that is a {type(schema).__name__}")
        key = id(schema)
        if key in self.done:
            return self.done[key]
        if key in self.pending:  # a recursive schema: the check, once it is made
            cell = self.pending[key]
            return lambda x: cell[0](x)
        self.pending[key] = cell = []
        check = _all(self._keywords(schema, resolver))
        cell.append(check)
        del self.pending[key]
        self.done[key] = check
        return check

    def sub(self, schema: Any, resolver: Any) -> Check:
        """A subschema in place (not through ``$ref``): jsonschema moves no base for it here,
        in some keywords (``not``, ``if``), so one with its own ``$id`` is not for us."""
        if isinstance(schema, Mapping) and "$id" in schema:
            raise Unsupported("$id below the root")
        return self.compile(schema, resolver)

    def _keywords(self, schema: Mapping[str, Any], resolver: Any) -> list[Check]:
        applied = [k for k in schema if k in self.known]
        unknown = [k for k in applied if k not in SUPPORTED]
        if unknown:
            raise Unsupported(", ".join(unknown))
        return [
            getattr(self, "_" + keyword.lstrip("$"))(schema[keyword], schema, resolver)
            for keyword in applied
        ]

    # -- any instance ---------------------------------------------------------------

    def _type(self, value: Any, schema: Any, resolver: Any) -> Check:
        names = [value] if isinstance(value, str) else list(value)
        if any(n not in TYPES for n in names):
            raise Unsupported(f"type {names}")
        tests = tuple(TYPES[n] for n in names)
        if len(tests) == 1:
            return tests[0]
        return lambda x: any(t(x) for t in tests)

    def _enum(self, values: Any, schema: Any, resolver: Any) -> Check:
        if all(isinstance(v, str) for v in values):  # equal() of a str is ==, and only a str
            allowed = frozenset(values)
            return lambda x: isinstance(x, str) and x in allowed
        from jsonschema._utils import equal

        fixed = tuple(values)
        return lambda x: any(equal(v, x) for v in fixed)

    def _const(self, value: Any, schema: Any, resolver: Any) -> Check:
        from jsonschema._utils import equal

        return lambda x: bool(equal(x, value))

    def _ref(self, ref: Any, schema: Any, resolver: Any) -> Check:
        resolved = resolver.lookup(ref)
        return self.compile(resolved.contents, resolved.resolver)

    def _allOf(self, subs: Any, schema: Any, resolver: Any) -> Check:
        return _all([self.sub(s, resolver) for s in subs])

    def _anyOf(self, subs: Any, schema: Any, resolver: Any) -> Check:
        checks = tuple(self.sub(s, resolver) for s in subs)
        return lambda x: any(c(x) for c in checks)

    def _oneOf(self, subs: Any, schema: Any, resolver: Any) -> Check:
        checks = tuple(self.sub(s, resolver) for s in subs)
        return lambda x: sum(1 for c in checks if c(x)) == 1

    def _not(self, sub: Any, schema: Any, resolver: Any) -> Check:
        check = self.sub(sub, resolver)
        return lambda x: not check(x)

    def _if(self, sub: Any, schema: Any, resolver: Any) -> Check:
        condition = self.sub(sub, resolver)
        then = self.sub(schema["then"], resolver) if "then" in schema else None
        otherwise = self.sub(schema["else"], resolver) if "else" in schema else None

        def if_then_else(x: Any) -> bool:
            if condition(x):
                return then is None or then(x)
            return otherwise is None or otherwise(x)

        return if_then_else

    # -- strings ------------------------------------------------------------------

    def _minLength(self, n: Any, schema: Any, resolver: Any) -> Check:
        return lambda x: not isinstance(x, str) or len(x) >= n

    def _maxLength(self, n: Any, schema: Any, resolver: Any) -> Check:
        return lambda x: not isinstance(x, str) or len(x) <= n

    def _pattern(self, pattern: Any, schema: Any, resolver: Any) -> Check:
        from chalicelib.schemas import ecma_pattern

        search = ecma_pattern(pattern).search
        return lambda x: not isinstance(x, str) or search(x) is not None

    # -- numbers ------------------------------------------------------------------

    def _minimum(self, bound: Any, schema: Any, resolver: Any) -> Check:
        return lambda x: not _is_number(x) or not x < bound

    def _maximum(self, bound: Any, schema: Any, resolver: Any) -> Check:
        return lambda x: not _is_number(x) or not x > bound

    # -- arrays -------------------------------------------------------------------

    def _items(self, sub: Any, schema: Any, resolver: Any) -> Check:
        if "prefixItems" in schema:
            raise Unsupported("prefixItems")
        each = self.sub(sub, resolver)
        return lambda x: not isinstance(x, list) or all(each(i) for i in x)

    def _minItems(self, n: Any, schema: Any, resolver: Any) -> Check:
        return lambda x: not isinstance(x, list) or len(x) >= n

    def _maxItems(self, n: Any, schema: Any, resolver: Any) -> Check:
        return lambda x: not isinstance(x, list) or len(x) <= n

    def _uniqueItems(self, unique: Any, schema: Any, resolver: Any) -> Check:
        if not unique:
            return lambda x: True
        from jsonschema._utils import uniq

        return lambda x: not isinstance(x, list) or bool(uniq(x))

    def _contains(self, sub: Any, schema: Any, resolver: Any) -> Check:
        if "minContains" in schema or "maxContains" in schema:
            raise Unsupported("minContains/maxContains")
        each = self.sub(sub, resolver)
        return lambda x: not isinstance(x, list) or any(each(i) for i in x)

    # -- objects ------------------------------------------------------------------

    def _properties(self, props: Any, schema: Any, resolver: Any) -> Check:
        checks = {name: self.sub(sub, resolver) for name, sub in props.items()}

        def properties(x: Any) -> bool:
            if not isinstance(x, dict):
                return True
            for name, value in x.items():
                check = checks.get(name)
                if check is not None and not check(value):
                    return False
            return True

        return properties

    def _additionalProperties(self, sub: Any, schema: Any, resolver: Any) -> Check:
        if "patternProperties" in schema:
            raise Unsupported("patternProperties")
        named = frozenset(schema.get("properties", {}))
        if sub is False:
            return lambda x: not isinstance(x, dict) or x.keys() <= named
        if sub is True:
            return lambda x: True
        if not isinstance(sub, Mapping):
            raise Unsupported(f"additionalProperties: {sub!r}")
        each = self.sub(sub, resolver)
        return lambda x: (
            not isinstance(x, dict) or all(each(v) for k, v in x.items() if k not in named)
        )

    def _required(self, names: Any, schema: Any, resolver: Any) -> Check:
        needed = tuple(names)
        return lambda x: not isinstance(x, dict) or all(n in x for n in needed)

    def _minProperties(self, n: Any, schema: Any, resolver: Any) -> Check:
        return lambda x: not isinstance(x, dict) or len(x) >= n
