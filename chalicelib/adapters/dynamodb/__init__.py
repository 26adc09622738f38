"""DynamoDB adapters: PynamoDB models and repositories."""
