"""Three sessions at once on one ``ngomap app``: a hostile upload costs only its sender.

One user uploads a shared-string bomb (a 400 KB workbook a reader would expand to
gigabytes), another uploads a 3W of her own, a third only looks. The bomb is refused in a
sentence for its sender; the second user sees her names and no one else's; the third
sees the sample; every session still answers at the end, and the server is alive.
``python -m benchmarks.load_bench`` runs the same with 20 users and times it.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks import load_bench


def test_a_hostile_upload_fails_only_for_its_sender(tmp_path: Path) -> None:
    with load_bench.running_server(tmp_path / "streamlit.log") as server:
        # In a thread of its own: the browser tests' sync Playwright may already run an event
        # loop in this one, and asyncio.run() refuses to start a second.
        with ThreadPoolExecutor(max_workers=1) as pool:
            outcomes = pool.submit(lambda: asyncio.run(load_bench._crowd(server.url, 3))).result()
        alive = server.process.poll() is None and load_bench._harness()._healthy(server.url)
    by_kind = {o.kind: o for o in outcomes}
    assert set(by_kind) == {"view", "upload", "hostile"}
    assert [o.error for o in outcomes if o.error] == []
    assert all(o.alive_at_end for o in outcomes)
    assert alive
    hostile = by_kind["hostile"]
    assert load_bench.HOSTILE_NAME in hostile.refused
    uploader = by_kind["upload"]
    assert uploader.own_names is True
    assert uploader.import_seconds is not None
    assert [o.user for o in outcomes if o.others_names] == []  # nobody sees another's data
    assert all(o.map_seconds is not None for o in outcomes)
