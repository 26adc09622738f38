"""One stage of Yibao on AWS: data, API, notices, portal and alarms in the stage's region."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Environment, Stack, Tags
from constructs import Construct

from infra.alarms import Alarms
from infra.api import Api
from infra.data import Data
from infra.edge import EdgeStack
from infra.notices import scheduled_job, sms_settings
from infra.portal import Portal
from infra.stages import SCHEDULES, Stage


class YibaoStack(Stack):
    def __init__(
        self,
        scope: Construct,
        stage: Stage,
        edge: EdgeStack,
        alarm_email: str | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(
            scope,
            stage.name,  # chalice.cdk reads the Chalice stage from the stack's path
            stack_name=f"yibao-{stage.name}",
            env=Environment(region=stage.region),
            cross_region_references=True,
            description=f"Yibao {stage.name}: 医保自助 portal and API",
            termination_protection=stage.retain,
            **kw,
        )
        Tags.of(self).add("project", "yibao")
        Tags.of(self).add("stage", stage.name)
        self.data = Data(self, "Data", stage)
        self.api = Api(self, "Api", stage, self.data)
        self.sms = sms_settings(self, stage)
        self.schedules = [
            scheduled_job(
                self, s, self.api.function(s.function).get_att("Arn").to_string(), self.data, stage
            )
            for s in SCHEDULES
        ]
        self.portal = Portal(self, "Portal", stage, self.api.domain, edge.web_acl.attr_arn)
        self.alarms = Alarms(self, "Alarms", stage, self.data, self.api, alarm_email)
        CfnOutput(self, "PortalUrl", value="https://" + self.portal.distribution.domain_name)
        CfnOutput(self, "PortalBucket", value=self.portal.bucket.bucket_name)
        CfnOutput(self, "AlarmTopic", value=self.alarms.topic.topic_arn)
