"""The notice pipeline's settings: SNS SMS (transactional, a monthly spend limit) and
the schedules, each on EventBridge Scheduler in China time with retries and a DLQ."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import custom_resources as cr
from constructs import Construct

from infra.data import Data
from infra.nag import cdk_singleton, justify
from infra.stages import CHINA_TIME, Schedule, Stage


def sms_settings(scope: Construct, stage: Stage) -> cr.AwsCustomResource:
    """The account's SMS preferences in the stage's region (SNS has no CloudFormation type).

    The spend limit cannot exceed the account's SMS quota: ask AWS Support to raise
    it first (README: deploying)."""
    call = cr.AwsSdkCall(
        service="SNS",
        action="setSMSAttributes",
        parameters={
            "attributes": {
                "DefaultSMSType": "Transactional",
                "MonthlySpendLimit": str(stage.sms_monthly_spend_usd),
            }
        },
        physical_resource_id=cr.PhysicalResourceId.of(stage.resource_name("sms-settings")),
    )
    settings = cr.AwsCustomResource(
        scope,
        "SmsSettings",
        on_create=call,
        on_update=call,
        policy=cr.AwsCustomResourcePolicy.from_statements(
            [iam.PolicyStatement(actions=["sns:SetSMSAttributes"], resources=["*"])]
        ),
        install_latest_aws_sdk=False,
    )
    justify(
        settings,
        {
            "AwsSolutions-IAM5[Resource::*]": "sns:SetSMSAttributes is account-wide: it has "
            "no resource ARN.",
        },
    )
    justify(
        cdk_singleton(scope, "AWS679f53fac002430cb0da5b7982bd2287"),
        {
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AWSLambdaBasicExecutionRole]": "The CDK's one function for AwsCustomResource "
            "writes only its own logs, with this AWS policy.",
        },
    )
    return settings


def scheduled_job(
    scope: Construct, schedule: Schedule, function_arn: str, data: Data, stage: Stage
) -> scheduler.CfnSchedule:
    """``schedule`` invokes the function at ``cron`` in China time; a run that still fails
    after the retries goes to the dead-letter queue of ``schedule.dead_letter``."""
    dead_letter = data.queues[schedule.dead_letter].dead_letter
    role = iam.Role(
        scope,
        f"Schedule-{schedule.name}-Role",
        assumed_by=iam.ServicePrincipal(
            "scheduler.amazonaws.com",
            conditions={"StringEquals": {"aws:SourceAccount": Stack.of(scope).account}},
        ),
        inline_policies={
            "invoke": iam.PolicyDocument(
                statements=[
                    iam.PolicyStatement(
                        actions=["lambda:InvokeFunction"], resources=[function_arn]
                    ),
                    iam.PolicyStatement(
                        actions=["sqs:SendMessage"], resources=[dead_letter.queue_arn]
                    ),
                    iam.PolicyStatement(
                        actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[data.key.key_arn]
                    ),
                ]
            )
        },
    )
    target: Any = scheduler.CfnSchedule.TargetProperty(
        arn=function_arn,
        role_arn=role.role_arn,
        input='{"scheduled_time": "<aws.scheduler.scheduled-time>"}',
        retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(
            maximum_retry_attempts=schedule.retries, maximum_event_age_in_seconds=3600
        ),
        dead_letter_config=scheduler.CfnSchedule.DeadLetterConfigProperty(
            arn=dead_letter.queue_arn
        ),
    )
    return scheduler.CfnSchedule(
        scope,
        f"Schedule-{schedule.name}",
        name=stage.resource_name(schedule.name),
        description=schedule.purpose,
        schedule_expression=f"cron({schedule.cron})",
        schedule_expression_timezone=CHINA_TIME,
        flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
        target=target,
        state="ENABLED",
    )
