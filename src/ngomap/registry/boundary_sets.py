"""Boundary sets kept in the registry, so that every app process sharing it sees the same ones.

Each kept set holds the files as the user uploaded them (read again on load, so that their
notes and names stay the user's) and its areas with their geometry: a PostGIS geometry in
PostgreSQL, WKB in SQLite, in EPSG:4326. A set is only kept once it has been read
successfully. It replaced the folder store (``ngomap.io.boundary_store``).
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import shapely
from sqlalchemy import Connection, Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from ngomap.areas.boundaries import LEVEL, NAME_FR, PARENT, Boundaries
from ngomap.areas.files import checked_crs, read_boundary_uploads
from ngomap.errors import BoundaryError
from ngomap.messages import Msg, pair
from ngomap.registry.models import BoundaryArea, BoundaryFile, BoundarySet
from ngomap.worker import run_bounded


def _safe_name(name: str) -> str:
    """The file's own name, without folders or odd characters (the notes show it)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._") or "boundaries"
    return cleaned[-80:]


@dataclass(frozen=True)
class KeptBoundaries:
    """One kept boundary set: what to show of it, and how to read it again."""

    id: str  # a hash of its files: the same upload is kept once
    name: str
    source: str
    added: str  # ISO date
    levels: tuple[str, ...]
    crs: str | None  # the system the user stated for files that do not say theirs
    files: tuple[str, ...]


def _key(uploads: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, content in sorted(uploads):
        digest.update(name.encode())
        digest.update(content)
    return digest.hexdigest()[:16]


def _read(uploads: list[tuple[str, bytes]], *, level: str | None, crs: str | None) -> Boundaries:
    """The uploads read in a worker process with a time and a memory budget: a hostile file
    costs its user an error, never the server (``ngomap.worker``)."""
    return run_bounded(
        read_boundary_uploads,
        list(uploads),
        level=level,
        crs=crs,
        name=", ".join(_safe_name(n) for n, _ in uploads),
    )


def keep(
    engine: Engine,
    uploads: list[tuple[str, bytes]],
    *,
    level: str | None = None,
    crs: str | None = None,
    by: str = "",
) -> tuple[KeptBoundaries, Boundaries]:
    """Read uploaded files (name, content) and, if they can be used, keep them in the registry.

    Nothing is kept when reading fails (the ``BoundaryError`` goes up to the caller).
    """
    crs = checked_crs(crs)
    boundaries = _read(uploads, level=level, crs=crs)
    if not any(note.kind == "crs.given" for note in boundaries.notes):
        crs = None  # the files said their own system: nothing to remember
    key = _key(uploads)
    names = tuple(_safe_name(name) for name, _ in uploads)
    areas = boundaries.areas
    rows = [
        {
            "level": str(area[LEVEL]),
            "pcode": str(code),
            "name": str(area[NAME_FR]),
            "parent": None if not isinstance(area[PARENT], str) else area[PARENT],
            "geometry": None if area.geometry is None else shapely.to_wkb(area.geometry),
        }
        for code, area in areas.iterrows()
    ]
    row = {
        "key": key,
        "name": ", ".join(names),
        "source": boundaries.source.split(" (")[0],
        "added": datetime.now(UTC).date(),
        "added_by": by,
        "levels": list(boundaries.levels),
        "crs": crs,
        "files": list(names),
    }
    contents = [content for _, content in uploads]
    for attempt in range(_ATTEMPTS):
        try:
            with engine.begin() as connection:
                _write(connection, row, names, contents, rows)
            break
        except IntegrityError:
            # Another session kept the very same files between our look and our insert
            # (PostgreSQL's transactions do not see each other's): look again, replace it.
            if attempt == _ATTEMPTS - 1:
                raise
    return _kept(key, names, boundaries, crs), boundaries


_ATTEMPTS: Final = 3


def _write(
    connection: Connection,
    row: dict[str, Any],
    names: tuple[str, ...],
    contents: list[bytes],
    areas: list[dict[str, Any]],
) -> None:
    """The set, its files and its areas in one transaction: a save cut short (even by
    ``kill -9``) leaves nothing of it, and a set replaced stays whole until the new one is."""
    old = connection.scalar(select(BoundarySet.id).where(BoundarySet.key == row["key"]))
    if old is not None:
        connection.execute(delete(BoundaryArea).where(BoundaryArea.set_id == old))
        connection.execute(delete(BoundaryFile).where(BoundaryFile.set_id == old))
        connection.execute(delete(BoundarySet).where(BoundarySet.id == old))
    set_id = connection.scalar(insert(BoundarySet).values(**row).returning(BoundarySet.id))
    connection.execute(
        insert(BoundaryFile),
        [
            {"set_id": set_id, "name": name, "content": content}
            for name, content in zip(names, contents, strict=True)
        ],
    )
    if areas:
        connection.execute(insert(BoundaryArea), [{**a, "set_id": set_id} for a in areas])


def _kept(
    key: str, names: tuple[str, ...], boundaries: Boundaries, crs: str | None
) -> KeptBoundaries:
    return KeptBoundaries(
        id=key,
        name=", ".join(names),
        source=boundaries.source.split(" (")[0],
        added=datetime.now(UTC).date().isoformat(),
        levels=tuple(boundaries.levels),
        crs=crs,
        files=names,
    )


def stored(engine: Engine) -> list[KeptBoundaries]:
    """The kept boundary sets, newest first."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(BoundarySet.__table__).order_by(BoundarySet.id.desc())
        ).all()
    return [
        KeptBoundaries(
            id=row.key,
            name=row.name,
            source=row.source,
            added=row.added.isoformat(),
            levels=tuple(row.levels or ()),
            crs=row.crs,
            files=tuple(row.files or ()),
        )
        for row in rows
    ]


def load(engine: Engine, key: str, *, level: str | None = None) -> Boundaries:
    """A kept boundary set, read again from its files as the user uploaded them."""
    with engine.connect() as connection:
        found = connection.execute(
            select(BoundarySet.id, BoundarySet.crs).where(BoundarySet.key == key)
        ).first()
        if found is None:
            raise BoundaryError(
                *pair(Msg.BOUNDARY_SETS_NO_KEPT_BOUNDARIES, key=key),
            )
        uploads = [
            (row.name, bytes(row.content))
            for row in connection.execute(
                select(BoundaryFile.name, BoundaryFile.content)
                .where(BoundaryFile.set_id == found.id)
                .order_by(BoundaryFile.id)
            )
        ]
    return _read(uploads, level=level, crs=found.crs)


def areas(engine: Engine, key: str) -> gpd.GeoDataFrame:
    """A kept set's areas from the database: P-code, level, name, parent and geometry."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                BoundaryArea.pcode,
                BoundaryArea.level,
                BoundaryArea.name,
                BoundaryArea.parent,
                BoundaryArea.geometry,
            )
            .join(BoundarySet, BoundarySet.id == BoundaryArea.set_id)
            .where(BoundarySet.key == key)
            .order_by(BoundaryArea.id)
        ).all()
    return gpd.GeoDataFrame(
        {
            "pcode": [r.pcode for r in rows],
            "level": [r.level for r in rows],
            "name": [r.name for r in rows],
            "parent": [r.parent for r in rows],
        },
        geometry=[
            None if r.geometry is None else shapely.from_wkb(bytes(r.geometry)) for r in rows
        ],
        crs="EPSG:4326",
    )


def files(engine: Engine, key: str, folder: Path | None = None) -> tuple[str, ...]:
    """A kept set's files on this machine (written once into ``folder``, by default the data
    folder's ``boundaries-cache``), for readers that take paths; in the user's names."""
    from ngomap.registry.db import data_dir

    target = (folder or data_dir() / "boundaries-cache") / key
    with engine.connect() as connection:
        found = connection.execute(
            select(BoundaryFile.name, BoundaryFile.content)
            .join(BoundarySet, BoundarySet.id == BoundaryFile.set_id)
            .where(BoundarySet.key == key)
            .order_by(BoundaryFile.id)
        ).all()
    if not found:
        raise BoundaryError(
            *pair(Msg.BOUNDARY_SETS_NO_KEPT_BOUNDARIES, key=key),
        )
    paths = []
    for name, content in found:
        path = target / name
        if not path.is_file() or path.stat().st_size != len(content):
            target.mkdir(parents=True, exist_ok=True)
            # A name of its own per writer (two sessions may write the same set at once),
            # then renamed: never a half-written file for another reader.
            with tempfile.NamedTemporaryFile(
                dir=target, prefix=f".{path.name}.", suffix=".part", delete=False
            ) as partial:
                partial.write(bytes(content))
            Path(partial.name).replace(path)
        paths.append(str(path))
    return tuple(paths)
