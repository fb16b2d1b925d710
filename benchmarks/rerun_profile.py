"""Where a rerun's time goes: the page's script profiled (cProfile) under a real Streamlit.

The app runs through ``streamlit run`` with a small wrapper as its script: each run of
``app.py`` (a rerun) is profiled in Streamlit's script thread and saved as
``run-NNN.prof``. Chromium then drives the commune-level scenario of ``app_stages_bench``
(COD-AB adm1-3 at adm3, the real Mali 5W uploaded, clicks, filter changes, view and language
switches) and the profiles are summarised: each run's wall time and the page's functions
that took the most of it (cumulative).

``python -m benchmarks.rerun_profile [OUT_DIR]`` (the profiles are kept in OUT_DIR, a
temporary folder by default; open one with ``python -m pstats``). Needs ``../shared/data``.
It prints what it measures; it checks no goal.
"""

from __future__ import annotations

import os
import pstats
import sys
import tempfile
from pathlib import Path
from typing import Final

from benchmarks import app_stages_bench as stages
from benchmarks import generate
from benchmarks.browser_bench import _harness
from ngomap.render.webassets import install_static

REPO: Final = Path(__file__).resolve().parents[1]
TOP: Final = 14
# Run as the page's script by Streamlit: app.py's code under cProfile, in the script thread.
WRAPPER: Final = """
import cProfile
import os
import time
from pathlib import Path

app = Path(os.environ["NGOMAP_PROFILED_APP"])
out = Path(os.environ["NGOMAP_PROFILE_DIR"])
code = compile(app.read_text(encoding="utf-8"), str(app), "exec")
scope = {"__name__": "__main__", "__file__": str(app)}
profile = cProfile.Profile()
start = time.perf_counter()
try:
    profile.runctx(code, scope, scope)
finally:
    elapsed = time.perf_counter() - start
    number = len(list(out.glob("run-*.prof")))
    profile.dump_stats(out / f"run-{number:03d}.prof")
    (out / f"run-{number:03d}.txt").write_text(f"{elapsed:.3f}", encoding="utf-8")
"""
# Functions worth naming in the summary (the page's own and the libraries it waits on).
KEEP: Final = ("ngomap", "app.py", "streamlit_folium", "folium", "branca", "altair", "jinja2")


def summary(out: Path, top: int = TOP) -> str:
    """Each run's wall time and its ``top`` most expensive page functions (cumulative)."""
    lines = []
    for prof in sorted(out.glob("run-*.prof")):
        elapsed = float(prof.with_suffix(".txt").read_text(encoding="utf-8"))
        stats = pstats.Stats(str(prof))
        entries = []
        for (path, line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
            if any(k in path for k in KEEP) and name != "<module>":
                short = path.split("site-packages/")[-1].split("/src/")[-1]
                entries.append((ct, f"{short}:{line}({name})"))
        entries.sort(reverse=True)
        lines.append(f"## {prof.stem}: {elapsed:.2f} s")
        lines.extend(f"  {ct:7.3f} s  {where}" for ct, where in entries[:top])
    return "\n".join(lines)


def main() -> None:
    root = generate.shared_data()
    if root is None or not all((root / n).is_file() for n in (*stages.CODAB, stages.MALI_5W)):
        print("skipped: real OCHA files not found under ../shared/data")
        return
    harness = _harness()
    with tempfile.TemporaryDirectory(prefix="ngomap-profile-") as name:
        tmp = Path(name)
        out = Path(sys.argv[1]) if len(sys.argv) > 1 else tmp / "profiles"
        out.mkdir(parents=True, exist_ok=True)
        wrapper = tmp / "profiled_app.py"
        wrapper.write_text(WRAPPER, encoding="utf-8")
        install_static(tmp / "static")
        env = stages._communes_env(root, tmp) | {
            "NGOMAP_PROFILED_APP": str(REPO / "app.py"),
            "NGOMAP_PROFILE_DIR": str(out),
        }
        original = harness.APP
        harness.APP = wrapper
        try:
            with harness.running_browser() as browser:
                samples = stages._ngomap_communes(browser, harness, tmp, env, root / stages.MALI_5W)
        finally:
            harness.APP = original
        for stage, found in samples.items():
            shown = ", ".join(f"{s:.2f} s / {b:,} B" for s, b in found)
            print(f"{stage}: {shown}")
        print(summary(out))


if __name__ == "__main__":
    os.nice(0)
    main()
