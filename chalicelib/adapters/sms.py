"""SMS through Amazon SNS (direct publish to a phone number)."""

from __future__ import annotations

from typing import Any

_ATTRIBUTES = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}


class SnsSmsGateway:
    def __init__(self, client: Any, sender_id: str = "YIBAO", decoy_topic_arn: str = "") -> None:
        self._client = client
        self._sender_id = sender_id
        self._decoy_topic_arn = decoy_topic_arn

    def send(self, phone: str, text: str) -> str:
        response = self._client.publish(
            PhoneNumber="+86" + phone, Message=text, MessageAttributes=_ATTRIBUTES
        )
        return str(response["MessageId"])

    def decoy(self, text: str) -> str:
        """The same Publish to the decoys' topic, which has no subscribers: SNS drops it."""
        response = self._client.publish(
            TopicArn=self._decoy_topic_arn, Message=text, MessageAttributes=_ATTRIBUTES
        )
        return str(response["MessageId"])
