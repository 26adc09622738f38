"""The Lambda package's size: what ``chalice package`` ships for a deployed stage.

Budget: the zip within 24 MB (it was 25.1 MB while chalice itself was a runtime
dependency, 26.7 MB while it shipped Authlib's unused ``cryptography``; Lambda takes
50 MB zipped and 250 MB unzipped), measured on the zip infra/ deploys: the dev stage
made by the same function, ``infra.package.package`` (arm64). That zip ships the
bytecode of what a cold start imports (~2 MB; all of it would be 5.3 MB, over budget).
"""

from __future__ import annotations

import os
import tempfile
import zipfile

from bench.verdict import Budgets
from infra.package import NOT_SHIPPED, package, shipped_distributions
from local.stack import ROOT

ZIP_BUDGET_MB = 24.0
LAMBDA_ZIP_MB = 50.0
LAMBDA_UNZIPPED_MB = 250.0
MB = 1_000_000


def package_figures(stage: str = "dev") -> dict[str, float]:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")  # chalice asks; nothing calls AWS
    with tempfile.TemporaryDirectory() as out:
        path = package(out, stage, ROOT)
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            unzipped = sum(i.file_size for i in z.infolist())
        zipped = path.stat().st_size
    return {
        "zip_mb": zipped / MB,
        "unzipped_mb": unzipped / MB,
        "files": len(names),
        "chalice_cli": float(any(n.startswith("chalice/cli/") for n in names)),
        "bytecode": float(sum(n.endswith(".pyc") for n in names)),
        "never_imported": float(len(shipped_distributions(names).keys() & set(NOT_SHIPPED))),
    }


def report(budgets: Budgets) -> None:
    f = package_figures()
    print("Lambda package (chalice package, dev stage, arm64)")
    print(
        f"  zip {f['zip_mb']:.1f} MB ({f['zip_mb'] / LAMBDA_ZIP_MB:.0%} of Lambda's 50 MB), "
        f"unzipped {f['unzipped_mb']:.1f} MB ({f['unzipped_mb'] / LAMBDA_UNZIPPED_MB:.0%} "
        f"of 250 MB), {f['files']:.0f} files, {f['bytecode']:.0f} of them bytecode"
    )
    budgets.count("zip", round(f["zip_mb"], 1), ZIP_BUDGET_MB, " MB")
    shipped = "shipped (should not be)" if f["chalice_cli"] else "not shipped, only chalice.app"
    print(f"  chalice's command line: {shipped}")
    unused = ", ".join(NOT_SHIPPED)
    n = f["never_imported"]
    left = f"{n:.0f} shipped (should not be)" if n else "none shipped"
    print(f"  distributions the Lambda never imports ({unused}): {left}")
