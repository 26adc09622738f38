"""The edge stack, in us-east-1 where AWS keeps CloudFront's WAF: the portal's web ACL."""

from __future__ import annotations

from typing import Any

from aws_cdk import Environment, Stack
from constructs import Construct

from infra.stages import Stage
from infra.waf import web_acl

EDGE_REGION = "us-east-1"


class EdgeStack(Stack):
    def __init__(self, scope: Construct, id: str, stage: Stage, **kw: Any) -> None:
        super().__init__(
            scope,
            id,
            env=Environment(region=EDGE_REGION),
            cross_region_references=True,
            description=f"Yibao {stage.name}: CloudFront's web ACL (us-east-1)",
            **kw,
        )
        self.web_acl = web_acl(
            self,
            "Waf",
            name=stage.resource_name("cdn"),
            waf_scope="CLOUDFRONT",
            rate=stage.waf_requests_per_5_minutes,
        )
