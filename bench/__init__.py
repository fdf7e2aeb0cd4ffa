"""Benchmarks of Vigil (see bench/README.md). Not part of the product."""
