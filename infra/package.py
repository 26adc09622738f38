"""The Lambda's deployment package: ``chalice package``, less the distributions we never import.

One function, :func:`package`, makes the zip for a stage; ``infra/api.py`` deploys what
it makes and ``bench/package.py`` measures it, so the figure is the deployed zip's.

``chalice package`` ships every distribution pip resolves from requirements.txt, and
pip cannot leave out a dependency a package declares. Authlib declares
``cryptography`` (and ``joserfc``, which needs it) for its JOSE parts (JWS, JWE, JWK)
and OAuth 1's RSA signatures; we use only its OAuth 2 server parts (RFC 6749 grants,
RFC 7636 PKCE, RFC 7009 revocation, RFC 6750 bearer tokens), which import neither.
PyJWT signs our HS256 tokens with the standard library's ``hmac``. So they are taken
out of the zip after packaging, each by its own ``RECORD`` (every file pip installed
for it): a distribution is named here with the reason, never guessed from a path.
``tests/api/test_unshipped_packages.py`` runs the OAuth flows and every route with these
made unimportable, and ``tests/infra`` checks that the deployed zip holds none of them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import py_compile
import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

from infra.stages import ROOT, chalice_stage_config

NOT_SHIPPED: dict[str, str] = {
    "cryptography": "Authlib's JOSE and OAuth 1 RSA, which we do not use (4.7 MB zipped)",
    "cffi": "cryptography's foreign-function layer",
    "pycparser": "cffi's C parser",
    "joserfc": "Authlib's JOSE library; imports cryptography when it is imported",
}
"""Distributions pip resolves for requirements.txt that the Lambda never imports, and why."""

COMPILED: tuple[str, ...] = (
    "botocore",
    "pynamodb",
    "urllib3",
    "python-dateutil",
    "jmespath",
    "six",
    "PyJWT",
)
"""The distributions a cold start (``import app``, a first request) imports: shipped with
their bytecode, as are our own code (:data:`OUR_CODE`) and ``chalice.app``. The rest
(Authlib, jsonschema, stdnum, phonenumbers, powertools …) is compiled when first used."""

OUR_CODE = ("app.py", "chalicelib/", "chalice/")
"""Paths in the zip compiled with :data:`COMPILED` (``chalice package`` copies its own
``chalice/app.py`` in, without a RECORD)."""


def package(out_dir: str | Path, stage: str, source_dir: str | Path = ROOT) -> Path:
    """``chalice package`` of ``stage`` as infra deploys it (arm64) into ``out_dir``, then
    the distributions of :data:`NOT_SHIPPED` taken out of ``deployment.zip``."""
    from chalice.api import package_app

    package_app(str(source_dir), str(out_dir), stage, chalice_config=chalice_stage_config(stage))
    zip_path = Path(out_dir, "deployment.zip")
    leave_out(zip_path, NOT_SHIPPED)
    _same_python_as(Path(out_dir, "sam.json"))
    add_bytecode(zip_path, COMPILED, OUR_CODE)
    return zip_path


def _same_python_as(template: Path) -> None:
    """Bytecode is for one Python version: the functions' runtime must be this one's."""
    resources = json.loads(template.read_text())["Resources"].values()
    runtimes = {r["Properties"]["Runtime"] for r in resources if "Runtime" in r["Properties"]}
    here = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if runtimes != {here}:
        raise RuntimeError(f"the functions run {sorted(runtimes)}, bytecode made by {here}")


def add_bytecode(zip_path: Path, distributions: Iterable[str], prefixes: Iterable[str]) -> int:
    """Add an unchecked-hash ``.pyc`` beside each ``.py`` of ``distributions`` (by their
    RECORD) and under ``prefixes``; returns how many. A source that does not compile is
    an error (it could not be imported either)."""
    prefixes = tuple(prefixes)
    with (
        zipfile.ZipFile(zip_path, "a", zipfile.ZIP_DEFLATED) as z,
        tempfile.TemporaryDirectory(prefix="yibao-pyc-") as tmp,
    ):
        names = set(z.namelist())
        records = shipped_distributions(names)
        chosen = {n for n in names if n.startswith(prefixes)}
        for dist in distributions:
            record = records.get(_canonical(dist))
            if record is None:
                raise LookupError(f"{dist} is not in {zip_path.name}: remove it from COMPILED")
            chosen.update(row[0] for row in csv.reader(io.StringIO(z.read(record).decode())) if row)
        sources = sorted(n for n in chosen & names if n.endswith(".py"))
        for name in sources:
            source = Path(tmp, "source.py")
            source.write_bytes(z.read(name))
            compiled = Path(tmp, "compiled.pyc")
            py_compile.compile(
                str(source),
                cfile=str(compiled),
                dfile=name,
                doraise=True,
                invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
            )
            info = zipfile.ZipInfo(_bytecode_path(name), (1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, compiled.read_bytes())
    return len(sources)


def _bytecode_path(source: str) -> str:
    """Where CPython looks for a source's bytecode (``importlib.util.cache_from_source``
    without ``sys.pycache_prefix``, which a bench run sets for its own processes)."""
    folder, _, file = source.rpartition("/")
    pyc = f"__pycache__/{file.removesuffix('.py')}.{sys.implementation.cache_tag}.pyc"
    return f"{folder}/{pyc}" if folder else pyc


def leave_out(zip_path: Path, distributions: dict[str, str] | list[str]) -> list[str]:
    """Rewrite ``zip_path`` without the files of ``distributions`` (by their RECORD).

    A distribution that is not in the zip is an error, not a silent no-op: the list
    must be kept true (if Authlib stops declaring ``cryptography``, strike it here).
    Returns the names of the entries taken out.
    """
    with zipfile.ZipFile(zip_path) as z:
        names = set(z.namelist())
        records = shipped_distributions(names)
        dropped: set[str] = set()
        for dist in distributions:
            record = records.get(_canonical(dist))
            if record is None:
                raise LookupError(f"{dist} is not in {zip_path.name}: remove it from NOT_SHIPPED")
            listed = csv.reader(io.StringIO(z.read(record).decode("utf-8")))
            dropped.update(row[0] for row in listed if row)
            dropped.update(n for n in names if n.startswith(record.rsplit("/", 1)[0] + "/"))
        dropped &= names
        kept = [i for i in z.infolist() if i.filename not in dropped]
        fd, tmp = tempfile.mkstemp(dir=zip_path.parent, suffix=".zip")
        os.close(fd)
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for info in kept:
                out.writestr(info, z.read(info))
    shutil.move(tmp, zip_path)
    return sorted(dropped)


def shipped_distributions(names: Iterable[str]) -> dict[str, str]:
    """The distributions in a zip's ``names``: canonical name → its ``RECORD``'s path."""
    found = {}
    for name in names:
        parts = name.split("/")
        if len(parts) == 2 and parts[0].endswith(".dist-info") and parts[1] == "RECORD":
            found[_canonical(parts[0].split("-", 1)[0])] = name
    return found


def _canonical(name: str) -> str:
    """A distribution's name as PEP 503 compares them (``PyJWT`` = ``pyjwt``)."""
    return re.sub(r"[-_.]+", "-", name).lower()
