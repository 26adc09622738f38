"""``make schemas``: build the OpenAPI document and copy the contract to ``chalicelib/schemas``.

``schemas/openapi/template.json`` holds the shared parts and the first paths; each other
``schemas/openapi/<area>.json`` is a fragment (``tags``, ``paths``, ``components``) of one
area of the API, merged in by file name (a key defined twice is an error); every request body schema
``schemas/<name>.schema.json`` is inlined into ``components.schemas`` under its
CamelCase name, so the document stands alone (schemathesis, API docs) and the
JSON Schemas stay the one source. The deployed copy under ``chalicelib/schemas``
must be byte-identical (a contract test checks both).
"""

from __future__ import annotations

import json
import shutil
import sys
from typing import Any

from local.stack import ROOT

SOURCE = ROOT / "schemas"
DEPLOYED = ROOT / "chalicelib" / "schemas"


def component_name(file_name: str) -> str:
    stem = file_name.removesuffix(".schema.json")
    return "".join(part.capitalize() for part in stem.replace("_", "-").split("-"))


def build_openapi() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((SOURCE / "openapi" / "template.json").read_text("utf-8"))
    for fragment in sorted((SOURCE / "openapi").glob("*.json")):
        if fragment.name != "template.json":
            _merge(document, json.loads(fragment.read_text("utf-8")), fragment.name)
    components = document["components"]["schemas"]
    for path in sorted(SOURCE.glob("*.schema.json")):
        schema = json.loads(path.read_text("utf-8"))
        schema.pop("$schema", None)
        schema.pop("$id", None)
        name = component_name(path.name)
        components[name] = _rebase(schema, f"#/components/schemas/{name}")
    return document


def _merge(document: dict[str, Any], fragment: dict[str, Any], name: str) -> None:
    """Add one area's tags, paths and components; nothing may be defined twice."""
    known_tags = {tag["name"] for tag in document["tags"]}
    for tag in fragment.get("tags", []):
        if tag["name"] in known_tags:
            raise ValueError(f"{name}: tag {tag['name']!r} is defined twice")
        document["tags"].append(tag)
    sections = [(document["paths"], fragment.get("paths", {}), "paths")]
    for kind, entries in fragment.get("components", {}).items():
        sections.append((document["components"].setdefault(kind, {}), entries, kind))
    for target, entries, kind in sections:
        for key, value in entries.items():
            if key in target:
                raise ValueError(f"{name}: {kind} {key!r} is defined twice")
            target[key] = value


def _rebase(node: Any, base: str) -> Any:
    """Point references at their place in the document: the schema's own ``#/...`` at
    ``base``, another file's ``bill.schema.json#/...`` at that file's component."""
    if isinstance(node, dict):
        return {k: (_ref(v, base) if k == "$ref" else _rebase(v, base)) for k, v in node.items()}
    if isinstance(node, list):
        return [_rebase(v, base) for v in node]
    return node


def _ref(value: Any, base: str) -> Any:
    if not isinstance(value, str):
        return value
    if value.startswith("#/"):
        return base + value[1:]
    file_name, _, pointer = value.partition("#")
    if file_name.endswith(".schema.json"):
        return f"#/components/schemas/{component_name(file_name)}{pointer}"
    return value


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    (SOURCE / "openapi.json").write_text(render(build_openapi()), "utf-8")
    for path in SOURCE.glob("*.json"):
        shutil.copyfile(path, DEPLOYED / path.name)
    print(f"wrote schemas/openapi.json and copied {len(list(SOURCE.glob('*.json')))} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
