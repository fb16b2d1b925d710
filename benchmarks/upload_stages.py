"""Where an upload's time goes: the real Mali 5W on COD-AB adm1-3, stage by stage.

``python -m benchmarks.upload_stages`` prints one line per stage, in seconds (median of
``--runs``, default 3), with the load average before and after. The stages are those the
page goes through between the file's bytes arriving and the map being drawn anew:

- a worker's start: a new ``python -m ngomap.worker`` importing pandas, GDAL, openpyxl...;
- the file read in that worker (``read_table``: XLSX to columns, header, mapping), and the
  read table sent back (pickled);
- the import in a worker (``import_dataset_areas``: read again, cleaned, validated, matched
  to the areas), the boundaries sent to it and the dataset sent back;
- the same runs in this process (no worker), to split the work from the transport, and the
  import of the table already read (``import_table``, what the page now does);
- what the page now does: a worker warmed ahead, the file read then imported in it;
- the report's parts the page builds (counts by kind, row by row, CSV and XLSX downloads).

It needs ``../shared/data`` (``$NGOMAP_SHARED_DATA``); without it, it says so and stops.
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from benchmarks import generate

MALI_5W = "3w/mali-5w-mar2022/mali_5w_mar2022.xlsx"


def _median(function: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times: list[float] = []
    result: Any = None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _worker_start() -> None:
    """A worker's start as ``ngomap.worker`` does it, to its modules imported."""
    code = "import ngomap.worker as w, importlib; [importlib.import_module(m) for m in w.PRELOAD]"
    subprocess.run([sys.executable, "-c", code], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    root = generate.shared_data()
    if root is None or not (root / MALI_5W).is_file():
        print("skipped: ../shared/data (the real Mali 5W and COD-AB) is not here")
        return 0
    from ngomap.importer.options import ImportOptions
    from ngomap.importer.report import kinds_frame, report_csv, report_frame, report_xlsx
    from ngomap.importer.threew import import_dataset_areas, import_table, read_table
    from ngomap.worker import bounded, close_spares, run_bounded, warm

    runs = args.runs
    print(f"load average before: {os.getloadavg()}")
    data = (root / MALI_5W).read_bytes()
    name = MALI_5W.rsplit("/", 1)[-1]
    boundaries = generate.mali_boundaries(real=True).boundaries
    rows: list[tuple[str, float, str]] = []

    seconds, _ = _median(_worker_start, runs)
    rows.append(("worker start (python + preloaded modules)", seconds, ""))
    seconds, table = _median(lambda: read_table(data, name), runs)
    rows.append(("read_table in process", seconds, f"{len(table.body)} rows"))
    pickled = pickle.dumps(table, protocol=5)
    seconds, _ = _median(lambda: pickle.loads(pickle.dumps(table, protocol=5)), runs)
    rows.append(("Table pickled + unpickled", seconds, f"{len(pickled) / 1e6:.1f} MB"))
    options = ImportOptions(boundaries=boundaries)
    seconds, result = _median(lambda: import_dataset_areas(data, name, options=options), runs)
    dataset, _used = result
    rows.append(("import_dataset_areas in process", seconds, f"{len(dataset.records)} records"))
    seconds, _ = _median(lambda: import_table(table, name, options=options), runs)
    rows.append(("import_table (the table read) in process", seconds, ""))
    sent = pickle.dumps(options, protocol=5)
    seconds, _ = _median(lambda: pickle.loads(pickle.dumps(options, protocol=5)), runs)
    rows.append(("boundaries pickled + unpickled", seconds, f"{len(sent) / 1e6:.1f} MB"))
    back = pickle.dumps(result, protocol=5)
    seconds, _ = _median(lambda: pickle.loads(pickle.dumps(result, protocol=5)), runs)
    rows.append(("(dataset, boundaries) pickled + unpickled", seconds, f"{len(back) / 1e6:.1f} MB"))
    only = pickle.dumps(dataset, protocol=5)
    rows.append(("  of which the dataset", 0.0, f"{len(only) / 1e6:.1f} MB"))
    report = dataset.report
    for label, function in (
        ("report: counts by kind", lambda: kinds_frame(report, "fr")),
        ("report: row by row", lambda: report_frame(report, "fr")),
        ("report: CSV download", lambda: report_csv(report, "fr")),
        ("report: XLSX download", lambda: report_xlsx(report, "fr")),
    ):
        seconds, _ = _median(function, runs)
        rows.append((label, seconds, f"{len(report.problems)} problems"))

    def bounded_table() -> object:
        close_spares()
        return run_bounded(read_table, data, name, name=name)

    def bounded_import() -> object:
        close_spares()
        return run_bounded(import_dataset_areas, data, name, name=name, options=options)

    seconds, _ = _median(bounded_table, runs)
    rows.append(("read_table in a worker (cold start)", seconds, ""))
    seconds, _ = _median(bounded_import, runs)
    rows.append(("import in a worker (cold start)", seconds, ""))
    waited: list[float] = []
    for _ in range(runs):  # the page: a worker warmed ahead, the file read then imported in it
        warm()
        time.sleep(8)  # the user chooses a file
        start = time.perf_counter()
        with bounded(name=name) as worker:
            read = worker.run(read_table, data, name)
            worker.run(import_table, read, name, options=options)
        waited.append(time.perf_counter() - start)
    rows.append(("read + import_table, one warmed worker", statistics.median(waited), ""))
    close_spares()
    for label, seconds, note in rows:
        print(f"{label:45s} {seconds:7.3f} s  {note}")
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
