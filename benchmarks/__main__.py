"""``python -m benchmarks``: every measure next to its baseline, one table, one JSON file."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from benchmarks._runner import (
    README_END,
    README_START,
    Row,
    machine,
    machine_line,
    markdown_table,
    readme_section,
    run_group,
    scaling_rows,
)

HERE: Final = Path(__file__).resolve().parent
DEFAULT_OUT: Final = HERE / "results" / "latest.json"
README: Final = HERE / "README.md"
# (group, module): colleagues' modules may be missing; their rows then say "not available".
GROUPS: Final = (
    ("import", "benchmarks.import_bench"),
    ("view", "benchmarks.views_bench"),
    ("payload", "benchmarks.payload_bench"),
    ("export", "benchmarks.export_bench"),
    ("html", "benchmarks.html_export_bench"),
    ("browser", "benchmarks.browser_bench"),
    ("stages", "benchmarks.app_stages_bench"),
    ("registry", "benchmarks.registry_bench"),
    ("requests", "benchmarks.requests_bench"),
    ("load", "benchmarks.load_wire"),  # last: it nices the process for its clients
)
SCHEMA_VERSION: Final = 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure ngomap against its baselines in one run; print a table, write JSON.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes and few runs: a smoke check that finishes in under a minute",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"where to write the JSON (default {DEFAULT_OUT.relative_to(HERE.parent)})",
    )
    names = [group for group, _ in GROUPS]
    parser.add_argument(
        "--only", nargs="+", choices=names, metavar="GROUP", help=f"run only these: {names}"
    )
    parser.add_argument("--skip", nargs="+", choices=names, metavar="GROUP", default=[])
    parser.add_argument(
        "--readme",
        action="store_true",
        help="also put the table in benchmarks/README.md (after a full run)",
    )
    parser.add_argument(
        "--readme-from",
        type=Path,
        metavar="JSON",
        help="put the table of an earlier run's JSON in benchmarks/README.md; measure nothing",
    )
    return parser


def write_readme(report: dict[str, Any]) -> None:
    """Replace the README's latest-run section with ``report``'s table."""
    text = README.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END)
    section = readme_section(report)
    README.write_text(text[: start + len(README_START)] + "\n" + section + text[end:], "utf-8")
    print(f"README: {README}")


def main(argv: list[str] | None = None) -> int:
    """Run the groups, print the table, write the JSON; 0 unless the command line is wrong."""
    args = _parser().parse_args(argv)
    if args.readme_from is not None:
        write_readme(json.loads(args.readme_from.read_text(encoding="utf-8")))
        return 0
    chosen = [(g, m) for g, m in GROUPS if (not args.only or g in args.only) and g not in args.skip]
    started = time.perf_counter()
    when = datetime.now(UTC)
    facts = machine()
    rows: list[Row] = []
    durations: dict[str, float] = {}
    for group, module in chosen:
        print(f"[benchmarks] {group} …", file=sys.stderr, flush=True)
        found, seconds = run_group(group, module, quick=args.quick)
        durations[group] = round(seconds, 2)
        rows.extend(found)
        for row in found:
            if row.status.startswith("error"):
                print(f"[benchmarks] {group}: {row.status}", file=sys.stderr)
                print(row.details.get("traceback", ""), file=sys.stderr)
    rows.extend(scaling_rows(rows))
    total = time.perf_counter() - started
    command = "python -m benchmarks" + (" " + " ".join(argv) if argv else "")
    if argv is None:
        command = "python -m benchmarks" + "".join(f" {a}" for a in sys.argv[1:])
    report = {
        "schema": SCHEMA_VERSION,
        "command": command,
        "date": when.isoformat(timespec="seconds"),
        "quick": args.quick,
        "duration_s": round(total, 1),
        "group_durations_s": durations,
        "machine": facts,
        "rows": [row.as_dict() for row in rows],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(markdown_table(rows))
    print()
    print(f"{when:%Y-%m-%d %H:%M} UTC · `{command}` · {total:.0f} s")
    print(machine_line(facts))
    print(f"JSON: {args.out}")
    if args.readme:
        write_readme(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
