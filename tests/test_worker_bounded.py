"""One file's jobs (read, then import) run in one worker, started ahead of need."""

from __future__ import annotations

import os
import threading
import time

import pytest

from ngomap import worker
from ngomap.limits import DEFAULT_LIMITS, Limits
from ngomap.worker import ResourceLimitError, bounded, warm


@pytest.fixture
def one_slot(monkeypatch: pytest.MonkeyPatch) -> threading.BoundedSemaphore:
    slot = threading.BoundedSemaphore(1)
    monkeypatch.setattr(worker, "_RUNNING", slot)
    monkeypatch.setattr(worker, "SLOTS", 1)
    return slot


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_files_jobs_share_one_worker_which_ends_with_the_block(
    one_slot: threading.BoundedSemaphore,
) -> None:
    with bounded(name="liste.xlsx") as jobs:
        first = jobs.run(os.getpid)
        assert jobs.run(sum, [1, 2]) == 3
        assert jobs.run(os.getpid) == first != os.getpid()
        assert not one_slot.acquire(timeout=0.1)  # the block holds the only slot
    assert _gone(first)  # never used for another file
    assert one_slot.acquire(timeout=1)  # and the slot is free again
    one_slot.release()


def test_a_job_over_its_time_budget_ends_its_worker_and_the_next_gets_a_new_one(
    one_slot: threading.BoundedSemaphore,
) -> None:
    with bounded(name="lent.xlsx") as jobs:
        first = jobs.run(os.getpid)
        with pytest.raises(ResourceLimitError) as caught:
            jobs.run(time.sleep, 30, limits=Limits(worker_seconds=1.0))
        assert caught.value.what == "time"
        assert "lent.xlsx" in caught.value.message("fr")
        assert _gone(first)
        second = jobs.run(os.getpid)
        assert second not in (first, os.getpid())
    assert _gone(second)
    assert one_slot.acquire(timeout=1)
    one_slot.release()


def test_one_worker_has_one_memory_budget() -> None:
    with bounded(name="a.csv") as jobs, pytest.raises(ValueError, match="one memory budget"):
        jobs.run(
            sum, [1], limits=Limits(worker_memory_bytes=DEFAULT_LIMITS.worker_memory_bytes // 2)
        )


def test_a_warmed_worker_takes_the_first_job() -> None:
    warm()
    waiting = worker._SPARES[DEFAULT_LIMITS.worker_memory_bytes].process.pid
    warm()  # a worker already waits: no second one
    assert worker._SPARES[DEFAULT_LIMITS.worker_memory_bytes].process.pid == waiting
    with bounded(name="a.csv") as jobs:
        assert jobs.run(os.getpid) == waiting
