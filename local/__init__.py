"""The local stack: moto server, the combined portal + API dev server, demo data."""
