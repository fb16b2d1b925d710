"""``python -m benchmarks.fuzz.minimise CASE``: cut a found input down while it fails the same way.

A kept input (``CASE`` and ``CASE.outcome.json``, as the campaign writes them) is run
again with chunks of its bytes removed, halving the chunk size down to one byte; a cut is
kept when the input still ends in the same outcome (crash, hang, blow-up) with the same
kind of error (the exception's type, or time or memory). Run it on the code that fails
(before the fix). The smallest input is written next to the case as ``*.min<suffix>``
with its own outcome file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks.fuzz.harness import FUZZ_LIMITS, OUTCOME_SUFFIX, Result, Runner


def signature(result: Result) -> tuple[str, str]:
    """What must stay the same: the outcome, and the error's kind (first word after the type)."""
    words = result.message.split()
    return result.outcome, words[1] if len(words) > 1 else ""


def minimise(
    runner: Runner, target: str, name: str, data: bytes, *, probes: int = 300
) -> tuple[bytes, int]:
    """The smallest input found (ddmin over chunks), and how many runs it took."""
    wanted = signature(runner.run(target, name, data))
    runs = 1
    chunk = max(1, len(data) // 2)
    while chunk >= 1 and runs < probes:
        start = 0
        while start < len(data) and runs < probes:
            candidate = data[:start] + data[start + chunk :]
            runs += 1
            if candidate and signature(runner.run(target, name, candidate)) == wanted:
                data = candidate  # keep the cut; try the same place again
            else:
                start += chunk
        chunk //= 2
    return data, runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fuzz.minimise", description=__doc__)
    parser.add_argument("case", type=Path)
    parser.add_argument("--probes", type=int, default=300, help="runs at most")
    args = parser.parse_args(argv)
    about = json.loads(args.case.with_name(args.case.name + OUTCOME_SUFFIX).read_text("utf-8"))
    data = args.case.read_bytes()
    runner = Runner(FUZZ_LIMITS)
    try:
        small, runs = minimise(runner, about["target"], about["name"], data, probes=args.probes)
        final = runner.run(about["target"], about["name"], small)
    finally:
        runner.close()
    out = args.case.with_name(args.case.stem.split(".")[0] + ".min" + "".join(args.case.suffixes))
    out.write_bytes(small)
    out.with_name(out.name + OUTCOME_SUFFIX).write_text(
        json.dumps(
            {
                **about,
                "outcome": final.outcome,
                "message": final.message,
                "minimised_from": len(data),
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    print(f"{args.case.name}: {len(data)} -> {len(small)} bytes in {runs} runs; {final.outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
