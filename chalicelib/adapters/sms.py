"""SMS through Amazon SNS (direct publish to a phone number)."""

from __future__ import annotations

from typing import Any


class SnsSmsGateway:
    def __init__(self, client: Any, sender_id: str = "YIBAO") -> None:
        self._client = client
        self._sender_id = sender_id

    def send(self, phone: str, text: str) -> str:
        response = self._client.publish(
            PhoneNumber="+86" + phone,
            Message=text,
            MessageAttributes={
                "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
            },
        )
        return str(response["MessageId"])
