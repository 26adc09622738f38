"""The Chalice app on API Gateway and Lambda, through ``chalice.cdk``.

``chalice package`` makes the functions and the REST API (a SAM template), through
``infra.package.package``: the zip deployed is the zip ``bench/package.py`` measures.
This construct adds what Chalice does not: one least-privilege role written here
(``autogen_policy`` off, no ``*`` action, data only by exact ARN), each function's
environment (secret ARNs, queue URLs, never a secret's value), its log group,
stage throttling, access logs and X-Ray tracing. Every Chalice function gets the
same, so a new ``@app.lambda_function`` or ``@app.on_sqs_message`` needs nothing here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_cdk import Aws, Fn, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from chalice.cdk import Chalice
from chalice.utils import to_cfn_resource_name
from constructs import Construct

from infra.data import DECOY_TAG, Data, removal
from infra.nag import justify
from infra.package import package
from infra.stages import ROOT, Stage
from infra.waf import web_acl

# What the app does with its tables (TransactWriteItems is authorised per item action).
TABLE_ACTIONS = (
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
)
KEY_ACTIONS = ("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey")
QUEUE_ACTIONS = (
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
    "sqs:ReceiveMessage",
    "sqs:SendMessage",
)
ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "time": "$context.requestTime",
    "method": "$context.httpMethod",
    "path": "$context.resourcePath",
    "status": "$context.status",
    "latencyMs": "$context.responseLatency",
    "wafStatus": "$context.waf.status",
}


class ChaliceApp(Chalice):
    """``chalice.cdk``'s construct, packaged by :func:`infra.package.package`.

    The construct packages in ``_package_app`` (``chalice.api.package_app`` into the
    directory its asset is then made from); only that step is replaced, so the stage's
    settings come from ``infra.stages.chalice_stage_config`` there, not ``stage_config``.
    """

    def _package_app(self) -> None:
        package(self._sam_package_dir, self.stage_name, self.source_dir)


class Api(Construct):
    def __init__(self, scope: Construct, id: str, stage: Stage, data: Data) -> None:
        super().__init__(scope, id)
        self.stage = stage
        self.role = self._role(data)
        # chalice.cdk packages the stage named by its scope's path: the stack's id is the stage.
        self.chalice = ChaliceApp(
            Stack.of(self),
            "Chalice",
            source_dir=str(ROOT),
        )
        self.sam = json.loads(Path(self.chalice._sam_package_dir, "sam.json").read_text())
        self.functions: dict[str, Any] = {}
        for logical_id, resource in self.sam["Resources"].items():
            if resource["Type"] == "AWS::Serverless::Function":
                self.functions[logical_id] = self._wire_function(logical_id, data)
        self.rest_api = self.chalice.get_resource("RestAPI")
        self.api_name: str = self.sam["Resources"]["RestAPI"]["Properties"]["DefinitionBody"][
            "info"
        ]["title"]
        self.domain = Fn.join(".", [self.rest_api.ref, "execute-api", Aws.REGION, Aws.URL_SUFFIX])
        self._stage_settings()

    def function(self, chalice_name: str) -> Any:
        """The function of ``@app.lambda_function(name=…)`` (or ``APIHandler``)."""
        return self.functions[to_cfn_resource_name(chalice_name)]

    def _role(self, data: Data) -> iam.Role:
        stage = self.stage
        tables = [
            Stack.of(self).format_arn(service="dynamodb", resource="table", resource_name=t)
            for t in data.tables
        ]
        indexes = [
            Stack.of(self).format_arn(
                service="dynamodb", resource="table", resource_name=f"{spec.name}/index/{i.name}"
            )
            for spec in data.specs
            for i in spec.indexes
        ]
        statements = [
            iam.PolicyStatement(
                sid="Tables", actions=list(TABLE_ACTIONS), resources=[*tables, *indexes]
            ),
            iam.PolicyStatement(sid="Key", actions=list(KEY_ACTIONS), resources=[data.key.key_arn]),
            iam.PolicyStatement(
                sid="Secrets",
                actions=["secretsmanager:GetSecretValue"],
                resources=[s.ref for s in data.secrets.values()],
            ),
            iam.PolicyStatement(
                sid="SmsToPhones",
                actions=["sns:Publish"],
                resources=["*"],
            ),
            iam.PolicyStatement(
                # sns:Publish above is for SMS to a phone number and the decoys' topic
                # (infra/data.py) only: no other topic
                sid="NoOtherTopics",
                effect=iam.Effect.DENY,
                actions=["sns:Publish"],
                resources=[Stack.of(self).format_arn(service="sns", resource="*")],
                conditions={"StringNotEquals": {f"aws:ResourceTag/{DECOY_TAG}": "decoys"}},
            ),
            iam.PolicyStatement(
                sid="Tracing",
                actions=["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
                resources=["*"],
            ),
        ]
        if data.queues:
            statements.append(
                iam.PolicyStatement(
                    sid="Queues",
                    actions=list(QUEUE_ACTIONS),
                    resources=[q.queue.queue_arn for q in data.queues.values()],
                )
            )
        role = iam.Role(
            self,
            "Role",
            role_name=stage.resource_name("lambda"),
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Yibao {stage.name}: every Chalice function",
            inline_policies={"yibao": iam.PolicyDocument(statements=statements)},
        )
        justify(
            role,
            {
                "AwsSolutions-IAM5[Resource::*]": "Resource * only where AWS has no "
                "resource: sns:Publish to a phone number (SMS; publishing to any topic but "
                "the decoys' is denied) and X-Ray's PutTraceSegments/PutTelemetryRecords. "
                "Data is reached by exact ARN.",
            },
        )
        return role

    def _wire_function(self, logical_id: str, data: Data) -> Any:
        stage = self.stage
        function = self.chalice.get_resource(logical_id)
        function.add_property_override("Role", self.role.role_arn)
        name = stage.resource_name(logical_id.lower())
        log_group = logs.LogGroup(
            self,
            f"Logs{logical_id}",
            log_group_name=f"/aws/lambda/{name}",
            retention=_retention(stage.log_retention_days),
            removal_policy=removal(stage),
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            )
        )
        function.add_property_override(
            "LoggingConfig", {"LogGroup": log_group.log_group_name, "LogFormat": "Text"}
        )
        env: dict[str, Any] = {f"{k}_ARN": s.ref for k, s in data.secrets.items()}
        env.update({q.spec.env: q.queue.queue_url for q in data.queues.values()})
        env["YIBAO_DECOY_TOPIC"] = data.decoy_topic.topic_arn
        for key, value in env.items():
            function.add_property_override(f"Environment.Variables.{key}", value)
        self._wire_queues(logical_id, function, data)
        return function

    def _wire_queues(self, logical_id: str, function: Any, data: Data) -> None:
        """``@app.on_sqs_message(queue="<name>")`` names a Queue of infra/stages.py: point
        its event source at the stage's queue, with partial batch failure reporting."""
        events = self.sam["Resources"][logical_id]["Properties"].get("Events", {})
        for event_id, event in events.items():
            if event["Type"] != "SQS":
                continue
            queue_name = event["Properties"]["Queue"]["Fn::Sub"].rsplit(":", 1)[-1]
            queue = data.queues[queue_name].queue
            path = f"Events.{event_id}.Properties"
            function.add_property_override(f"{path}.Queue", queue.queue_arn)
            function.add_property_override(
                f"{path}.FunctionResponseTypes", ["ReportBatchItemFailures"]
            )

    def _stage_settings(self) -> None:
        stage = self.stage
        access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            log_group_name=f"/aws/apigateway/{stage.resource_name('api')}",
            retention=_retention(stage.log_retention_days),
            removal_policy=removal(stage),
        )
        self.rest_api.add_property_override("TracingEnabled", True)
        self.rest_api.add_property_override(
            "AccessLogSetting",
            {"DestinationArn": access_logs.log_group_arn, "Format": json.dumps(ACCESS_LOG_FORMAT)},
        )
        self.rest_api.add_property_override(
            "MethodSettings",
            [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingRateLimit": stage.api_rate_per_second,
                    "ThrottlingBurstLimit": stage.api_burst,
                    # Per-method metrics are custom metrics (about USD 0.30 each a month, some
                    # 300 here); the stage's own metrics (5XXError, Latency) come without them.
                    "MetricsEnabled": False,
                    "LoggingLevel": "ERROR",
                    "DataTraceEnabled": False,  # request bodies carry ID numbers: never logged
                }
            ],
        )
        # API Gateway writes logs with one role per account and region.
        push_role = iam.Role(
            self,
            "ApiGatewayLogsRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name(
                    "service-role/AmazonAPIGatewayPushToCloudWatchLogs"
                )
            ],
        )
        justify(
            push_role,
            {
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                "AmazonAPIGatewayPushToCloudWatchLogs]": "AWS's own policy for API Gateway's "
                "account-wide logging role: it may write to any API's log group in the "
                "account, by design.",
            },
        )
        account = apigateway.CfnAccount(
            self, "ApiGatewayAccount", cloud_watch_role_arn=push_role.role_arn
        )
        self.rest_api.add_resource_dependency(account)
        acl = web_acl(
            self,
            "Waf",
            name=stage.resource_name("api"),
            waf_scope="REGIONAL",
            rate=stage.waf_requests_per_5_minutes,
        )
        wafv2.CfnWebACLAssociation(
            self,
            "WafAssociation",
            web_acl_arn=acl.attr_arn,
            # ${RestAPI.Stage}: SAM's name for the stage it makes, so the stage exists first.
            resource_arn=Fn.sub(
                "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${RestAPI}"
                "/stages/${RestAPI.Stage}"
            ),
        )


def _retention(days: int) -> logs.RetentionDays:
    known = {30: logs.RetentionDays.ONE_MONTH, 365: logs.RetentionDays.ONE_YEAR}
    return known[days]
