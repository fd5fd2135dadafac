"""Benchmarks of the announcement bot against the local platform fakes (127.0.0.1 only).

`python -m benchmarks [--quick] [NAME [options]]`; results go to `benchmarks/results/NAME.json`.
"""
