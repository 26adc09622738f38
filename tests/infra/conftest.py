"""The synthesized templates, made once per test session the way ``make synth`` makes them.

The synth runs with no AWS credentials and no AWS configuration: a call to AWS or a
context lookup would fail it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from infra.stages import DEPLOYED, ROOT, Stage, stage
from tests.infra.offline import synth_environment


@dataclass
class Assembly:
    out: Path
    templates: dict[str, dict[str, Any]]  # stack id (dev, dev-edge, prod, …) → template
    report: dict[str, Any]  # CDK's policy-validation report (cdk-nag)

    def resources(self, stack: str, kind: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.templates[stack]["Resources"].items() if v["Type"] == kind}

    def one(self, stack: str, kind: str) -> dict[str, Any]:
        found = list(self.resources(stack, kind).values())
        assert len(found) == 1, f"{len(found)} {kind} in {stack}"
        return found[0]

    def logical_id(self, stack: str, kind: str, **props: Any) -> str:
        for key, value in self.resources(stack, kind).items():
            if all(value["Properties"].get(k) == v for k, v in props.items()):
                return key
        raise AssertionError(f"no {kind} with {props} in {stack}")


@pytest.fixture(scope="session")
def assembly(tmp_path_factory: pytest.TempPathFactory) -> Assembly:
    out = tmp_path_factory.mktemp("cdk") / "cdk.out"
    done = subprocess.run(
        [sys.executable, "-m", "infra.app", "--outdir", str(out)],
        cwd=ROOT,
        env=synth_environment(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    templates = {
        path.name.removesuffix(".template.json"): json.loads(path.read_text())
        for path in out.glob("*.template.json")
    }
    report = json.loads((out / "validation-report.json").read_text())
    return Assembly(out, templates, report)


@pytest.fixture(scope="session", params=DEPLOYED)
def stage_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def deployed(stage_name: str) -> Stage:
    return stage(stage_name)
