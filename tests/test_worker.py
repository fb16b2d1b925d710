"""Readers run in a worker process: a runaway costs its user an error, never the server."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from ngomap import analysis as a
from ngomap._paths import EMBEDDED_REGIONS
from ngomap.areas.boundaries import embedded_regions
from ngomap.areas.files import read_boundary_uploads
from ngomap.errors import InputFileError, NgomapError
from ngomap.export import formats as e
from ngomap.importer.threew import import_dataset
from ngomap.limits import Limits
from ngomap.worker import ResourceLimitError, WorkerCrashError, close_spares, run_bounded

CSV = "Organisation;Secteur;Région\nONG A;Santé;Kayes\nONG B;Éducation;Mopti\n".encode()


def test_the_result_comes_back_with_progress() -> None:
    steps: list[str] = []
    dataset = run_bounded(
        import_dataset, CSV, "w.csv", name="w.csv", progress=lambda _f, s: steps.append(s)
    )
    assert sorted(dataset.records["org_name"]) == ["ONG A", "ONG B"]
    assert "done" in steps


def test_the_readers_own_error_comes_back_in_both_languages() -> None:
    with pytest.raises(InputFileError) as error:
        run_bounded(import_dataset, b"", "vide.csv", name="vide.csv")
    assert "vide.csv" in error.value.message("fr")
    assert error.value.message("fr") != error.value.message("en")


def test_over_the_time_budget_the_worker_is_stopped() -> None:
    start = time.monotonic()
    with pytest.raises(ResourceLimitError) as error:
        run_bounded(time.sleep, 30, name="lent.csv", limits=Limits(worker_seconds=1.0))
    assert time.monotonic() - start < 15
    assert error.value.what == "time"
    assert "lent.csv" in error.value.message("fr")
    assert "ngomap validate" in error.value.message("en")  # the command-line way


def test_over_the_memory_budget_is_an_error_not_a_dead_server() -> None:
    with pytest.raises(ResourceLimitError) as error:
        run_bounded(
            bytearray,
            3_000_000_000,
            name="gros.xlsx",
            limits=Limits(worker_memory_bytes=800_000_000),
        )
    assert error.value.what == "memory"
    assert "800" in error.value.message("en")


@pytest.mark.parametrize(("function", "args"), [(os.abort, ()), (int, ("pas un nombre",))])
def test_a_crash_is_a_message_without_traceback_or_path(
    function: object, args: tuple[object, ...]
) -> None:
    with pytest.raises(WorkerCrashError) as error:
        run_bounded(function, *args, name="cassé.csv")  # type: ignore[arg-type]
    for lang in ("fr", "en"):
        text = error.value.message(lang)
        assert "cassé.csv" in text
        assert "Traceback" not in text
        assert "/" not in text.replace("ngomap", "")  # no server path
    assert isinstance(error.value, NgomapError)


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temporary folder of our own (the machine's is shared), for us and the workers."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    close_spares()  # workers started earlier know the old folder
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", None)
    yield folder
    close_spares()


def test_no_temporary_file_is_left_after_imports_exports_and_failures(private_tmp: Path) -> None:
    boundaries_file = EMBEDDED_REGIONS  # the regions ngomap ships (not the basemap beside it)
    before = sorted(private_tmp.iterdir())
    dataset = run_bounded(import_dataset, CSV, "w.csv", name="w.csv")
    with pytest.raises(InputFileError):
        run_bounded(import_dataset, b"\x00\x01PK", "cassé.xlsx", name="cassé.xlsx")
    if boundaries_file is not None:
        run_bounded(
            read_boundary_uploads,
            [(boundaries_file.name, boundaries_file.read_bytes())],
            name=boundaries_file.name,
        )
    with pytest.raises(NgomapError):
        run_bounded(read_boundary_uploads, [("cassé.zip", b"PK\x03\x04broken")], name="cassé.zip")
    snap = e.Snapshot.of(dataset, embedded_regions(), a.ViewOptions(), "fr", today=date(2026, 1, 1))
    for fmt in ("csv", "xlsx", "gpkg"):
        assert e.export(snap, fmt)
    assert sorted(private_tmp.iterdir()) == before


def test_bytes_over_the_limit_are_refused_before_they_reach_a_worker() -> None:
    with pytest.raises(InputFileError) as error:
        run_bounded(import_dataset, CSV, "gros.csv", name="gros.csv", limits=Limits(max_bytes=10))
    assert "ngomap validate" in error.value.message("en")


def test_boundaries_used_by_the_page_go_to_a_worker_without_their_cache() -> None:
    import weakref

    regions = embedded_regions()
    regions.cache["seen"] = weakref.ref(regions)  # as analysis keeps (weakref, areas) there
    dataset = run_bounded(import_dataset, CSV, "w.csv", name="w.csv", boundaries=regions)
    assert len(dataset.records) == 2
    assert "seen" in regions.cache  # the page's own copy keeps its cache
