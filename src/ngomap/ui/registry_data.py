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

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from streamlit.delta_generator import DeltaGenerator

from ngomap import schema as s
from ngomap.i18n import t
from ngomap.importer.threew import Dataset
from ngomap.importer.validate import ImportReport
from ngomap.movements import movement_records
from ngomap.registry import state, statecache
from ngomap.registry.snapshot import LANGUAGES, Snapshot, bounds, day_text, snapshot
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
    committed: statecache.Token,
    as_of: date | None,
    fresh: int,
    today: date,
) -> Snapshot:
    """The registry's records, once per database, committed state, date and freshness
    (shared by every session: nobody mutates them). The committed state is the changesets'
    count, newest id and time (``statecache.token``), not the newest id alone: on PostgreSQL
    a lower id can be committed last, and the newest id would not change."""
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
        if fresh and _freshness_view():
            st.caption(t("freshness_all_shown", lang))
            fresh = 0  # the view counts the stale ones: none may be hidden from it
    picked = as_of if isinstance(as_of, date) else None
    url = engine.url.render_as_string(hide_password=False)
    return _snapshot(engine, url, committed(engine), picked, int(fresh or 0), today)


def _freshness_view() -> bool:
    """Whether the page shows the freshness view (the view radio's value, or the link's)."""
    view = st.session_state.get("view", st.session_state.get("_url_view"))
    return bool(view == "freshness")


def committed(engine: Engine) -> statecache.Token:
    """What identifies the registry's committed state now (cheap: two small queries)."""
    with engine.connect() as connection:
        return statecache.token(connection)


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


SINCE: Final = "changes_since"  # the changes view's starting round (0: the empty registry)


@st.cache_resource(show_spinner=False, max_entries=8)
def _records_after_round(
    _engine: Engine, url: str, changeset: statecache.Token, round_id: int
) -> pd.DataFrame:
    """The registry's records right after a round (0: before anything was written)."""
    if round_id == 0:
        return state.records(_engine, as_of=0)
    return state.records(_engine, as_of=f"R{round_id}")


def _movements_dataset(
    records: pd.DataFrame, titles: dict[str, str], updated: date | None
) -> Dataset:
    report = ImportReport(source=titles["en"], rows_read=len(records))
    report.rows_kept = len(records)
    report.organisations = int(records[s.ORG_KEY].nunique()) if len(records) else 0
    return Dataset(records=records, report=report, titles=titles, sources=titles, updated=updated)


def movements(
    shown: Snapshot, dataset: Dataset, lang: str, *, file_name: str, where: DeltaGenerator
) -> Dataset:
    """The changes view's records: what moved between a round and the registry shown, or
    between the registry shown and an uploaded file (what applying it would change)."""
    if dataset is not shown.dataset:
        where.caption(t("changes_file", lang, name=plain(file_name), label=shown.label(lang)))
        titles = {
            code: t("changes_file_title", code, name=file_name, label=shown.label(code))
            for code in LANGUAGES
        }
        moved = movement_records(shown.dataset.records, dataset.records)
        return _movements_dataset(moved, titles, dataset.updated)
    engine = access.engine()
    rounds = state.rounds_frame(engine)
    standing = rounds.loc[~rounds["reverted"].to_numpy()]
    if shown.as_of is not None:
        dates = pd.to_datetime(standing["data_date"], errors="coerce").dt.date
        standing = standing.loc[[d is None or pd.isna(d) or d <= shown.as_of for d in dates]]
    ids = [0, *(int(i) for i in standing["id"])]
    files = dict(zip(standing["id"].astype(int), standing["file_name"], strict=True))
    days = dict(zip(standing["id"].astype(int), standing["data_date"], strict=True))

    def name_of(number: int, code: str) -> str:
        if number == 0:
            return t("changes_since_empty", code)
        day = days.get(number)
        when = day_text(day, code) if isinstance(day, date) else "?"
        return f"R{number} — {files.get(number, '')} ({when})"

    default = ids[-2] if len(ids) > 2 else 0
    if st.session_state.get(SINCE) not in ids:
        st.session_state[SINCE] = default
    since = where.selectbox(
        t("changes_since", lang),
        options=ids,
        format_func=lambda i: plain(name_of(int(i), lang)),
        key=SINCE,
        help=t("changes_since_help", lang),
    )
    url = engine.url.render_as_string(hide_password=False)
    before = _records_after_round(engine, url, committed(engine), int(since))
    if shown.hidden_keys:
        before = before.loc[~before[s.ORG_KEY].isin(shown.hidden_keys)]
    titles = {
        code: t(
            "changes_title_registry",
            code,
            since=name_of(int(since), code),
            label=shown.label(code),
        )
        for code in LANGUAGES
    }
    moved = movement_records(before, shown.dataset.records)
    return _movements_dataset(moved, titles, shown.dataset.updated)
