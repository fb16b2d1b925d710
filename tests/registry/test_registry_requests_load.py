"""Load, bounded: 50 concurrent request submissions and 20 viewers on one database."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine

from ngomap.registry import db, feed, state
from ngomap.registry import requests as rq
from ngomap.registry.setup import init

SENDERS = 50
VIEWERS = 20


def _send(engine: Engine, number: int) -> tuple[str, float]:
    started = time.perf_counter()
    form = rq.RequestForm(
        profile={"name": f"Organisation {number}"},
        presences=[rq.PresenceAsk("HEA", "", "DIRECT")],
        contact={"email": f"contact{number}@ngo.example"},
    )
    sent = rq.submit(engine, form, session=f"session {number}", address=f"10.0.0.{number}")
    return sent.reference, time.perf_counter() - started


def _view(engine: Engine) -> float:
    started = time.perf_counter()
    snap = feed.snapshot(engine)
    assert snap.organisations
    assert len(state.records(engine)) > 0
    return time.perf_counter() - started


def test_fifty_concurrent_requests_none_lost_none_duplicated(db_url: str) -> None:
    init(db_url)  # with the sample, for the viewers
    engine = db.engine_for(db_url)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=SENDERS + VIEWERS) as pool:
        sends = [pool.submit(_send, engine, n) for n in range(SENDERS)]
        views = [pool.submit(_view, engine) for _ in range(VIEWERS)]
        sent = [f.result() for f in sends]
        viewed = [f.result() for f in views]
    wall = time.perf_counter() - started
    references = [reference for reference, _ in sent]
    assert len(set(references)) == SENDERS  # none duplicated
    queued = rq.queue(engine)
    assert sorted(queued["reference"]) == sorted(references)  # none lost
    assert sorted(queued["organisation"]) == sorted(f"Organisation {n}" for n in range(SENDERS))
    slowest_send = max(seconds for _, seconds in sent)
    slowest_view = max(viewed)
    print(
        f"\n{engine.dialect.name}: {SENDERS} submissions + {VIEWERS} viewers in {wall:.2f} s; "
        f"slowest submission {slowest_send:.2f} s, slowest view {slowest_view:.2f} s"
    )
    assert slowest_send < 30
