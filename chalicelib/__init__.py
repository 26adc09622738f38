"""Yibao: 医保 self-service portal and public API."""
