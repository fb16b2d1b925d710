"""Fuzzing every reader with mutated real files: see ``python -m benchmarks.fuzz --help``."""
