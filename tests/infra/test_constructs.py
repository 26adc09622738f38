"""The stack's parts on their own, in a bare stack (no Chalice package): a schedule as
an issue would add it, and a new index that appears in the tables by itself."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")


@pytest.fixture(scope="module")
def cdk():
    import aws_cdk

    return aws_cdk


def bare_stack(cdk, name="dev"):
    return cdk.Stack(cdk.App(), name, env=cdk.Environment(region="ap-southeast-1"))


def test_a_schedule_runs_in_china_time_with_retries_and_a_dead_letter_queue(cdk):
    from aws_cdk.assertions import Match, Template

    from infra.data import Data
    from infra.notices import scheduled_job
    from infra.stages import Schedule, stage

    dev = stage("dev")
    scope = bare_stack(cdk)
    data = Data(scope, "Data", dev)
    job = Schedule("monthly-notices", "plan_notices", "0 9 1 * ? *", "plan the month's notices")
    target = "arn:aws:lambda:ap-southeast-1:111122223333:function:yibao-dev-plan"
    scheduled_job(scope, job, target, data, dev)
    template = Template.from_stack(scope)
    dead_letter = scope.get_logical_id(data.queues["notices"].dead_letter.node.default_child)
    template.has_resource_properties(
        "AWS::Scheduler::Schedule",
        {
            "Name": "yibao-dev-monthly-notices",
            "ScheduleExpression": "cron(0 9 1 * ? *)",
            "ScheduleExpressionTimezone": "Asia/Shanghai",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {
                "Arn": target,
                "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
                "DeadLetterConfig": {"Arn": {"Fn::GetAtt": [dead_letter, "Arn"]}},
            },
        },
    )
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like(
                {
                    "Statement": [
                        Match.object_like({"Principal": {"Service": "scheduler.amazonaws.com"}})
                    ]
                }
            ),
            "Policies": [
                {
                    "PolicyName": "invoke",
                    "PolicyDocument": Match.object_like(
                        {
                            "Statement": Match.array_with(
                                [
                                    Match.object_like(
                                        {"Action": "lambda:InvokeFunction", "Resource": target}
                                    )
                                ]
                            )
                        }
                    ),
                }
            ],
        },
    )


def test_a_new_index_on_a_model_appears_in_its_table_by_itself(cdk, monkeypatch):
    from aws_cdk.assertions import Match, Template
    from pynamodb.attributes import UnicodeAttribute
    from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection

    from chalicelib.adapters.dynamodb import models
    from infra.data import Data
    from infra.stages import stage
    from infra.tables import table_specs

    class ByHospital(GlobalSecondaryIndex):  # what a filing or client look-up might add
        class Meta:
            index_name = "by-hospital"
            projection = KeysOnlyProjection()

        hospital = UnicodeAttribute(hash_key=True)
        filed_at = UnicodeAttribute(range_key=True)

    class FilingItem(models._Base):
        hospital = UnicodeAttribute()
        filed_at = UnicodeAttribute()
        by_hospital = ByHospital()

    monkeypatch.setattr(models, "ALL_MODELS", (*models.ALL_MODELS, FilingItem))
    person_table, auth_table = table_specs("yibao-dev")
    assert [i.name for i in person_table.indexes] == [
        "accounts-for-notices",
        "by-hospital",
        "cards-by-lapse-day",
        "person-by-phone",
    ]
    assert auth_table.indexes == ()

    scope = bare_stack(cdk)
    Data(scope, "Data", stage("dev"))
    Template.from_stack(scope).has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "TableName": "yibao-dev",
            "AttributeDefinitions": [
                {"AttributeName": "filed_at", "AttributeType": "S"},
                {"AttributeName": "hospital", "AttributeType": "S"},
                {"AttributeName": "lapse_day", "AttributeType": "S"},
                {"AttributeName": "notice_shard", "AttributeType": "S"},
                {"AttributeName": "phone_key", "AttributeType": "S"},
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            "GlobalSecondaryIndexes": Match.array_with([
                {
                    "IndexName": "by-hospital",
                    "KeySchema": [
                        {"AttributeName": "hospital", "KeyType": "HASH"},
                        {"AttributeName": "filed_at", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                }
            ]),
        },
    )
