"""``python -m benchmarks --quick`` runs and writes a table of the promised shape.

CI checks that the tool runs and what its JSON holds, not the figures (a shared machine is
too noisy for that): see benchmarks/README.md for the latest full table.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
ROW_KEYS = {
    "group",
    "name",
    "value",
    "baseline",
    "unit",
    "baseline_name",
    "goal",
    "ratio",
    "passed",
    "status",
    "runs",
    "details",
}
QUICK_LIMIT_S = 240  # --quick aims at under a minute; a loaded CI machine gets slack


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench") / "quick.json"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--skip", "browser", "--out", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=QUICK_LIMIT_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "| group" in done.stdout, done.stdout
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    report["_stdout"] = done.stdout
    return report


def test_quick_report_has_run_facts(quick_report: dict[str, Any]) -> None:
    assert quick_report["schema"] == 1
    assert quick_report["quick"] is True
    assert "--quick" in str(quick_report["command"])
    assert isinstance(quick_report["duration_s"], float | int)
    machine = quick_report["machine"]
    assert isinstance(machine, dict)
    assert machine["cpu_count"] >= 1
    assert machine["python"].count(".") == 2
    assert machine["libraries"]["pandas"]
    assert machine["libraries"]["ngomap"]


def test_every_row_has_value_baseline_ratio_goal_and_result(
    quick_report: dict[str, Any],
) -> None:
    rows = quick_report["rows"]
    assert isinstance(rows, list)
    assert rows
    groups = {row["group"] for row in rows}
    assert {"import", "view", "payload", "export"} <= groups
    for row in rows:
        assert set(row) >= ROW_KEYS, row
        # A group that raised is a failure, whatever the others measured.
        assert row["status"] == "ok" or row["status"].startswith(
            ("skipped", "not available", "no value")
        ), row
        if row["ratio"] is not None:
            assert row["ratio"] == pytest.approx(row["value"] / row["baseline"])
        assert row["passed"] in (True, False, None)


def test_view_rows_measure_ngomap_against_the_naive_map(quick_report: dict[str, Any]) -> None:
    rows = [r for r in quick_report["rows"] if r["group"] == "view"]
    timed = [r for r in rows if r["unit"] == "s"]
    assert timed
    assert all(r["status"] == "ok" for r in rows), [r["status"] for r in rows]
    for row in timed:
        assert row["value"] > 0
        assert row["baseline"] > 0
        assert row["details"]["n"] in (1_000, 10_000, 100_000)
    scaling = [r for r in quick_report["rows"] if r["group"] == "scaling"]
    assert any(r["name"].startswith("view:") for r in scaling)


def test_no_group_errors_or_fails_to_load(quick_report: dict[str, Any]) -> None:
    """A group that raised, or whose module did not import, fails the test (the runner keeps
    going and reports it as a row, so that one broken group does not hide the others)."""
    broken = [
        (r["group"], r["status"])
        for r in quick_report["rows"]
        if str(r["status"]).startswith("error")
        or (r["name"] == r["group"] and str(r["status"]).startswith("not available"))
    ]
    assert not broken, broken
