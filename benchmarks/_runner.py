"""The runner's parts: a row per measure, timing against a baseline, machine facts, the table."""

from __future__ import annotations

import gc
import importlib
import importlib.metadata
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Final

REPO: Final = Path(__file__).resolve().parents[1]
OK: Final = "ok"
NOT_AVAILABLE: Final = "not available"

# Libraries whose versions explain a figure.
LIBRARIES: Final = (
    "ngomap",
    "pandas",
    "numpy",
    "geopandas",
    "shapely",
    "pyogrio",
    "folium",
    "branca",
    "openpyxl",
    "python-calamine",
    "matplotlib",
    "streamlit",
    "streamlit-folium",
    "playwright",
)


@dataclass
class Row:
    """One measure: its value next to its baseline, measured in the same run."""

    group: str
    name: str
    value: float | None
    baseline: float | None = None
    unit: str = "s"
    baseline_name: str = ""
    goal: str = ""
    goal_ratio: float | None = None  # pass when value / baseline <= goal_ratio
    goal_value: float | None = None  # pass when value <= goal_value (in ``unit``)
    status: str = OK
    runs: int = 1
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """value / baseline, when both are there (not for exponents, shown side by side)."""
        if self.unit == "exp" or self.value is None or self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline

    @property
    def passed(self) -> bool | None:
        """True or False against the goal; None when there is no goal or no figure."""
        if self.status != OK or (self.goal_ratio is None and self.goal_value is None):
            return None
        checks = []
        if self.goal_ratio is not None:
            ratio = self.ratio
            if ratio is None:
                return None
            checks.append(ratio <= self.goal_ratio)
        if self.goal_value is not None:
            if self.value is None:
                return None
            checks.append(self.value <= self.goal_value)
        return all(checks)

    def as_dict(self) -> dict[str, Any]:
        """A plain dict for the JSON file (ratio and pass/fail included)."""
        data = asdict(self)
        data["ratio"] = self.ratio
        data["passed"] = self.passed
        data["details"] = _plain(self.details)
        return data


def _plain(value: Any) -> Any:
    """JSON-friendly: numpy numbers to floats, tuples to lists, NaN to None."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return None if math.isnan(number) else number


# --- timing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """Medians of a measure and its baseline, timed alternately in the same loop."""

    value: float
    baseline: float | None
    samples: tuple[float, ...]
    baseline_samples: tuple[float, ...]


def _once(fn: Callable[[], Any]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def time_pair(
    fn: Callable[[], Any],
    baseline: Callable[[], Any] | None = None,
    *,
    runs: int = 5,
    warmup: int = 1,
) -> Timing:
    """Median seconds of ``fn`` and ``baseline`` over ``runs`` runs each.

    The two alternate (fn, baseline, fn, baseline, ...) so that a noisy neighbour on a
    shared machine slows both alike and the ratio stays meaningful.
    """
    for _ in range(warmup):
        fn()
        if baseline is not None:
            baseline()
    samples, base_samples = [], []
    for _ in range(max(1, runs)):
        samples.append(_once(fn))
        if baseline is not None:
            base_samples.append(_once(baseline))
    return Timing(
        value=statistics.median(samples),
        baseline=statistics.median(base_samples) if base_samples else None,
        samples=tuple(samples),
        baseline_samples=tuple(base_samples),
    )


def scaling_exponent(sizes: Iterable[float], times: Iterable[float]) -> float | None:
    """The slope of log(time) against log(size): 1 is linear, 2 quadratic."""
    points = [
        (math.log(n), math.log(t))
        for n, t in zip(sizes, times, strict=True)
        if n and t and n > 0 and t > 0
    ]
    if len({x for x, _ in points}) < 2:
        return None
    mean_x = statistics.fmean(x for x, _ in points)
    mean_y = statistics.fmean(y for _, y in points)
    num = sum((x - mean_x) * (y - mean_y) for x, y in points)
    den = sum((x - mean_x) ** 2 for x, _ in points)
    return num / den


SCALING_GOAL: Final = 1.5  # above this, something grows faster than n log n: look for it


def scaling_rows(rows: Iterable[Row]) -> list[Row]:
    """One row per series of rows measured at several sizes: the exponent, vs the baseline's.

    A row joins a series through ``details["series"]`` and ``details["n"]``; the parts in
    ``details["scaling_parts"]`` ({label: seconds}) make series of their own, so a step
    that grows fast shows up even when a constant cost dominates the total.
    """
    series: dict[tuple[str, str], list[tuple[float, float, float | None, Row]]] = {}
    for row in rows:
        key = row.details.get("series")
        n = row.details.get("n")
        if not key or not n or row.status != OK or not row.value:
            continue
        series.setdefault((row.group, str(key)), []).append((n, row.value, row.baseline, row))
        for label, seconds in (row.details.get("scaling_parts") or {}).items():
            part = (row.group, f"{key}: {label}")
            series.setdefault(part, []).append((n, float(seconds), None, row))
    out = []
    for (group, key), members in series.items():
        members.sort(key=lambda m: m[0])
        sizes = [float(m[0]) for m in members]
        exponent = scaling_exponent(sizes, [m[1] for m in members])
        base = None
        if all(m[2] for m in members):
            base = scaling_exponent(sizes, [float(m[2] or 0) for m in members])
        if exponent is None:
            continue
        out.append(
            Row(
                group="scaling",
                name=f"{group}: {key}",
                value=exponent,
                baseline=base,
                unit="exp",
                baseline_name=members[0][3].baseline_name if base is not None else "",
                goal=f"≤ {SCALING_GOAL}",
                goal_value=SCALING_GOAL,
                runs=min(m[3].runs for m in members),
                details={"n": sizes, "values": [m[1] for m in members]},
            )
        )
    return out


# --- groups ---------------------------------------------------------------------------------

ENTRY_POINTS: Final = ("run", "bench", "measure", "main")


def row_from_dict(group: str, name: str, data: Any) -> Row:
    """A Row from a colleague's measure dict (or a bare number)."""
    if isinstance(data, Row):
        return data
    if not isinstance(data, Mapping):
        return Row(group, name, value=_number(data))
    known = {
        "value",
        "baseline",
        "unit",
        "goal",
        "goal_ratio",
        "goal_value",
        "baseline_name",
        "status",
        "runs",
        "details",
        "name",
        "group",
        "ratio",
        "passed",
    }
    details = dict(data.get("details") or {})
    details.update({k: v for k, v in data.items() if k not in known})
    row = Row(
        group=str(data.get("group", group)),
        name=str(data.get("name", name)),
        value=_number(data.get("value")),
        baseline=_number(data.get("baseline")),
        unit=str(data.get("unit", "s")),
        baseline_name=str(data.get("baseline_name", "")),
        goal=str(data.get("goal", "") or ""),
        goal_ratio=_number(data.get("goal_ratio")),
        goal_value=_number(data.get("goal_value")),
        status=str(data.get("status", OK)),
        runs=int(data.get("runs", 1) or 1),
        details=details,
    )
    if row.value is None and row.status == OK:
        row.status = "no value"
    return row


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def rows_from_result(group: str, result: Any) -> list[Row]:
    """Rows from what a group's function returned: a dict of measures or a list of rows."""
    if isinstance(result, Mapping):
        if "rows" in result and isinstance(result["rows"], list):
            result = result["rows"]
        elif "measures" in result and isinstance(result["measures"], (Mapping, list)):
            result = result["measures"]
    if isinstance(result, Mapping):
        return [row_from_dict(group, str(name), data) for name, data in result.items()]
    if isinstance(result, list):
        rows = []
        for i, item in enumerate(result):
            name = f"{group} {i + 1}"
            if isinstance(item, Mapping):
                name = str(item.get("name", name))
            rows.append(row_from_dict(group, name, item))
        return rows
    return [Row(group, group, None, status=f"error: unexpected result {type(result).__name__}")]


def _entry_point(module: Any) -> Callable[..., Any] | None:
    for name in ENTRY_POINTS:
        fn = getattr(module, name, None)
        if callable(fn):
            return fn  # type: ignore[no-any-return]
    return None


def run_group(group: str, module_name: str, *, quick: bool) -> tuple[list[Row], float]:
    """Run one group's module; a missing module or a crash becomes a row saying so."""
    start = time.perf_counter()
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        return [Row(group, group, None, status=f"{NOT_AVAILABLE} ({exc})")], 0.0
    fn = _entry_point(module)
    if fn is None:
        status = f"{NOT_AVAILABLE} (no {'/'.join(ENTRY_POINTS)}() in {module_name})"
        return [Row(group, group, None, status=status)], 0.0
    try:
        try:
            result = fn(quick=quick)
        except TypeError as exc:
            if "quick" not in str(exc):
                raise
            result = fn()
        rows = rows_from_result(group, result)
    except Exception as exc:
        trace = traceback.format_exc(limit=-3)
        rows = [Row(group, group, None, status=f"error: {type(exc).__name__}: {exc}")]
        rows[0].details["traceback"] = trace
    return rows, time.perf_counter() - start


# --- machine --------------------------------------------------------------------------------


def _version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _command(*args: str) -> str | None:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=15, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def machine() -> dict[str, Any]:
    """What the figures depend on: CPU, memory, Python, library versions, the commit."""
    facts: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "cpu_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": _cpu_model(),
        "memory_gb": _memory_gb(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "libraries": {name: _version(name) for name in LIBRARIES},
        "chromium": _command(os.environ.get("NGOMAP_CHROMIUM", "/usr/bin/chromium"), "--version"),
        "commit": _command("git", "-C", str(REPO), "rev-parse", "--short", "HEAD"),
        "dirty": bool(_command("git", "-C", str(REPO), "status", "--porcelain", "--", "src")),
    }
    return facts


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except (OSError, ValueError):
        pass
    return None


# --- the table ------------------------------------------------------------------------------


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value * 1000:,.0f} ms" if value < 10 else f"{value:,.1f} s"
    if unit == "ms":
        return f"{value:,.0f} ms"
    if unit == "bytes":
        if value >= 1_000_000:
            return f"{value / 1_000_000:,.2f} MB"
        return f"{value / 1000:,.1f} KB"
    if unit == "exp":
        return f"{value:.2f}"
    if unit in ("MB", "MiB"):
        return f"{value:,.0f} {unit}"
    return f"{value:,.3g} {unit}".strip()


def table_rows(rows: Iterable[Row]) -> list[list[str]]:
    """The table's cells: group, measure, value, baseline, ratio, goal, result."""
    cells = []
    for row in rows:
        ratio = row.ratio
        result = {True: "pass", False: "FAIL", None: ""}[row.passed]
        if row.status != OK:
            result = row.status
        baseline = _fmt(row.baseline, row.unit)
        if row.baseline_name and row.baseline is not None:
            baseline = f"{baseline} ({row.baseline_name})"
        cells.append(
            [
                row.group,
                row.name,
                _fmt(row.value, row.unit),
                baseline,
                "—" if ratio is None else f"{ratio:.2f}×",
                row.goal or "—",
                result,
            ]
        )
    return cells


HEADER: Final = ["group", "measure", "value", "baseline", "ratio", "goal", "result"]


def markdown_table(rows: Iterable[Row]) -> str:
    """The table in Markdown (the README shows it as is; a terminal reads it as text)."""
    cells = [HEADER, *table_rows(rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADER))]

    def line(values: list[str]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    out = [line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(values) for values in cells[1:]]
    return "\n".join(out)


def machine_line(facts: Mapping[str, Any]) -> str:
    """Machine facts in one paragraph, for the table's caption."""
    libs = facts.get("libraries") or {}
    versions = ", ".join(f"{k} {v}" for k, v in libs.items() if v)
    return (
        f"{facts.get('cpu_count')} CPUs ({facts.get('cpu_model') or 'unknown CPU'}), "
        f"{facts.get('memory_gb')} GB, Python {facts.get('python')}, "
        f"{facts.get('chromium') or 'no Chromium'}; {versions}; "
        f"commit {facts.get('commit')}{' (src modified)' if facts.get('dirty') else ''}"
    )


README_START: Final = "<!-- latest-run:start -->"
README_END: Final = "<!-- latest-run:end -->"


def rows_from_report(report: Mapping[str, Any]) -> list[Row]:
    """The rows of a JSON report written by ``python -m benchmarks``."""
    names = {f.name for f in fields(Row)}
    return [Row(**{k: v for k, v in row.items() if k in names}) for row in report["rows"]]


def readme_section(report: Mapping[str, Any]) -> str:
    """The README's latest-run section: date, command, duration, machine, the table."""
    rows = rows_from_report(report)
    durations = ", ".join(
        f"{group} {seconds:.0f} s" for group, seconds in report.get("group_durations_s", {}).items()
    )
    load = report["machine"].get("load_average") or []
    load_text = f"; load average at the start {load[0]:.1f}" if load else ""
    return (
        f"Run on {report['date'][:10]} ({report['date']}) with `{report['command']}` "
        f"in {report['duration_s'] / 60:.0f} min ({durations}).\n\n"
        f"{machine_line(report['machine'])}{load_text}.\n\n"
        f"{markdown_table(rows)}\n"
    )
