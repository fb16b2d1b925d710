"""``python -m benchmarks.fuzz --budget N``: a fuzzing campaign over every reader, counted.

Prints the counts by outcome (accepted, refused, crash, hang, blow-up) and by reader as it
goes and at the end, writes them as JSON (``--out``), and keeps each input of a bad
outcome in ``--keep`` (to be copied into tests/fuzz/cases as a regression case).
Run from the repository root.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

from benchmarks.fuzz.harness import FUZZ_LIMITS, Campaign, campaign
from benchmarks.fuzz.seeds import seeds

HERE = Path(__file__).resolve().parent
_CAMPAIGN_MEMORY = 6_000_000_000  # address space of the campaign's own process


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fuzz", description=__doc__)
    parser.add_argument("--budget", type=int, default=1_000, help="inputs to generate")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the campaign")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes at once")
    parser.add_argument(
        "--seconds", type=float, default=FUZZ_LIMITS.worker_seconds, help="time budget of one input"
    )
    parser.add_argument(
        "--keep",
        type=Path,
        default=HERE / "found",
        help="folder for the inputs that crashed, hung or blew up",
    )
    parser.add_argument("--out", type=Path, default=HERE / "results" / "latest.json")
    parser.add_argument(
        "--minutes",
        type=float,
        default=None,
        help="stop starting new inputs after this long (the summary says how many ran)",
    )
    args = parser.parse_args(argv)
    # The inputs are made here, outside the workers' budgets: a mutation gone wrong raises
    # MemoryError in this process instead of taking the machine's memory.
    resource.setrlimit(resource.RLIMIT_AS, (_CAMPAIGN_MEMORY, _CAMPAIGN_MEMORY))
    started = time.monotonic()
    stop_at = started + args.minutes * 60 if args.minutes is not None else None
    pool = seeds()
    print(f"{len(pool)} seeds; {args.budget} inputs; {args.jobs} worker(s)", flush=True)

    def report(state: Campaign) -> None:
        elapsed = time.monotonic() - started
        print(f"[{elapsed:7.0f} s] {json.dumps(state.summary()['counts'])}", flush=True)

    limits = replace(FUZZ_LIMITS, worker_seconds=args.seconds)
    result = campaign(
        pool,
        args.budget,
        seed=args.seed,
        jobs=args.jobs,
        limits=limits,
        keep=args.keep,
        report=report,
        report_every=250,
        stop_at=stop_at,
    )
    summary = {
        **result.summary(),
        "budget": args.budget,
        "seed": args.seed,
        "input_seconds": args.seconds,
        "seconds": round(time.monotonic() - started),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(json.dumps(summary, indent=1))
    for found in result.found:
        print(f"{found.outcome}: {found.target} {found.name}: {found.message}")
    bad = sum(summary["counts"][k] for k in ("crash", "hang", "blowup"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
