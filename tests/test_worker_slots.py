"""Imports run a few at a time: many uploads at once cannot take the server's memory."""

from __future__ import annotations

import os
import threading
import time

import pytest

from ngomap import worker
from ngomap.limits import Limits
from ngomap.worker import ResourceLimitError, run_bounded


@pytest.fixture
def one_slot(monkeypatch: pytest.MonkeyPatch) -> threading.BoundedSemaphore:
    slot = threading.BoundedSemaphore(1)
    monkeypatch.setattr(worker, "_RUNNING", slot)
    monkeypatch.setattr(worker, "SLOTS", 1)
    return slot


def test_the_slots_fit_the_memory_and_the_cores() -> None:
    assert 1 <= worker.SLOTS <= max(1, os.cpu_count() or 1)


def test_a_run_waits_for_a_free_slot_and_says_so_when_none_frees(
    one_slot: threading.BoundedSemaphore,
) -> None:
    assert one_slot.acquire(timeout=1)  # another user's import holds the only slot
    try:
        with pytest.raises(ResourceLimitError) as caught:
            run_bounded(sum, [1, 2], name="attente.csv", limits=Limits(worker_seconds=0.5))
    finally:
        one_slot.release()
    assert caught.value.what == "busy"
    assert "attente.csv" in caught.value.message("fr")
    assert "1 autres fichiers" in caught.value.message("fr")
    assert run_bounded(sum, [1, 2], name="ensuite.csv") == 3  # once free, it runs


def test_two_imports_with_one_slot_run_one_after_the_other(
    one_slot: threading.BoundedSemaphore,
) -> None:
    spans: list[tuple[float, float]] = []

    def one() -> None:
        start = time.monotonic()
        run_bounded(time.sleep, 1.0, name="a.csv", limits=Limits(worker_seconds=120.0))
        spans.append((start, time.monotonic()))

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(spans) == 2
    first, second = sorted(spans, key=lambda span: span[1])
    assert second[1] - first[1] >= 0.9  # the second slept only once the first had finished
    assert one_slot.acquire(timeout=1)  # and the slot is free again
    one_slot.release()
