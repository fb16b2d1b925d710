"""Kept boundary sets survive ``kill -9`` mid-save and many savers at once (issue 17).

The killed process is a real one saving a real upload (COD-AB's communes when
``../shared/data`` is there, else a generated set of the same size); the test waits for a
sign it can see from outside that the save is inside its write (SQLite: the database's write
lock is held; PostgreSQL: the saver's transaction has written rows, or is held waiting on a
table the test locked), kills it with SIGKILL, then checks from a new process that every
set listed is whole and every earlier one unchanged.
"""

from __future__ import annotations

import hashlib
import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geopandas as gpd
import psycopg
import pytest
import shapely
from sqlalchemy import make_url

from ngomap.registry import boundary_sets, db
from ngomap.registry.setup import init

_ADM3 = "boundaries/mali-codab-2021/mli_admbnda_adm3_1m_gov_20211220.geojson"
_ADM2 = "boundaries/mali-codab-2021/mli_admbnda_adm2_1m_gov_20211220.geojson"
_SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"

_SAVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from ngomap.registry import boundary_sets, db

    url, path = sys.argv[1], Path(sys.argv[2])
    boundary_sets.keep(db.engine_for(url), [(path.name, path.read_bytes())], by="saver")
    print("saved", flush=True)
    """
)

_CHECKER = textwrap.dedent(
    """
    import hashlib, json, sys
    import shapely
    from sqlalchemy import create_engine, text
    from ngomap.registry import boundary_sets, db

    engine = create_engine(db.database_url(sys.argv[1]))
    out = {}
    for entry in boundary_sets.stored(engine):
        areas = boundary_sets.areas(engine, entry.id)
        shapes = hashlib.sha256()
        for code, geometry in sorted(zip(areas["pcode"], areas.geometry, strict=True)):
            shapes.update(code.encode() + shapely.to_wkb(geometry, output_dimension=2))
        with engine.connect() as connection:
            contents = connection.execute(
                text(
                    "SELECT f.name, f.content FROM boundary_files f JOIN boundary_sets s"
                    " ON s.id = f.set_id WHERE s.key = :key ORDER BY f.id"
                ),
                {"key": entry.id},
            ).all()
        out[entry.id] = {
            "name": entry.name,
            "files": [[n, hashlib.sha256(bytes(c)).hexdigest()] for n, c in contents],
            "area_codes": sorted(areas["pcode"]),
            "read_codes": sorted(map(str, boundary_sets.load(engine, entry.id).areas.index)),
            "shapes": shapes.hexdigest(),
        }
    with engine.connect() as connection:
        out["orphans"] = connection.execute(
            text(
                "SELECT (SELECT count(*) FROM boundary_areas WHERE set_id NOT IN"
                " (SELECT id FROM boundary_sets))"
                " + (SELECT count(*) FROM boundary_files WHERE set_id NOT IN"
                " (SELECT id FROM boundary_sets))"
            )
        ).scalar()
    print(json.dumps(out))
    """
)


def _grid(path: Path, *, columns: int = 40, rows: int = 20, prefix: str = "ZZ") -> Path:
    """A COD-AB-like set of ``columns`` x ``rows`` communes with detailed edges."""
    shapes, codes = [], []
    for i in range(columns):
        for j in range(rows):
            box = shapely.box(i * 0.1, j * 0.1, (i + 1) * 0.1, (j + 1) * 0.1)
            shapes.append(shapely.segmentize(box, 0.002))
            codes.append((i, j))
    frame = gpd.GeoDataFrame(
        {
            "ADM3_PCODE": [f"{prefix}{i // 10:02d}{i:02d}{j:03d}" for i, j in codes],
            "ADM3_FR": [f"Commune {i}-{j}" for i, j in codes],
            "ADM2_PCODE": [f"{prefix}{i // 10:02d}{i:02d}" for i, _ in codes],
            "ADM2_FR": [f"Cercle {i}" for i, _ in codes],
            "ADM1_PCODE": [f"{prefix}{i // 10:02d}" for i, _ in codes],
            "ADM1_FR": [f"Région {i // 10}" for i, _ in codes],
        },
        geometry=shapes,
        crs=4326,
    )
    frame.to_file(path)
    return path


def _big_upload(tmp_path: Path) -> Path:
    """COD-AB's communes of Mali (764 areas, 1.3 MB) when present, else a generated set."""
    real = _SHARED / _ADM3
    return real if real.is_file() else _grid(tmp_path / "communes.geojson")


def _check(url: str) -> dict[str, Any]:
    """What a new process sees: every kept set, its areas, files and codes read again."""
    done = subprocess.run(
        [sys.executable, "-c", _CHECKER, url],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def _descendants(pid: int) -> set[int]:
    """The processes started by ``pid`` and theirs (its bounded readers), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _pg_dsn(url: str) -> str:
    parsed = make_url(url)
    return f"host={parsed.host} port={parsed.port} dbname={parsed.database} user={parsed.username}"


def _saver_is_writing(url: str) -> bool:
    """From outside the saver: is a write transaction open on the database right now?"""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        lock = sqlite3.connect(str(parsed.database), timeout=0, isolation_level=None)
        try:
            lock.execute("BEGIN IMMEDIATE")  # the saver holds the write lock: refused
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                return True
            raise
        else:
            lock.execute("ROLLBACK")
        finally:
            lock.close()
        return False
    with psycopg.connect(_pg_dsn(url), autocommit=True) as probe:
        found = probe.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
        ).fetchone()
    return bool(found and found[0])


def _saver_waits_on_lock(url: str) -> bool:
    with psycopg.connect(_pg_dsn(url), autocommit=True) as probe:
        found = probe.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
            " AND wait_event_type = 'Lock'"
        ).fetchone()
    return bool(found and found[0])


def _waiting_on_locks(url: str, count: int) -> bool:
    with psycopg.connect(_pg_dsn(url), autocommit=True) as probe:
        found = probe.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock'"
        ).fetchone()
    return bool(found and found[0] == count)


@contextmanager
def _areas_locked(url: str) -> Iterator[None]:
    """Another session holding ``boundary_areas``: a saver's rows of the set and its files are
    written, its areas wait (the very moment a half-written set would be visible)."""
    with psycopg.connect(_pg_dsn(url)) as holder:
        holder.execute("LOCK TABLE boundary_areas IN SHARE MODE")
        try:
            yield
        finally:
            holder.rollback()


def _kill_mid_save(url: str, upload: Path, *, delay: float, sign: str = "writing") -> int:
    """Start a saver, wait for ``sign``, wait ``delay`` more, SIGKILL it; its return code."""
    child = subprocess.Popen(
        [sys.executable, "-c", _SAVER, url, str(upload)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = _saver_waits_on_lock if sign == "lock" else _saver_is_writing
    try:
        deadline = time.monotonic() + 240
        while not seen(url):
            if child.poll() is not None:
                _, err = child.communicate()
                pytest.fail(f"the saver ended before its write: {err}")
            assert time.monotonic() < deadline, "the saver never started writing"
            time.sleep(0.002)
        time.sleep(delay)
        helpers = _descendants(child.pid)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        # Its bounded readers (the spare one waiting for a job) do not outlive it.
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in helpers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in helpers if _alive(pid)], "a reader outlived its server"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()
    return child.returncode


def _whole(found: dict[str, Any], key: str) -> None:
    entry = found[key]
    assert isinstance(entry, dict)
    assert entry["area_codes"] == entry["read_codes"], f"{entry['name']}: areas missing"
    assert entry["files"], f"{entry['name']}: listed without its files"


def test_kill_9_mid_save_shows_nothing_half_written_and_loses_nothing(
    db_url: str, tmp_path: Path
) -> None:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    adm2 = _SHARED / _ADM2
    earlier_files = [
        adm2 if adm2.is_file() else _grid(tmp_path / "cercles.geojson", columns=8, prefix="YY"),
        _grid(tmp_path / "small.geojson", columns=3, rows=2, prefix="XX"),
    ]
    for path in earlier_files:
        boundary_sets.keep(engine, [(path.name, path.read_bytes())], by="earlier")
    before = _check(db_url)
    earlier = {key: value for key, value in before.items() if key != "orphans"}
    assert len(earlier) == 2
    upload = _big_upload(tmp_path)
    big = boundary_sets._key([(upload.name, upload.read_bytes())])
    big_sha = hashlib.sha256(upload.read_bytes()).hexdigest()

    trials: list[tuple[float, str]] = [(0.0, "writing"), (0.02, "writing"), (0.06, "writing")]
    if make_url(db_url).get_backend_name() == "postgresql":
        trials.append((0.0, "lock"))  # the set's row and files written, its areas not yet
    outcomes = []
    for delay, sign in trials:
        if sign == "lock":
            with _areas_locked(db_url):
                code = _kill_mid_save(db_url, upload, delay=delay, sign=sign)
        else:
            code = _kill_mid_save(db_url, upload, delay=delay)
        assert code == -signal.SIGKILL
        after = _check(db_url)
        assert after.pop("orphans") == 0
        for key, value in earlier.items():
            assert after.get(key) == value, f"{value['name']} changed by a killed save"
        assert set(after) <= set(earlier) | {big}, "a set nobody saved is listed"
        for key in after:
            _whole(after, key)
        if big in after:  # the kill came after its commit: then it is all there
            entry = after[big]
            assert isinstance(entry, dict)
            assert entry["files"] == [[upload.name, big_sha]]
        outcomes.append(big in after)
    # The signs are inside the write: at least one kill landed before the commit.
    assert not all(outcomes), "every kill came after the commit: the test saw no mid-save"
    # And the registry still keeps sets after it, whole.
    boundary_sets.keep(engine, [(upload.name, upload.read_bytes())], by="after")
    final = _check(db_url)
    assert final.pop("orphans") == 0
    assert set(final) == set(earlier) | {big}
    _whole(final, big)


def _savers(tmp_path: Path, count: int) -> list[tuple[str, bytes]]:
    uploads = []
    for n in range(count):
        frame = gpd.GeoDataFrame(
            {
                "ADM2_PCODE": [f"Q{n:02d}01", f"Q{n:02d}02"],
                "ADM2_FR": [f"Est {n}", f"Ouest {n}"],
                "ADM1_PCODE": [f"Q{n:02d}", f"Q{n:02d}"],
                "ADM1_FR": [f"Centre {n}", f"Centre {n}"],
            },
            geometry=[shapely.box(n, 0, n + 1, 1), shapely.box(n + 1, 0, n + 2, 1)],
            crs=4326,
        )
        path = tmp_path / f"set{n:02d}.geojson"
        frame.to_file(path)
        uploads.append((path.name, path.read_bytes()))
    return uploads


_PROCESS_SAVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from ngomap.registry import boundary_sets, db

    engine = db.engine_for(sys.argv[1])
    for name in sys.argv[2:]:
        path = Path(name)
        boundary_sets.keep(engine, [(path.name, path.read_bytes())], by="process")
    print("saved", flush=True)
    """
)


def test_many_savers_at_once_lose_nothing(db_url: str, tmp_path: Path) -> None:
    """Twelve threads and three processes save at once, some the very same upload: every set
    is kept once and whole, nobody gets an error."""
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    uploads = _savers(tmp_path, 16)
    by_threads = [*uploads[:10], uploads[0], uploads[1]]  # two pairs saving the same file
    start = threading.Barrier(len(by_threads))

    def save(upload: tuple[str, bytes]) -> str:
        start.wait()
        return boundary_sets.keep(engine, [upload], by="thread")[0].id

    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _PROCESS_SAVER, db_url]
            + [str(tmp_path / name) for name, _ in uploads[10 + 2 * n : 12 + 2 * n]]
            + [str(tmp_path / uploads[n][0])],  # and one the threads save too
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    with ThreadPoolExecutor(max_workers=len(by_threads)) as pool:
        keys = list(pool.map(save, by_threads))
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        assert out.strip() == "saved"
    expected = {boundary_sets._key([upload]) for upload in uploads[:16]}
    assert set(keys) <= expected
    found = _check(db_url)
    assert found.pop("orphans") == 0
    assert set(found) == expected
    for key in found:
        _whole(found, key)


def test_two_sessions_saving_the_same_file_at_once_both_succeed(
    postgres_cluster: object, tmp_path: Path
) -> None:
    """PostgreSQL lets two transactions both find no set with that key, then both insert it:
    the second one to commit must not fail, the set is kept once. (SQLite's writers take the
    lock at BEGIN, so they never race there.)"""
    url = postgres_cluster.new_database()  # type: ignore[attr-defined]
    init(url, empty=True)
    engine = db.engine_for(url)
    (upload,) = _savers(tmp_path, 1)
    with ThreadPoolExecutor(max_workers=2) as pool:
        with _areas_locked(url):
            saves = [pool.submit(boundary_sets.keep, engine, [upload], by=who) for who in "ab"]
            # Both wait: the first on the areas' table, the second on the first's key.
            deadline = time.monotonic() + 240
            while not _waiting_on_locks(url, 2):
                assert not any(save.done() for save in saves), [s.exception() for s in saves]
                assert time.monotonic() < deadline, "the two saves never met"
                time.sleep(0.05)
        keys = {save.result(timeout=120)[0].id for save in saves}
    assert keys == {boundary_sets._key([upload])}
    found = _check(url)
    assert found.pop("orphans") == 0
    assert set(found) == keys
    _whole(found, keys.pop())
