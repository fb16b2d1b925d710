"""Import speed: read_3w on a real-shaped 25,000-row XLSX and a 1,000,000-row CSV.

Each is timed against the bare pandas reading of the same file (``pandas.read_excel`` with
its default engine, ``pandas.read_csv``), alternating in one loop; the peak resident memory
a reading adds (Arrow's included) is measured once for each, in a fresh process. ``run()``
returns the measures as a dict; ``python -m benchmarks.import_bench`` prints them as a table.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks._runner import time_pair
from benchmarks.generate import cached_file, mali_boundaries
from ngomap.importer.threew import read_3w

FOLDER = Path(tempfile.gettempdir()) / "ngomap-bench"


_PEAK_SCRIPT = """
import re, resource, sys
from pathlib import Path

def rss(field):
    status = Path("/proc/self/status").read_text()
    return int(re.search(field + r":\\s+(\\d+) kB", status).group(1)) * 1024

path, kind, which = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
import pandas as pd
if which == "ngomap":
    from benchmarks.generate import mali_boundaries
    from ngomap.importer.threew import read_3w
    boundaries = mali_boundaries().boundaries
    read_3w(path, boundaries=boundaries)  # warm caches, as in the timing loop
before = rss("VmRSS")
try:
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to now
    peak_of = lambda: rss("VmHWM")
except OSError:
    peak_of = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
if which == "ngomap":
    read_3w(path, boundaries=boundaries)
elif kind == "xlsx":
    pd.read_excel(path, engine="openpyxl")
else:
    pd.read_csv(path)
print((peak_of() - before) / 1e6)
"""


def _peak_mb(path: Path, kind: str, which: str) -> float | None:
    """Peak resident memory added by one reading, in a fresh process (Arrow's memory too).

    The process's peak is reset just before the reading (Linux /proc/self/clear_refs), so
    what importing and loading boundaries cost is not counted.
    """
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_SCRIPT, str(path), kind, which],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        return round(float(done.stdout.strip().splitlines()[-1]), 1)
    except (ValueError, IndexError):
        return None


def _measure(kind: str, rows: int, *, runs: int, goal: float) -> dict[str, Any]:
    path = cached_file(kind, rows, FOLDER)
    boundaries = mali_boundaries().boundaries

    def ours() -> None:
        read_3w(path, boundaries=boundaries)

    def bare() -> None:
        if kind == "xlsx":
            pd.read_excel(path, engine="openpyxl")  # pandas default engine, said aloud
        else:
            pd.read_csv(path)

    timing = time_pair(ours, bare, runs=runs, warmup=1 if runs > 1 else 0)
    _, report = read_3w(path, boundaries=boundaries)
    return {
        "value": timing.value,
        "baseline": timing.baseline,
        "unit": "s",
        "baseline_name": f"pandas.read_{'excel' if kind == 'xlsx' else 'csv'}",
        "goal": f"≤ {goal:g}×",
        "goal_ratio": goal,
        "runs": runs,
        "details": {
            "rows": rows,
            "file_mb": round(path.stat().st_size / 1e6, 2),
            "samples": timing.samples,
            "baseline_samples": timing.baseline_samples,
            "peak_mb": _peak_mb(path, kind, "ngomap"),
            "baseline_peak_mb": _peak_mb(path, kind, "pandas"),
            "rows_kept": report.rows_kept,
            "rows_duplicate": report.rows_duplicate,
            "rows_rejected": report.rows_rejected,
            "problems": len(report.problems),
        },
    }


def run(*, quick: bool = False) -> dict[str, dict[str, Any]]:
    """The import measures: {name: {value, baseline, unit, goal, details...}}."""
    xlsx_rows, csv_rows, runs = (2_000, 20_000, 1) if quick else (25_000, 1_000_000, 3)
    return {
        f"read_3w XLSX {xlsx_rows:,} rows": _measure("xlsx", xlsx_rows, runs=runs, goal=1.5),
        f"read_3w CSV {csv_rows:,} rows": _measure("csv", csv_rows, runs=runs, goal=3.0),
    }


def _print(results: dict[str, dict[str, Any]]) -> None:
    header = f"{'measure':<30} {'ngomap s':>9} {'pandas s':>9} {'ratio':>6} {'goal':>6} "
    header += f"{'peak MB':>8} {'pandas MB':>9}"
    print(header)
    for name, row in results.items():
        ratio = row["value"] / row["baseline"] if row["baseline"] else float("nan")
        details = row["details"]
        print(
            f"{name:<30} {row['value']:>9.2f} {row['baseline']:>9.2f} {ratio:>5.2f}× "
            f"{row['goal']:>6} {details['peak_mb'] or float('nan'):>8.0f} "
            f"{details['baseline_peak_mb'] or float('nan'):>9.0f}"
        )


if __name__ == "__main__":
    import sys

    _print(run(quick="--quick" in sys.argv))
