"""Alarms to one SNS topic: API 5xx, Lambda errors and throttles, DynamoDB throttles,
dead-letter queue depth, SMS failures and spend. Subscribe with ``ALARM_EMAIL``."""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from infra.api import Api
from infra.data import Data
from infra.stages import Stage

FIVE_MINUTES = Duration.minutes(5)
SMS_SUCCESS_BELOW = 0.9  # of SMS delivered in an hour
SMS_SPEND_SHARE = 0.8  # of the month's spend limit


class Alarms(Construct):
    def __init__(
        self, scope: Construct, id: str, stage: Stage, data: Data, api: Api, email: str | None
    ) -> None:
        super().__init__(scope, id)
        self.stage = stage
        self.topic = sns.Topic(
            self,
            "Topic",
            topic_name=stage.resource_name("alarms"),
            master_key=data.key,
            enforce_ssl=True,
        )
        if email:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))
        self.alarms: list[cloudwatch.Alarm] = []

        self._alarm(
            "Api5xx",
            "API answers 5xx",
            _metric("AWS/ApiGateway", "5XXError", {"ApiName": api.api_name, "Stage": stage.name}),
            5,
        )
        for logical_id, function in api.functions.items():
            dims = {"FunctionName": function.ref}
            self._alarm(
                f"{logical_id}Errors",
                f"{logical_id} errors",
                _metric("AWS/Lambda", "Errors", dims),
                1,
            )
            self._alarm(
                f"{logical_id}Throttles",
                f"{logical_id} throttled",
                _metric("AWS/Lambda", "Throttles", dims),
                1,
            )
        for name, table in data.tables.items():
            dims = {"TableName": table.ref}
            throttles = cloudwatch.MathExpression(
                expression="r + w",
                using_metrics={
                    "r": _metric("AWS/DynamoDB", "ReadThrottleEvents", dims),
                    "w": _metric("AWS/DynamoDB", "WriteThrottleEvents", dims),
                },
                period=FIVE_MINUTES,
            )
            self._alarm(f"Throttles-{name}", f"DynamoDB {name} throttled", throttles, 1)
        for queue in data.queues.values():
            depth = queue.dead_letter.metric_approximate_number_of_messages_visible(
                period=FIVE_MINUTES, statistic="Maximum"
            )
            self._alarm(f"Dlq-{queue.spec.name}", f"{queue.spec.name} dead letters", depth, 1)
        self._alarm(
            "SmsFailures",
            f"fewer than {SMS_SUCCESS_BELOW:.0%} of SMS delivered in an hour",
            _metric("AWS/SNS", "SMSSuccessRate", {}, statistic="Average", period=Duration.hours(1)),
            SMS_SUCCESS_BELOW,
            below=True,
        )
        self._alarm(
            "SmsSpend",
            f"SMS spend past {SMS_SPEND_SHARE:.0%} of the month's limit",
            _metric("AWS/SNS", "SMSMonthToDateSpentUSD", {}, statistic="Maximum"),
            stage.sms_monthly_spend_usd * SMS_SPEND_SHARE,
        )

    def _alarm(
        self, id: str, what: str, metric: cloudwatch.IMetric, threshold: float, below: bool = False
    ) -> None:
        alarm = cloudwatch.Alarm(
            self,
            id,
            alarm_name=self.stage.resource_name(id.lower()),
            alarm_description=f"Yibao {self.stage.name}: {what}",
            metric=metric,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD
            if below
            else cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        self.alarms.append(alarm)


def _metric(
    namespace: str,
    name: str,
    dims: dict[str, Any],
    statistic: str = "Sum",
    period: Duration = FIVE_MINUTES,
) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace=namespace,
        metric_name=name,
        dimensions_map=dims,
        statistic=statistic,
        period=period,
    )
