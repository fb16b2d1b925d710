"""ngomap's benchmarks: each measure next to its baseline, timed in the same run.

``python -m benchmarks [--quick] [--out PATH]`` runs every group, prints one table and
writes it as JSON (``benchmarks/results/latest.json`` by default).

A group is a module with a function that returns a dict of measures. The runner looks for
``run(quick=...)`` first, then ``bench``, ``measure`` or ``main``. Each measure is one
entry ``{name: {...}}`` with any of these keys (see ``_runner.row_from_dict``):

    value, baseline        numbers (seconds for times, bytes for sizes)
    unit                   "s", "ms", "bytes", "MB", "x", ...
    goal                   text shown in the table ("≤ 1.5× read_excel", "≤ 200 KB")
    goal_ratio, goal_value limits that decide pass/fail (ratio = value / baseline)
    baseline_name          what the baseline is ("pandas.read_excel")
    status                 "ok", "skipped (why)", "error: ..." (default "ok")
    runs, details          how many runs the median is of; anything else worth keeping

A module may also return ``Row`` objects (``benchmarks._runner.Row``) directly.
"""
