"""Adapters behind the ports: DynamoDB, SMS, tokens, clock."""
