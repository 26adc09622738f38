"""Machine clients (hospital systems, third-party apps) on DynamoDB."""

from __future__ import annotations

from chalicelib.adapters.dynamodb.faults import translate_faults
from chalicelib.adapters.dynamodb.models import ClientItem
from chalicelib.ports import MachineClient


@translate_faults
class DynamoClientRepository:
    def save(self, client: MachineClient) -> None:
        ClientItem(
            f"CLIENT#{client.client_id}",
            "CLIENT",
            name=client.name,
            secret_hash=client.secret_hash,
            scopes=list(client.scopes),
            hospital_id=client.hospital_id,
            created_at=client.created_at,
        ).save(condition=ClientItem.pk.does_not_exist())

    def get(self, client_id: str) -> MachineClient | None:
        try:
            item = ClientItem.get(f"CLIENT#{client_id}", "CLIENT")
        except ClientItem.DoesNotExist:
            return None
        return MachineClient(
            client_id=client_id,
            name=item.name,
            secret_hash=item.secret_hash,
            scopes=tuple(str(s) for s in item.scopes or ()),
            hospital_id=item.hospital_id,
            created_at=item.created_at,
        )
