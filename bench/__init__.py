"""Benchmarks: each prints its figures as ratios measured in the same run."""
