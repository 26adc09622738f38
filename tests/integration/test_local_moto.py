"""The local moto server's DynamoDB keeps DynamoDB's promises (local/moto_server.py)."""

from __future__ import annotations

import uuid

import boto3
import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def table(stack):
    client = boto3.client(
        "dynamodb", region_name="cn-north-1", endpoint_url=stack.moto.url,
        aws_access_key_id="local", aws_secret_access_key="local",
    )
    name = f"moto-check-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    yield client, name
    client.delete_table(TableName=name)


def key(pk, sk):
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def test_a_failed_condition_cancels_the_whole_transaction_with_its_reasons(table):
    client, name = table
    client.put_item(TableName=name, Item={**key("A", "1"), "n": {"N": "1"}})
    with pytest.raises(ClientError) as caught:
        client.transact_write_items(TransactItems=[
            {"Put": {"TableName": name, "Item": key("A", "2")}},
            {"Update": {"TableName": name, "Key": key("A", "1"), "UpdateExpression": "ADD n :one",
                        "ConditionExpression": "n = :two",
                        "ExpressionAttributeValues": {":one": {"N": "1"}, ":two": {"N": "2"}}}},
        ])
    reasons = [r["Code"] for r in caught.value.response["CancellationReasons"]]
    assert reasons == ["None", "ConditionalCheckFailed"]
    assert "Item" not in client.get_item(TableName=name, Key=key("A", "2"))
    assert client.get_item(TableName=name, Key=key("A", "1"))["Item"]["n"] == {"N": "1"}


def test_a_write_refused_midway_is_undone(table):
    client, name = table
    client.put_item(TableName=name, Item={**key("A", "1"), "n": {"N": "1"}})
    client.put_item(TableName=name, Item={**key("C", "1"), "s": {"S": "x"}})
    with pytest.raises(ClientError):
        client.transact_write_items(TransactItems=[
            {"Put": {"TableName": name, "Item": key("A", "2")}},
            {"Update": {"TableName": name, "Key": key("A", "1"), "UpdateExpression": "SET n = :n",
                        "ExpressionAttributeValues": {":n": {"N": "5"}}}},
            {"Update": {"TableName": name, "Key": key("C", "1"), "UpdateExpression": "ADD s :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        ])
    assert "Item" not in client.get_item(TableName=name, Key=key("A", "2"))
    assert client.get_item(TableName=name, Key=key("A", "1"))["Item"]["n"] == {"N": "1"}
    assert client.get_item(TableName=name, Key=key("C", "1"))["Item"]["s"] == {"S": "x"}


def test_a_query_reads_one_partition_in_order(table):
    client, name = table
    for pk in ("A", "B", "C"):
        for sk in ("13", "11", "12", "2"):
            client.put_item(TableName=name, Item=key(pk, sk))
    found = client.query(
        TableName=name, KeyConditionExpression="pk = :p AND begins_with(sk, :s)",
        ExpressionAttributeValues={":p": {"S": "B"}, ":s": {"S": "1"}}, ScanIndexForward=False,
    )["Items"]
    assert [(i["pk"]["S"], i["sk"]["S"]) for i in found] == [("B", "13"), ("B", "12"), ("B", "11")]


def test_an_index_query_finds_the_items_of_its_key_in_order(stack):
    client = boto3.client(
        "dynamodb", region_name="cn-north-1", endpoint_url=stack.moto.url,
        aws_access_key_id="local", aws_secret_access_key="local",
    )
    name = f"moto-index-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"}
                              for a in ("pk", "sk", "shard")],
        GlobalSecondaryIndexes=[{
            "IndexName": "by-shard",
            "KeySchema": [{"AttributeName": "shard", "KeyType": "HASH"},
                          {"AttributeName": "pk", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }],
        BillingMode="PAY_PER_REQUEST",
    )
    for i in (5, 3, 9, 1, 7):
        client.put_item(TableName=name, Item={**key(f"P{i}", "ACCT"), "shard": {"S": f"s{i % 2}"}})
        client.put_item(TableName=name, Item=key(f"P{i}", "PROFILE"))  # not in the index
    pages, start = [], None
    while True:
        extra = {"ExclusiveStartKey": start} if start else {}
        answer = client.query(
            TableName=name, IndexName="by-shard", KeyConditionExpression="shard = :s",
            ExpressionAttributeValues={":s": {"S": "s1"}}, Limit=2, **extra,
        )
        pages.append([i["pk"]["S"] for i in answer["Items"]])
        start = answer.get("LastEvaluatedKey")
        if not start:
            break
    assert [pk for page in pages for pk in page] == ["P1", "P3", "P5", "P7", "P9"]
    assert max(len(page) for page in pages) == 2
    client.delete_table(TableName=name)



def _scanned(client, name, **segment):
    """Every item a paged Scan returns (two items a page), as (pk, sk), in order."""
    found, start = [], None
    while True:
        extra = {"ExclusiveStartKey": start} if start else {}
        answer = client.scan(TableName=name, Limit=2, **segment, **extra)
        assert len(answer["Items"]) <= 2
        found += [(i["pk"]["S"], i["sk"]["S"]) for i in answer["Items"]]
        start = answer.get("LastEvaluatedKey")
        if not start:
            return found


def test_a_paged_segmented_scan_returns_each_item_once_where_the_whole_scan_has_it(table):
    client, name = table
    for pk in ("P4", "P1", "P3", "P2", "P5", "P6"):
        for sk in ("b", "a", "c"):
            client.put_item(TableName=name, Item=key(pk, sk))
    whole = [(i["pk"]["S"], i["sk"]["S"]) for i in client.scan(TableName=name)["Items"]]
    assert len(whole) == 18
    assert _scanned(client, name) == whole  # the pages continue where they stopped
    parts = [_scanned(client, name, Segment=s, TotalSegments=3) for s in range(3)]
    assert sorted(item for part in parts for item in part) == sorted(whole)  # once each
    for part in parts:  # a segment keeps the whole scan's order, and whole partitions
        assert part == [item for item in whole if item in part]
        assert all(sum(1 for p, _ in part if p == pk) in (0, 3) for pk, _ in whole)

def test_sqs_receives_in_order_and_deletes_by_any_handle_a_message_had(stack):
    """The queue as SQS keeps it (local/moto_server.py finds a message by its handle)."""
    client = boto3.client(
        "sqs", region_name="cn-north-1", endpoint_url=stack.moto.url,
        aws_access_key_id="local", aws_secret_access_key="local",
    )
    url = client.create_queue(QueueName=f"moto-check-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    for start in range(0, 30, 10):
        client.send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "MessageBody": f"m{i}"} for i in range(start, start + 10)])
    first = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in first] == [f"m{i}" for i in range(10)]
    # the first message comes back (visible at once) under a new handle
    client.change_message_visibility(
        QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"], VisibilityTimeout=0)
    again = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in again] == ["m0"] + [f"m{i}" for i in range(10, 19)]
    answer = client.delete_message_batch(QueueUrl=url, Entries=[
        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(first)])
    assert len(answer["Successful"]) == 10  # m0 too, by the handle it had before
    client.delete_message(QueueUrl=url, ReceiptHandle=first[1]["ReceiptHandle"])  # again: fine
    with pytest.raises(ClientError) as refused:
        client.delete_message(QueueUrl=url, ReceiptHandle="not-a-handle")
    assert refused.value.response["Error"]["Code"] == "ReceiptHandleIsInvalid"
    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "11"  # m19 … m29
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "9"  # m10 … m18
    one = client.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    assert one["Attributes"] == {"ApproximateNumberOfMessages": "11"}
    assert client.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])[
        "Attributes"] == {"VisibilityTimeout": "30"}
    rest = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in rest] == [f"m{i}" for i in range(19, 29)]
    client.delete_queue(QueueUrl=url)
