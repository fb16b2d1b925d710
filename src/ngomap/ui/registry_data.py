"""Which data the page shows: the registry (as of a date, fresh entries only) or an uploaded file.

The registry is the page's data: its state now, or as of a date picked in the sidebar,
optionally only the organisations confirmed within N months. An uploaded file is shown on
its own (it changes nothing in the registry until applied as a round in the import tab);
a choice above the map says which of the two is shown. The registry's newest changeset is
read on every run, so a round applied or an edit saved by another app process sharing the
database is shown on the next run.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import streamlit as st
from sqlalchemy import Engine

from ngomap.i18n import t
from ngomap.importer.threew import Dataset
from ngomap.registry.snapshot import Snapshot, bounds, snapshot
from ngomap.ui import access
from ngomap.ui.text import plain

AS_OF: Final = "registry_as_of"  # the "as of" date picker (None: now)
FRESH: Final = "registry_fresh"  # months (0: every organisation)
CHOICE: Final = "data_shown"  # "file" or "registry", when a file is uploaded
REGISTRY: Final = "registry"
FILE: Final = "file"
FRESH_CHOICES: Final = (0, 3, 6, 12, 24, 36)
_NOW: Final = "_registry_now"  # set before a rerun: show the registry today on the next run


def show_registry_now() -> None:
    """On the next run, show the registry as it is now (after a round applied or reverted,
    an edit saved): the data choice goes to the registry, the "as of" date is cleared."""
    st.session_state[_NOW] = True


@st.cache_resource(show_spinner=False, max_entries=8)
def _snapshot(
    _engine: Engine,
    url: str,
    changeset: int,
    as_of: date | None,
    fresh: int,
    today: date,
) -> Snapshot:
    """The registry's records, once per database, newest changeset, date and freshness
    (shared by every session: nobody mutates them)."""
    return snapshot(_engine, as_of=as_of, fresh_months=fresh or None, today=today)


def _initial_as_of(first: date | None, today: date) -> None:
    """The picker's value: from the URL once (?as_of=2025-03-31), kept inside its bounds."""
    if AS_OF not in st.session_state:
        raw = st.session_state.pop("_url_as_of", None)
        try:
            st.session_state[AS_OF] = date.fromisoformat(str(raw)) if raw else None
        except ValueError:
            st.session_state[AS_OF] = None
    chosen = st.session_state[AS_OF]
    if isinstance(chosen, date) and (chosen > today or (first is not None and chosen < first)):
        st.session_state[AS_OF] = None  # another registry, or a link from elsewhere


def _initial_fresh() -> None:
    if FRESH in st.session_state:
        return
    raw = st.session_state.pop("_url_fresh", None)
    value = int(raw) if raw is not None and str(raw).isdigit() else 0
    st.session_state[FRESH] = value if value in FRESH_CHOICES else 0


def load(lang: str, *, today: date | None = None) -> Snapshot:
    """The registry as chosen in the sidebar's registry panel (as of, freshness)."""
    today = today or date.today()
    if st.session_state.pop(_NOW, False):  # before the widgets are drawn
        st.session_state[AS_OF] = None
        st.session_state[CHOICE] = REGISTRY
    engine = access.engine()
    known = bounds(engine)
    _initial_as_of(known.first, today)
    _initial_fresh()
    with st.sidebar.expander(t("registry_panel", lang), expanded=False):
        as_of = st.date_input(
            t("registry_as_of", lang),
            min_value=known.first,
            max_value=today,
            key=AS_OF,
            help=t("registry_as_of_help", lang),
            format="DD/MM/YYYY" if lang == "fr" else "YYYY-MM-DD",
        )
        fresh = st.selectbox(
            t("registry_fresh", lang),
            options=FRESH_CHOICES,
            format_func=lambda n: (
                t("registry_fresh_n", lang, n=n) if n else t("registry_fresh_all", lang)
            ),
            key=FRESH,
            help=t("registry_fresh_help", lang),
        )
    picked = as_of if isinstance(as_of, date) else None
    url = engine.url.render_as_string(hide_password=False)
    return _snapshot(engine, url, known.changeset, picked, int(fresh or 0), today)


def params() -> dict[str, str]:
    """The URL's words for the registry's point in time and freshness (only when chosen)."""
    out: dict[str, str] = {}
    as_of = st.session_state.get(AS_OF)
    if isinstance(as_of, date):
        out["as_of"] = as_of.isoformat()
    fresh = st.session_state.get(FRESH)
    if fresh:
        out["fresh"] = str(fresh)
    return out


def choose(shown: Snapshot, uploaded: Dataset, lang: str, *, file_name: str) -> Dataset:
    """The data the map shows: the registry, or the uploaded file when there is one and it is
    chosen (the default right after an upload). Says which, above the map."""
    label = shown.label(lang)
    if uploaded is shown.dataset:  # no usable upload
        st.caption(t("data_shown_line", lang, label=label))
        dataset = shown.dataset
    else:
        if st.session_state.get(CHOICE) not in (FILE, REGISTRY):
            st.session_state[CHOICE] = FILE
        choice = st.radio(
            t("data_shown", lang),
            options=[FILE, REGISTRY],
            format_func=lambda key: (
                t("data_shown_file", lang, name=plain(file_name)) if key == FILE else label
            ),
            key=CHOICE,
            horizontal=True,
        )
        dataset = uploaded if choice == FILE else shown.dataset
    if dataset is shown.dataset:
        if shown.hidden:
            st.caption(
                plain(
                    t(
                        "registry_hidden",
                        lang,
                        n=len(shown.hidden),
                        months=shown.fresh_months,
                        names=", ".join(shown.hidden),
                    )
                )
            )
        if dataset.records.empty:
            st.info(t("registry_empty", lang))
            st.stop()
    return dataset
