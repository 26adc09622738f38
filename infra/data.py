"""What holds data: the KMS key, the DynamoDB tables, the secrets, the queues and the
decoys' topic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_cdk import Duration, RemovalPolicy, Tags
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.nag import justify
from infra.stages import QUEUES, SECRETS, Queue, Stage
from infra.tables import TableSpec, table_specs

DECOY_TAG = "yibao-purpose"  # the one topic the functions may publish to carries it

# The key's policy names every action (no kms:*): the account may administer the key and
# let its own IAM policies use it (the functions' role, the schedules' role, CloudFormation
# creating the tables, Secrets Manager on a caller's behalf); CloudWatch sends alarms to
# the encrypted topic.
KEY_ADMIN = (
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
)
KEY_USE = (
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:RetireGrant",
)


def key_policy() -> iam.PolicyDocument:
    account = iam.AccountRootPrincipal()
    return iam.PolicyDocument(
        statements=[
            iam.PolicyStatement(
                sid="Administer", principals=[account], actions=list(KEY_ADMIN), resources=["*"]
            ),
            iam.PolicyStatement(
                sid="UseThroughIam", principals=[account], actions=list(KEY_USE), resources=["*"]
            ),
            iam.PolicyStatement(
                sid="AlarmsToTopic",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=["*"],
            ),
        ]
    )


def removal(stage: Stage) -> RemovalPolicy:
    return RemovalPolicy.RETAIN if stage.retain else RemovalPolicy.DESTROY


@dataclass
class QueuePair:
    spec: Queue
    queue: sqs.Queue
    dead_letter: sqs.Queue


class Data(Construct):
    """One customer-managed key encrypts the tables, secrets, queues and the alarm topic."""

    def __init__(self, scope: Construct, id: str, stage: Stage) -> None:
        super().__init__(scope, id)
        self.key = kms.Key(
            self,
            "Key",
            alias=f"alias/yibao-{stage.name}",
            description=f"Yibao {stage.name}: tables, secrets, queues, alarm topic",
            enable_key_rotation=True,
            pending_window=Duration.days(30),
            removal_policy=removal(stage),
            policy=key_policy(),
        )
        self.specs = table_specs(stage.table_name)
        self.tables = {spec.name: self._table(spec, stage) for spec in self.specs}
        self.secrets = {s.setting: self._secret(s.name, s.purpose, stage) for s in SECRETS}
        self.queues = {q.name: self._queue(q, stage) for q in QUEUES}
        # A login request whose ID number and phone do not match publishes its decoy here
        # (the same SNS request as a code's SMS, no timing oracle): no one subscribes.
        self.decoy_topic = sns.Topic(
            self,
            "DecoyTopic",
            topic_name=stage.resource_name("decoys"),
            master_key=self.key,
            enforce_ssl=True,
        )
        Tags.of(self.decoy_topic).add(DECOY_TAG, "decoys")

    def _table(self, spec: TableSpec, stage: Stage) -> dynamodb.CfnTable:
        def keys(pairs: tuple[tuple[str, str], ...]) -> list[dynamodb.CfnTable.KeySchemaProperty]:
            return [
                dynamodb.CfnTable.KeySchemaProperty(attribute_name=a, key_type=k) for a, k in pairs
            ]

        def projection(p: dict[str, object]) -> dynamodb.CfnTable.ProjectionProperty:
            return dynamodb.CfnTable.ProjectionProperty(
                projection_type=str(p["ProjectionType"]),
                non_key_attributes=p.get("NonKeyAttributes"),
            )

        def indexes(kind: str, prop: Any) -> list[Any] | None:
            found = [
                prop(
                    index_name=i.name, key_schema=keys(i.keys), projection=projection(i.projection)
                )
                for i in spec.indexes
                if i.kind == kind
            ]
            return found or None

        table = dynamodb.CfnTable(
            self,
            "Table" + spec.name.removeprefix(stage.table_name),  # Table, Table-auth
            table_name=spec.name,
            billing_mode="PAY_PER_REQUEST",
            key_schema=keys(spec.keys),
            attribute_definitions=[
                dynamodb.CfnTable.AttributeDefinitionProperty(attribute_name=a, attribute_type=t)
                for a, t in sorted(spec.attribute_types.items())
            ],
            global_secondary_indexes=indexes(
                "global", dynamodb.CfnTable.GlobalSecondaryIndexProperty
            ),
            local_secondary_indexes=indexes("local", dynamodb.CfnTable.LocalSecondaryIndexProperty),
            time_to_live_specification=dynamodb.CfnTable.TimeToLiveSpecificationProperty(
                attribute_name=spec.ttl_attribute, enabled=True
            ),
            point_in_time_recovery_specification=dynamodb.CfnTable.PointInTimeRecoverySpecificationProperty(
                point_in_time_recovery_enabled=True
            ),
            sse_specification=dynamodb.CfnTable.SSESpecificationProperty(
                sse_enabled=True, sse_type="KMS", kms_master_key_id=self.key.key_arn
            ),
            deletion_protection_enabled=stage.retain,
        )
        table.apply_removal_policy(removal(stage))
        return table

    def _secret(self, name: str, purpose: str, stage: Stage) -> secretsmanager.CfnSecret:
        """A generated 64-character key; its ARN goes to the functions, its value never."""
        secret = secretsmanager.CfnSecret(
            self,
            "Secret-" + name,
            name=f"yibao/{stage.name}/{name}",
            description=purpose,
            kms_key_id=self.key.key_arn,
            generate_secret_string=secretsmanager.CfnSecret.GenerateSecretStringProperty(
                password_length=64, exclude_punctuation=True
            ),
        )
        secret.apply_removal_policy(removal(stage))
        justify(
            secret,
            {
                "AwsSolutions-SMG4": "Not rotated by a Lambda: the pepper keys every stored "
                "person id and code hash (a new pepper orphans them), and the token key is "
                "changed by hand with a deploy (README: rotating the keys).",
            },
        )
        return secret

    def _queue(self, spec: Queue, stage: Stage) -> QueuePair:
        dead_letter = sqs.Queue(
            self,
            f"Queue-{spec.name}-dlq",
            queue_name=stage.resource_name(spec.name + "-dlq"),
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.key,
            enforce_ssl=True,
            retention_period=Duration.days(14),
            removal_policy=removal(stage),
        )
        justify(
            dead_letter,
            {
                "AwsSolutions-SQS3": "This is the dead-letter queue itself.",
            },
        )
        queue = sqs.Queue(
            self,
            f"Queue-{spec.name}",
            queue_name=stage.resource_name(spec.name),
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.key,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(spec.visibility_seconds),
            retention_period=Duration.days(spec.retention_days),
            dead_letter_queue=sqs.DeadLetterQueue(
                max_receive_count=spec.max_receives, queue=dead_letter
            ),
            removal_policy=removal(stage),
        )
        return QueuePair(spec, queue, dead_letter)
