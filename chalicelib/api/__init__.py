"""Thin HTTP adapters: one Chalice blueprint per audience."""
