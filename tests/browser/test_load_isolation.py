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


def test_three_sessions_on_the_wire_see_their_own_data_only(tmp_path: Path) -> None:
    """``benchmarks.load_wire``'s client (Streamlit's websocket protocol, no browser) drives
    the same three users: each action is answered, the uploader's file goes through
    ``/_stcore/upload_file`` and comes back as her names, nobody sees another's."""
    from benchmarks import load_paced, load_wire

    async def three(url: str) -> list[load_paced.Session]:
        found, _ = await load_wire.crowd(url, 3, [], spread=0.0, seed=1, paced=False)
        return found

    with (
        load_bench.running_server(tmp_path / "streamlit.log") as server,
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        sessions = pool.submit(lambda: asyncio.run(three(server.url))).result()
    by_kind = {s.kind: s for s in sessions}
    assert [s.error for s in sessions] == ["", "", ""]
    assert all(s.alive_at_end for s in sessions)  # each got the English heading at the end
    assert by_kind["upload"].own_names is True
    assert [s.user for s in sessions if s.others_names] == []
    assert load_bench.HOSTILE_NAME in by_kind["hostile"].refused
    names = {kind: [a.name for a in s.actions] for kind, s in by_kind.items()}
    assert names["view"] == ["open", "gaps", "filter", "density"]
    assert names["upload"] == ["open", "gaps", "filter", "upload", "density"]
    assert all(a.seconds is not None and a.seconds > 0 for s in sessions for a in s.actions)
