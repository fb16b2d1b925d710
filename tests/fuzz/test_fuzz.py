"""The fuzzing harness, briefly: mutated real files through every reader, in a worker process.

Every input is accepted or refused with the library's own message: no crash (another
exception, a dead worker), no hang (over the time budget), no blow-up (over the memory
budget). Each input a campaign ever found is kept in cases/ and replayed here.
``python -m benchmarks.fuzz --budget N`` runs the long campaign by hand.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.fuzz.harness import OUTCOME_SUFFIX, Runner
from benchmarks.fuzz.mutators import mutate
from benchmarks.fuzz.seeds import Seed, seeds

CASES = Path(__file__).resolve().parent / "cases"
SEEDS = seeds()


@pytest.fixture(scope="module")
def runner() -> Iterator[Runner]:
    found = Runner()
    yield found
    found.close()


def _cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.is_file() and not p.name.endswith(OUTCOME_SUFFIX))


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_every_input_ever_found_is_now_accepted_or_refused(runner: Runner, case: Path) -> None:
    about = json.loads(case.with_name(case.name + OUTCOME_SUFFIX).read_text(encoding="utf-8"))
    data = case.read_bytes()
    if case.suffix == ".gz":  # a big input (a hang's thousands of rows) kept compressed
        data = gzip.decompress(data)
    result = runner.run(about["target"], about["name"], data)
    assert result.outcome in ("accepted", "refused"), result.message


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(seed=st.sampled_from(SEEDS), rng=st.randoms(use_true_random=False))
def test_mutated_files_are_accepted_or_refused_never_crash(
    runner: Runner, seed: Seed, rng: random.Random
) -> None:
    name, data = mutate(seed.name, seed.data, rng)
    result = runner.run(seed.target, name, data)
    assert result.outcome in ("accepted", "refused"), f"{seed.target} {name}: {result.message}"


def test_every_reader_has_seeds() -> None:
    assert {s.target for s in SEEDS} == {"threew", "boundaries", "population", "aliases"}
