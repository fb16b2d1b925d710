"""Sidebar: which admin boundaries the page uses (embedded, kept, or uploaded) and at what level.

``$NGOMAP_BOUNDARIES`` (paths separated by ``os.pathsep``) and ``$NGOMAP_LEVEL`` set the
page's default boundaries and level, for a deployment or a browser test.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st
from sqlalchemy import Engine

from ngomap.areas.boundaries import LEVELS, Boundaries
from ngomap.areas.files import at_level, load_boundaries
from ngomap.errors import NgomapError
from ngomap.i18n import t
from ngomap.registry import boundary_sets
from ngomap.registry.db import database_url
from ngomap.registry.setup import ready_engine
from ngomap.render import captions
from ngomap.ui import access
from ngomap.ui.text import plain

EMBEDDED = "embedded"
FROM_ENV = "env"
UPLOAD_TYPES = ["geojson", "json", "topojson", "gpkg", "zip"]
# Coordinate systems offered for files that do not state theirs (any EPSG code may be typed).
CRS_CHOICES: dict[str, str] = {
    "": "",
    "EPSG:4326": "WGS 84, longitude/latitude",
    "EPSG:32628": "UTM 28N",
    "EPSG:32629": "UTM 29N",
    "EPSG:32630": "UTM 30N",
    "EPSG:32631": "UTM 31N",
    "EPSG:32632": "UTM 32N",
    "EPSG:3857": "Web Mercator",
}


def _stamps(paths: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """Each file's (modification time in ns, size): a file changed in place reads again."""
    stats = [Path(p).stat() if Path(p).is_file() else None for p in paths]
    return tuple((s.st_mtime_ns, s.st_size) if s else (0, 0) for s in stats)


@st.cache_resource(show_spinner=False, max_entries=8)
def _read(
    paths: tuple[str, ...], stamps: tuple[tuple[int, int], ...], crs: str | None = None
) -> Boundaries:
    """Boundaries read once per set of files (and their modification times)."""
    del stamps  # part of the cache key only
    return load_boundaries(list(paths) or None, crs=crs)


@st.cache_resource(show_spinner=False, max_entries=24)
def _at(
    paths: tuple[str, ...], stamps: tuple[tuple[int, int], ...], level: str, crs: str | None = None
) -> Boundaries:
    """The same boundaries drawn at ``level`` (light geometry cache shared)."""
    return at_level(_read(paths, stamps, crs), level)


def _env_paths() -> tuple[str, ...]:
    value = os.environ.get("NGOMAP_BOUNDARIES", "")
    return tuple(p for p in value.split(os.pathsep) if p.strip())


@st.cache_resource(show_spinner=False, max_entries=4)
def _ready(url: str) -> Engine:
    return ready_engine(url)


def _registry() -> Engine:
    """The registry holding kept boundaries (``$NGOMAP_DATABASE_URL`` or the default one),
    made ready once per process and URL."""
    return _ready(database_url())


Choice = tuple[str, tuple[str, ...], str | None]  # label, paths, coordinate system stated


def _choices(lang: str) -> dict[str, Choice]:
    """{choice key: (label, paths, crs)}: embedded, the deployment's default, kept uploads."""
    choices: dict[str, Choice] = {EMBEDDED: (t("boundaries_embedded", lang), (), None)}
    env = _env_paths()
    if env:
        names = ", ".join(Path(p).name for p in env)
        choices[FROM_ENV] = (t("boundaries_default", lang, names=names), env, None)
    engine = _registry()
    for entry in boundary_sets.stored(engine):
        label = t("boundaries_kept", lang, name=entry.name, source=entry.source, date=entry.added)
        choices[entry.id] = (label, boundary_sets.files(engine, entry.id), entry.crs)
    return choices


def _upload(lang: str) -> str | None:
    """Keep the uploaded files when they can be read; the new choice's key, if any. Kept
    files are offered to every user of the server: only editors add them."""
    if not access.allowed("boundaries"):
        st.sidebar.caption(t("boundaries_upload_editors", lang))
        return None
    files = st.sidebar.file_uploader(
        t("boundaries_upload", lang),
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        help=t("boundaries_upload_help", lang),
        key="boundaries_upload",
    )
    if not files:
        return None
    crs = st.sidebar.selectbox(
        t("boundaries_crs", lang),
        options=list(CRS_CHOICES),
        format_func=lambda c: (
            f"{c} — {CRS_CHOICES[c]}"
            if CRS_CHOICES.get(c)
            else (c or t("boundaries_crs_file", lang))
        ),
        accept_new_options=True,
        help=t("boundaries_crs_help", lang),
        key="boundaries_crs",
    )
    seen = (tuple(sorted(f.file_id for f in files)), crs or "")
    if st.session_state.get("boundaries_seen") == seen:
        return None  # kept on an earlier run: the choice is the user's now
    st.session_state["boundaries_seen"] = seen
    try:
        entry, _ = boundary_sets.keep(
            _registry(), [(f.name, f.getvalue()) for f in files], crs=str(crs) if crs else None
        )
    except NgomapError as exc:
        st.session_state["boundaries_error"] = exc.message(lang)
        return None
    st.session_state.pop("boundaries_error", None)
    return entry.id


def level_key(levels: list[str]) -> str:
    """The session key of the level picker for boundaries with these levels."""
    return f"boundaries_level_{'_'.join(levels)}"


def choose(lang: str) -> Boundaries:
    """The boundaries the page uses, at the level the user chose."""
    st.sidebar.subheader(t("boundaries_title", lang))
    uploaded = _upload(lang)
    choices = _choices(lang)
    keys = list(choices)
    if "boundaries_error" in st.session_state:
        st.sidebar.error(plain(st.session_state["boundaries_error"]))
    if uploaded:
        st.session_state["boundaries_choice"] = uploaded
    elif st.session_state.get("boundaries_choice") not in keys:
        st.session_state["boundaries_choice"] = FROM_ENV if FROM_ENV in choices else EMBEDDED
    choice = st.sidebar.selectbox(
        t("boundaries_pick", lang),
        options=keys,
        format_func=lambda key: choices[key][0],
        key="boundaries_choice",
    )
    _label, paths, crs = choices[str(choice)]
    stamps = _stamps(paths)
    try:
        boundaries = _read(paths, stamps, crs)
    except NgomapError as exc:
        st.sidebar.error(plain(exc.message(lang)))
        paths, stamps, crs = (), (), None
        boundaries = _read(paths, stamps)
    levels = boundaries.levels
    wanted = os.environ.get("NGOMAP_LEVEL", "")
    start = wanted if wanted in levels else boundaries.level
    level = st.sidebar.radio(
        t("boundaries_level", lang),
        options=levels,
        index=levels.index(start),
        format_func=lambda lvl: captions.areas_word(lvl, lang, country=boundaries.country),
        horizontal=True,
        key=level_key(levels),
    )
    if boundaries.notes:
        with st.sidebar.expander(t("boundaries_notes", lang, n=len(boundaries.notes))):
            for note in boundaries.notes:
                st.caption(plain(note.message(lang)))
    return _at(paths, stamps, str(level), crs) if level in LEVELS else boundaries


def is_loaded() -> bool:
    """Whether the page's boundaries come from a boundary file (not the embedded regions)."""
    return bool(st.session_state.get("boundaries_choice", EMBEDDED) != EMBEDDED)


def file_areas(own: Boundaries, lang: str) -> Boundaries:
    """The file's own areas (no geometry) at the level the user picks among the file's."""
    levels = own.levels
    level = st.sidebar.radio(
        t("file_areas_level", lang),
        options=levels,
        index=len(levels) - 1,
        format_func=lambda lvl: captions.areas_word(lvl, lang, country=own.country),
        horizontal=True,
        key=f"file_areas_level_{'_'.join(levels)}",
    )
    return at_level(own, str(level))
