"""Listing requests under load: 50 public-form submissions at once while 20 viewers read the
public pages, on SQLite and on a throwaway PostgreSQL + PostGIS (127.0.0.1).

The registry holds the embedded sample (80 organisations). A viewer does what the public
directory page and the map page compute to draw (not the browser's drawing, nor Streamlit's
own overhead): ``directory.build`` named by the boundaries, a search, ``state.records`` and
the density view (``views.build_view``) at region level. Threads of one process, all released
at once by a barrier; every submission has its own session and address (no rate limit met).

Measured, each next to the same work done alone in the same run:
- a viewer's page time under the load (median; slowest and 95th percentile in details)
  against the page alone (median of 5);
- a submission's time under the load (median; slowest in details) against one alone.
Checked: every reference sent is in the queue exactly once (none lost, none duplicated); the
rows say FAIL otherwise.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from ngomap.analysis import ViewOptions
from ngomap.areas.boundaries import Boundaries, embedded_regions
from ngomap.registry import db, state, throwaway
from ngomap.registry import directory as dr
from ngomap.registry import requests as rq
from ngomap.registry.db import RegistryError
from ngomap.registry.setup import init
from ngomap.views import build_view


@contextmanager
def _databases() -> Iterator[list[tuple[str, str | None, str]]]:
    """(label, url or None, why not) for SQLite and a throwaway PostgreSQL."""
    with tempfile.TemporaryDirectory(prefix="ngomap-requests-bench-") as folder:
        sqlite = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        try:
            with throwaway.cluster() as cluster:
                yield [("SQLite", sqlite, ""), ("PostgreSQL", cluster.new_database(), "")]
                return
        except RegistryError as exc:
            reason = str(exc)
        yield [("SQLite", sqlite, ""), ("PostgreSQL", None, reason)]


def _page(engine: Engine, boundaries: Boundaries) -> float:
    """The public pages' work for one viewer, in seconds."""
    started = time.perf_counter()
    found = dr.build(engine, boundaries=boundaries)
    dr.search(found.table, "santé")
    records = state.records(engine)
    build_view(records, boundaries, ViewOptions(level=boundaries.level), lang="fr")
    return time.perf_counter() - started


def _send(engine: Engine, number: int, tag: str) -> tuple[str, float]:
    started = time.perf_counter()
    form = rq.RequestForm(
        profile={"name": f"Organisation {tag} {number}"},
        presences=[rq.PresenceAsk("HEA", "", "DIRECT")],
        contact={"email": f"contact{number}@ngo.example"},
    )
    sent = rq.submit(
        engine, form, session=f"session {tag} {number}", address=f"10.{number // 250}.0.{number}"
    )
    return sent.reference, time.perf_counter() - started


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _measures(
    label: str, url: str, *, senders: int, viewers: int, runs: int
) -> dict[str, dict[str, Any]]:
    init(url)  # with the sample
    engine = db.engine_for(url)
    boundaries = embedded_regions()
    _page(engine, boundaries)  # warm-up: caches of the boundaries and vocabularies
    alone_page = statistics.median(_page(engine, boundaries) for _ in range(runs))
    alone_sends = [_send(engine, n, "alone") for n in range(runs)]
    alone_send = statistics.median(seconds for _, seconds in alone_sends)
    barrier = threading.Barrier(senders + viewers)

    def send(number: int) -> tuple[str, float]:
        barrier.wait()
        return _send(engine, number, "load")

    def view() -> float:
        barrier.wait()
        return _page(engine, boundaries)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=senders + viewers) as pool:
        sends = [pool.submit(send, n) for n in range(senders)]
        views = [pool.submit(view) for _ in range(viewers)]
        sent = [f.result() for f in sends]
        viewed = [f.result() for f in views]
    wall = time.perf_counter() - started
    references = [reference for reference, _ in sent]
    queued = list(rq.queue(engine)["reference"])
    expected = references + [reference for reference, _ in alone_sends]
    lost = len(set(expected) - set(queued))
    duplicated = len(references) - len(set(references)) + len(queued) - len(set(queued))
    status = "ok" if not lost and not duplicated else f"FAIL: {lost} lost, {duplicated} duplicated"
    counts = {"senders": senders, "viewers": viewers, "lost": lost, "duplicated": duplicated}
    load_sends = [seconds for _, seconds in sent]
    return {
        f"viewer's page under {senders} submissions + {viewers} viewers ({label})": {
            "value": statistics.median(viewed),
            "baseline": alone_page,
            "unit": "s",
            "baseline_name": "the same page work alone",
            "status": status,
            "runs": viewers,
            "details": {
                **counts,
                "slowest_s": max(viewed),
                "p95_s": _percentile(viewed, 0.95),
                "wall_s": wall,
                "organisations": len(dr.build(engine).table),
            },
        },
        f"submission under {senders} submissions + {viewers} viewers ({label})": {
            "value": statistics.median(load_sends),
            "baseline": alone_send,
            "unit": "s",
            "baseline_name": "one submission alone",
            "status": status,
            "runs": senders,
            "details": {**counts, "slowest_s": max(load_sends), "wall_s": wall},
        },
    }


def run(*, quick: bool = False) -> dict[str, dict[str, Any]]:
    """The load measures on SQLite and PostgreSQL."""
    senders, viewers, runs = (10, 4, 1) if quick else (50, 20, 5)
    out: dict[str, dict[str, Any]] = {}
    with _databases() as databases:
        for label, url, why in databases:
            if url is None:
                out[f"requests under load ({label})"] = {
                    "value": None,
                    "status": f"not available ({why})",
                }
                continue
            out.update(_measures(label, url, senders=senders, viewers=viewers, runs=runs))
    return out


if __name__ == "__main__":
    import sys

    for name, row in run(quick="--quick" in sys.argv).items():
        value, baseline = row.get("value"), row.get("baseline")
        details = {
            k: round(v, 3) if isinstance(v, float) else v for k, v in row.get("details", {}).items()
        }
        print(
            f"{name:<70} {value if value is None else round(value, 3)!s:>8} "
            f"{baseline if baseline is None else round(baseline, 3)!s:>8} {row.get('status')} "
            f"{details}"
        )
