"""Test support: the local stack, an in-process API client, login helpers."""
