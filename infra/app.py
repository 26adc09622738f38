"""``python -m infra.app``: synthesize every deployed stage into ``infra/cdk.out``.

Offline: no AWS call and no context lookup (the stacks name their region; the
account is resolved at deploy time). cdk-nag's AwsSolutions checks run on every
construct; an error (a finding without a justified suppression) fails the synth.
Options come from the environment: ``YIBAO_STAGES`` (default: dev prod),
``YIBAO_REGION`` (override each stage's region), ``ALARM_EMAIL``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from contextlib import chdir

from infra.stages import DEPLOYED, ROOT, stage


def build(outdir: str, stages: list[str], region: str | None, email: str | None) -> object:
    import aws_cdk as cdk
    from cdk_nag import AwsSolutionsChecks

    from infra.edge import EdgeStack
    from infra.stack import YibaoStack

    app = cdk.App(outdir=outdir, analytics_reporting=False)
    for name in stages:
        settings = stage(name, region)
        edge = EdgeStack(app, f"{name}-edge", settings, stack_name=f"yibao-{name}-edge")
        main = YibaoStack(app, settings, edge, alarm_email=email)
        main.add_stack_dependency(edge)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app.synth()


def errors(assembly: object) -> list[str]:
    """The error annotations (cdk-nag findings, CDK validation) of every stack."""
    found = []
    for stack in assembly.stacks:  # type: ignore[attr-defined]
        for message in stack.messages:
            if str(message.level).endswith("ERROR"):
                found.append(f"{message.id}: {message.entry.data}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.app", description=__doc__)
    parser.add_argument("--outdir", default=str(ROOT / "infra" / "cdk.out"))
    args = parser.parse_args(argv)
    outdir = os.path.abspath(args.outdir)
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")  # read by the CDK; nothing calls AWS
    stages = os.environ.get("YIBAO_STAGES", " ".join(DEPLOYED)).split()
    with tempfile.TemporaryDirectory() as work, chdir(work):  # chalice.cdk packages in cwd
        assembly = build(
            outdir, stages, os.environ.get("YIBAO_REGION"), os.environ.get("ALARM_EMAIL")
        )
    found = errors(assembly)
    for line in found:
        print(line, file=sys.stderr)
    print(f"synthesized {', '.join(stages)} into {outdir}: {len(found)} errors")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
