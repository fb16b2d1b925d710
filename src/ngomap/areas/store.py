"""Boundary files kept from one session to the next, with their name, source and date.

Files live in ``~/.local/share/ngomap/boundaries/`` (or ``$NGOMAP_DATA_DIR/boundaries``),
each upload in a folder named from its content (the files keep the user's names, which the
boundaries' notes show), listed in ``index.json``. A file is only kept once it has been
read successfully. The store belongs to the server, not to a user: every user of a server
sees the boundaries any of them kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from ngomap.areas.boundaries import Boundaries
from ngomap.areas.files import checked_crs, read_boundary_uploads
from ngomap.worker import run_bounded

INDEX = "index.json"


@dataclass(frozen=True)
class StoredBoundaries:
    """One kept upload: its files in the store, what to show, and when it was added."""

    id: str
    name: str
    source: str
    added: str  # ISO date
    files: tuple[str, ...]
    levels: tuple[str, ...] = ()
    crs: str | None = None  # the system the user stated for files that do not say theirs

    def paths(self, root: Path) -> list[Path]:
        return [root / f for f in self.files]


def store_dir() -> Path:
    """Where kept boundary files live."""
    base = os.environ.get("NGOMAP_DATA_DIR")
    root = Path(base) if base else Path.home() / ".local" / "share" / "ngomap"
    return root / "boundaries"


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._") or "boundaries"
    return cleaned[-80:]


def stored(root: Path | None = None) -> list[StoredBoundaries]:
    """The kept boundaries, newest first (an unreadable index counts as empty)."""
    root = root or store_dir()
    try:
        entries = json.loads((root / INDEX).read_text(encoding="utf-8"))
        found = [
            StoredBoundaries(**{**e, "files": tuple(e["files"]), "levels": tuple(e["levels"])})
            for e in entries
        ]
    except (OSError, ValueError, TypeError, KeyError):
        return []
    return [e for e in found if all(p.is_file() for p in e.paths(root))]


def keep(
    uploads: list[tuple[str, bytes]],
    *,
    root: Path | None = None,
    level: str | None = None,
    crs: str | None = None,
) -> tuple[StoredBoundaries, Boundaries]:
    """Read uploaded files (name, content) and, if they can be used, keep them.

    They are read from a temporary folder first; nothing is kept when reading fails
    (the ``BoundaryError`` goes up to the caller). ``crs`` is the coordinate system of
    files that do not say theirs; it is kept with them.
    """
    root = root or store_dir()
    crs = checked_crs(crs)
    digest = hashlib.sha256()
    for name, content in sorted(uploads):
        digest.update(name.encode())
        digest.update(content)
    key = digest.hexdigest()[:16]
    # Read in a worker process with a time and a memory budget: a hostile file costs its
    # user an error, never the server.
    boundaries = run_bounded(
        read_boundary_uploads,
        list(uploads),
        level=level,
        crs=crs,
        name=", ".join(_safe_name(n) for n, _ in uploads),
    )
    if not any(note.kind == "crs.given" for note in boundaries.notes):
        crs = None  # the files said their own system: nothing to remember
    (root / key).mkdir(parents=True, exist_ok=True)  # one folder per upload: the user's names
    files = []
    for name, content in uploads:
        target = f"{key}/{_safe_name(name)}"
        (root / target).write_bytes(content)
        files.append(target)
    entry = StoredBoundaries(
        id=key,
        name=", ".join(_safe_name(n) for n, _ in uploads),
        source=boundaries.source.split(" (")[0],
        added=date.today().isoformat(),
        files=tuple(files),
        levels=tuple(boundaries.levels),
        crs=crs,
    )
    entries = [e for e in stored(root) if e.id != key]
    entries.insert(0, entry)
    tmp_index = root / (INDEX + ".tmp")
    tmp_index.write_text(
        json.dumps([asdict(e) for e in entries], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    tmp_index.replace(root / INDEX)
    return entry, boundaries
