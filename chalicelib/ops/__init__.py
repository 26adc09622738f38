"""Operator commands and scheduled jobs (run by an operator or a schedule, not a citizen)."""
