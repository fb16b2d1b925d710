"""Run mutated inputs through each reader in a worker process, and count the outcomes.

Outcome classes: ``accepted`` (the reader returned), ``refused`` (the library's own error,
with a message), ``crash`` (any other exception, or the worker died), ``hang`` (over the
time budget), ``blowup`` (over the memory budget). The goal is 0 crashes, 0 hangs and
0 blow-ups; each input of those classes is kept (``keep``) to become a regression case in
tests/fuzz/cases.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from benchmarks.fuzz.mutators import mutate
from benchmarks.fuzz.seeds import Seed
from ngomap.errors import NgomapError
from ngomap.limits import DEFAULT_LIMITS, MB, Limits
from ngomap.worker import ResourceLimitError, Worker, WorkerCrashError

OUTCOMES: Final = ("accepted", "refused", "crash", "hang", "blowup")
OUTCOME_SUFFIX: Final = ".outcome.json"  # next to a kept input: its target, name, outcome
# Budgets of the fuzzer's workers: tighter than the page's, to find runaways sooner.
FUZZ_LIMITS: Final = replace(DEFAULT_LIMITS, worker_seconds=30.0, worker_memory_bytes=2_500 * MB)
_JOBS_PER_WORKER: Final = 100  # a worker is replaced now and then (memory fragments)


def run_target(target: str, name: str, data: bytes) -> int:
    """One input through one reader, in the worker; a small summary of what it read."""
    if target == "threew":
        from ngomap.importer.threew import import_dataset

        return len(import_dataset(data, name).records)
    if target == "boundaries":
        from ngomap.areas.files import read_boundary_uploads

        return len(read_boundary_uploads([(name, data)]).areas)
    if target == "population":
        from ngomap.areas.boundaries import embedded_regions
        from ngomap.importer.population import read_population

        return len(read_population((name, data), embedded_regions())[0])
    if target == "aliases":
        from ngomap.vocab import read_organisation_aliases

        return len(read_organisation_aliases(data, name))
    raise ValueError(f"unknown target {target}")


@dataclass
class Result:
    """One input's outcome."""

    target: str
    name: str
    outcome: str
    message: str
    seconds: float


def classify(error: BaseException | None) -> str:
    """The outcome class of what a run raised (None: accepted)."""
    if error is None:
        return "accepted"
    if isinstance(error, ResourceLimitError):
        return "hang" if error.what == "time" else "blowup"
    if isinstance(error, WorkerCrashError):
        return "crash"
    if isinstance(error, NgomapError):
        return "refused"
    return "crash"


class Runner:
    """A worker process kept for many inputs, replaced when one kills or stops it."""

    def __init__(self, limits: Limits = FUZZ_LIMITS) -> None:
        self.limits = limits
        self.worker: Worker | None = None
        self.jobs = 0

    def run(self, target: str, name: str, data: bytes) -> Result:
        if (
            self.worker is None
            or self.jobs >= _JOBS_PER_WORKER
            or self.worker.process.poll() is not None
        ):
            self.close()
            self.worker = Worker(self.limits.worker_memory_bytes)
            self.jobs = 0
        self.jobs += 1
        start = time.monotonic()
        error: BaseException | None = None
        try:
            self.worker.run(run_target, (target, name, data), {}, name=name, limits=self.limits)
        except BaseException as exc:  # every outcome is counted, none stops the campaign
            error = exc
        outcome = classify(error)
        if outcome in ("crash", "hang", "blowup"):
            self.close()  # the process may be in a bad state, or already gone
        message = ""
        if error is not None:
            what, detail = getattr(error, "what", ""), getattr(error, "detail", "")
            message = f"{type(error).__name__}: {what} {detail or error}"[:500]
        return Result(target, name, outcome, message, time.monotonic() - start)

    def close(self) -> None:
        if self.worker is not None:
            self.worker.close()
            self.worker = None


@dataclass
class Campaign:
    """Counts of a run, by outcome and by target, and the inputs worth keeping."""

    counts: Counter[str] = field(default_factory=Counter)
    by_target: dict[str, Counter[str]] = field(default_factory=dict)
    found: list[Result] = field(default_factory=list)
    slowest: float = 0.0
    inputs: int = 0
    skipped: int = 0  # mutations over the campaign's own memory: not run, not counted

    def add(self, result: Result) -> None:
        self.inputs += 1
        self.counts[result.outcome] += 1
        self.by_target.setdefault(result.target, Counter())[result.outcome] += 1
        self.slowest = max(self.slowest, result.seconds)
        if result.outcome not in ("accepted", "refused"):
            self.found.append(result)

    def summary(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "counts": {k: self.counts.get(k, 0) for k in OUTCOMES},
            "by_target": {
                t: {k: c.get(k, 0) for k in OUTCOMES} for t, c in sorted(self.by_target.items())
            },
            "slowest_seconds": round(self.slowest, 2),
            "skipped_mutations": self.skipped,
        }


def keep_input(folder: Path, result: Result, data: bytes) -> Path:
    """An input of a bad outcome saved with what happened (a regression case to be)."""
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:12]
    suffix = "".join(Path(result.name).suffixes[-2:])[:16] or ".bin"
    path = folder / f"{result.target}-{result.outcome}-{digest}{suffix}"
    path.write_bytes(data)
    path.with_name(path.name + OUTCOME_SUFFIX).write_text(
        json.dumps(
            {
                "target": result.target,
                "name": result.name,
                "outcome": result.outcome,
                "message": result.message,
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    return path


def campaign(
    seeds: Sequence[Seed],
    budget: int,
    *,
    seed: int = 0,
    jobs: int = 1,
    limits: Limits = FUZZ_LIMITS,
    keep: Path | None = None,
    report: Callable[[Campaign], None] | None = None,
    report_every: int = 500,
    stop_at: float | None = None,
) -> Campaign:
    """``budget`` mutated inputs over ``jobs`` worker processes; the counts.

    ``stop_at``: a ``time.monotonic()`` after which no new input is started (the inputs
    under way finish and are counted): a campaign with a deadline says how many ran.
    """
    result = Campaign()
    lock = threading.Lock()
    issued = iter(range(budget))

    def work(index: int) -> None:
        rng = random.Random(seed * 1_000 + index)
        runner = Runner(limits)
        try:
            while True:
                with lock:
                    if next(issued, None) is None:
                        return
                    if stop_at is not None and time.monotonic() > stop_at:
                        return
                chosen = rng.choice(seeds)
                try:
                    name, data = mutate(chosen.name, chosen.data, rng)
                except MemoryError:  # a mutation too big for the campaign's own budget
                    with lock:
                        result.skipped += 1
                    continue
                outcome = runner.run(chosen.target, name, data)
                with lock:
                    result.add(outcome)
                    if keep is not None and outcome.outcome not in ("accepted", "refused"):
                        keep_input(keep, outcome, data)
                    if report is not None and result.inputs % report_every == 0:
                        report(result)
        finally:
            runner.close()

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result
