"""cdk-nag (AwsSolutions pack, v3 on CDK's policy validation): each finding we accept
is acknowledged on its construct, with the reason next to the resource it is about.
An unacknowledged finding fails the synth (``make synth``, tests/infra)."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Stack, Validations
from constructs import IConstruct

PACK = "AwsSolutions"


def justify(construct: IConstruct, reasons: dict[str, str]) -> None:
    """``reasons``: rule (``AwsSolutions-S1``, ``AwsSolutions-IAM5[Resource::*]``) → why."""
    for rule, reason in reasons.items():
        Validations.of(construct).acknowledge(Acknowledgment(id=f"{PACK}::{rule}", reason=reason))


def cdk_singleton(scope: IConstruct, id_prefix: str) -> IConstruct:
    """A function the CDK makes once per stack for a construct (custom resources)."""
    stack = Stack.of(scope)
    return next(c for c in stack.node.children if c.node.id.startswith(id_prefix))
