"""Import as a round, on the page: how the uploaded file compares with the registry (with the
partners and funders it adds), apply it, and revert any round.

Shown in the import tab under the file's report, to those who may import
(``access.allowed("import")``). Comparing writes nothing; "Appliquer ce round" keeps the file
as a round of the chosen list in one transaction (``rounds.apply_round``), after which the
map shows the registry's new state. The rounds table lists every round; any one still in
force can be reverted whole, the later changes touching the same facts named first
(``revert_panel``).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from ngomap.areas.boundaries import Boundaries
from ngomap.errors import NgomapError
from ngomap.i18n import sector_label, t
from ngomap.importer.threew import Dataset
from ngomap.registry import compare as c
from ngomap.registry import reverting, state, statecache
from ngomap.registry.rounds import (
    DEFAULT_SOURCE,
    RoundInfo,
    apply_round,
    compare_file,
    current_user,
)
from ngomap.registry.snapshot import Snapshot
from ngomap.ui import access, registry_data, revert_panel
from ngomap.ui.text import plain

_DONE: Final = "_rounds_done"  # the message of the last apply or revert, shown once
_SOURCE: Final = "round_source"
_ORIGIN: Final = "round_origin"  # the list's country of origin (facultative)
_PERIOD: Final = "round_period"


@st.cache_resource(show_spinner=False, max_entries=4)
def _comparison(
    _engine: Engine,
    _records: pd.DataFrame,
    url: str,
    fingerprint: str,
    committed: statecache.Token,
    list_source: str,
    decisions: tuple[tuple[str, int | None], ...],
) -> c.Comparison:
    """The file compared with the registry, once per file, registry state, list and choice.

    The registry state is the committed one (``registry_data.committed``: changesets' count,
    newest id and time), not the newest id alone, which a late commit of a lower id on
    PostgreSQL leaves unchanged."""
    return compare_file(_engine, _records, list_source=list_source, decisions=dict(decisions))


def _who() -> str:
    someone = st.session_state.get("person")
    who = getattr(someone, "who", "")
    return str(who) if who and who != "local" else current_user()


def _area_name(code: str, boundaries: Boundaries, lang: str) -> str:
    if code == c.NATIONWIDE:
        return t("round_nationwide", lang)
    if code in boundaries.areas.index:
        return boundaries.display_name(code, lang)
    return code


def _counts(comparison: c.Comparison, lang: str) -> None:
    columns = st.columns(4)
    columns[0].metric(t("round_orgs_new", lang), len(comparison.organisations_new))
    columns[1].metric(t("round_orgs_absent", lang), len(comparison.organisations_absent))
    columns[2].metric(t("round_presences_new", lang), comparison.presences_new)
    columns[3].metric(t("round_presences_withdrawn", lang), comparison.presences_withdrawn)
    st.caption(
        t(
            "round_presences_rest",
            lang,
            changed=comparison.presences_changed,
            updated=comparison.presences_updated,
            unchanged=comparison.presences_unchanged,
        )
    )


def _names(title: str, names: list[str]) -> None:
    if names:
        with st.expander(f"{title} ({len(names)})"):
            st.markdown(plain(", ".join(names)))


def _decisions(comparison: c.Comparison, lang: str) -> tuple[tuple[str, int | None], ...]:
    """For each organisation of the file that looks like a known one: the same, or a new one."""
    chosen: list[tuple[str, int | None]] = []
    if not comparison.organisations_ambiguous:
        return ()
    st.markdown(f"**{t('round_ambiguous', lang, n=len(comparison.organisations_ambiguous))}**")
    for ambiguity in comparison.organisations_ambiguous:
        words = {"": t("round_new_org", lang)}
        for cand in ambiguity.candidates:
            words[str(cand.organisation_id)] = t(
                f"round_same_as_{cand.why}", lang, name=cand.name, score=round(cand.score)
            )
        picked = st.selectbox(
            plain(ambiguity.name),
            options=list(words),
            format_func=words.__getitem__,
            key=f"round_same::{ambiguity.key}",
        )
        chosen.append((ambiguity.key, int(picked) if picked else None))
    return tuple(chosen)


def _by_area(comparison: c.Comparison, boundaries: Boundaries, lang: str) -> None:
    table = comparison.by_area
    if table.empty:
        return
    shown = pd.DataFrame(
        {
            t("col_area_name", lang): [_area_name(str(v), boundaries, lang) for v in table[c.AREA]],
            t("sector", lang): [sector_label(str(v), lang) for v in table[c.SECTOR]],
            t("round_arrivals", lang): table["arrivals"].to_numpy(),
            t("round_departures", lang): table["departures"].to_numpy(),
        }
    )
    st.markdown(f"**{t('round_by_area', lang)}**")
    st.dataframe(shown, hide_index=True, width="stretch")


def _changed(comparison: c.Comparison, lang: str) -> None:
    if not comparison.organisations_changed:
        return
    with st.expander(t("round_orgs_changed", lang, n=len(comparison.organisations_changed))):
        frame = pd.DataFrame(
            {
                t("org_a", lang): [ch.name for ch in comparison.organisations_changed],
                t("round_field", lang): [
                    t(f"field_{ch.field}", lang) for ch in comparison.organisations_changed
                ],
                t("round_before", lang): [ch.before for ch in comparison.organisations_changed],
                t("round_after", lang): [ch.after for ch in comparison.organisations_changed],
            }
        )
        st.dataframe(frame, hide_index=True, width="stretch")


def _links(comparison: c.Comparison, lang: str) -> None:
    """Partners and funders each organisation gains or loses, with the counts."""
    if not comparison.links_changed:
        return
    counts = comparison.link_counts()
    title = t("round_links", lang, **counts)
    with st.expander(title):
        frame = pd.DataFrame(
            {
                t("org_a", lang): [ch.name for ch in comparison.links_changed],
                t("round_links_kind", lang): [
                    t(f"round_links_{ch.kind}", lang) for ch in comparison.links_changed
                ],
                t("round_links_added", lang): [
                    ", ".join(ch.added) for ch in comparison.links_changed
                ],
                t("round_links_removed", lang): [
                    ", ".join(ch.removed) for ch in comparison.links_changed
                ],
            }
        )
        st.dataframe(frame, hide_index=True, width="stretch")
        st.caption(t("round_links_help", lang))


def _period(lang: str) -> tuple[date | None, date | None]:
    picked: Any = st.date_input(
        t("round_period", lang),
        value=[],
        key=_PERIOD,
        help=t("round_period_help", lang),
        format="DD/MM/YYYY" if lang == "fr" else "YYYY-MM-DD",
    )
    if isinstance(picked, tuple | list) and len(picked) == 2:
        return picked[0], picked[1]
    return None, None


def _apply(
    engine: Engine,
    dataset: Dataset,
    info: RoundInfo,
    decisions: tuple[tuple[str, int | None], ...],
    lang: str,
) -> None:
    try:
        done = apply_round(engine, dataset.records, info, decisions=dict(decisions))
    except NgomapError as error:
        st.error(plain(error.message(lang)))
        return
    st.session_state[_DONE] = t(
        "round_applied",
        lang,
        round=done.round,
        name=info.file_name,
        new=done.presences_new,
        withdrawn=done.presences_withdrawn,
    )
    registry_data.show_registry_now()  # the map shows the new state
    st.rerun()


def compare_and_apply(
    shown: Snapshot,
    uploaded: Dataset,
    boundaries: Boundaries,
    lang: str,
    *,
    upload: dict[str, Any] | None,
) -> None:
    """The uploaded file against the registry, and the button that applies it as a round."""
    if upload is None or uploaded is shown.dataset:
        return
    st.subheader(t("round_title", lang))
    if not access.allowed("import"):
        st.caption(t("round_not_allowed", lang))
        return
    engine = access.engine()
    name, data = str(upload["name"]), bytes(upload["data"])
    left, right = st.columns(2)
    list_source = (
        left.text_input(
            t("round_source", lang),
            value=DEFAULT_SOURCE,
            key=_SOURCE,
            help=t("round_source_help", lang),
            max_chars=200,
        ).strip()
        or DEFAULT_SOURCE
    )
    origin = left.text_input(
        t("round_origin", lang),
        key=_ORIGIN,
        help=t("round_origin_help", lang),
        max_chars=100,
    ).strip()
    with right:
        period = _period(lang)
    committed = registry_data.committed(engine)  # the registry now, whatever is shown
    url = engine.url.render_as_string(hide_password=False)
    try:
        # The ambiguous organisations come from the comparison without decisions, so that
        # each keeps its choice once made (a matched one is no longer ambiguous).
        first = _comparison(
            engine, uploaded.records, url, uploaded.fingerprint, committed, list_source, ()
        )
        above = st.container()
        decisions = _decisions(first, lang)
        same = tuple((key, value) for key, value in decisions if value is not None)
        comparison = (
            _comparison(
                engine, uploaded.records, url, uploaded.fingerprint, committed, list_source, same
            )
            if same
            else first
        )
    except NgomapError as error:
        st.error(plain(error.message(lang)))
        return
    with above:
        st.caption(t("round_compared_with", lang, list=list_source))
        _counts(comparison, lang)
        _names(t("round_orgs_new", lang), comparison.organisations_new)
        _names(t("round_orgs_absent", lang), comparison.organisations_absent)
        _changed(comparison, lang)
        _links(comparison, lang)
        _by_area(comparison, boundaries, lang)
    info = RoundInfo.of_bytes(
        data,
        name,
        source=list_source,
        data_date=uploaded.updated,
        by=_who(),
        rows_read=uploaded.report.rows_read,
        period=period,
        origin=origin,
    )
    when = uploaded.updated.isoformat() if uploaded.updated else t("unknown_date", lang)
    st.caption(t("round_apply_help", lang, date=when, list=list_source))
    if st.button(t("round_apply", lang), key="round_apply", type="primary"):
        _apply(engine, uploaded, info, decisions, lang)


def history(lang: str) -> None:
    """Every round, newest first, and the revert of the last one still in force (staff only:
    the list names who imported each file)."""
    if not access.allowed("history"):
        return
    engine = access.engine()
    rounds = state.rounds_frame(engine)
    st.subheader(t("rounds_title", lang))
    if rounds.empty:
        st.caption(t("rounds_none", lang))
        return
    shown = pd.DataFrame(
        {
            t("rounds_id", lang): [f"R{i}" for i in rounds["id"]],
            t("rounds_file", lang): rounds["file_name"],
            t("round_source", lang): rounds["source"],
            t("rounds_date", lang): rounds["data_date"].astype(str),
            t("rounds_by", lang): rounds["imported_by"],
            t("rounds_rows", lang): rounds["rows_kept"],
            t("rounds_reverted", lang): [
                t("yes", lang) if r else "" for r in rounds["reverted"].to_numpy()
            ],
        }
    ).iloc[::-1]
    st.dataframe(shown, hide_index=True, width="stretch")
    if not access.allowed("revert"):
        return
    _revert_any(engine, rounds, lang)


def _revert_any(engine: Engine, rounds: pd.DataFrame, lang: str) -> None:
    """Any round in force (the newest first) can be reverted; the later changes that touched
    the same facts are named first, and reverted too only by choice."""
    standing = rounds.loc[~rounds["reverted"]].iloc[::-1]
    if standing.empty:
        return
    names = {
        int(i): t("rounds_pick_label", lang, round=int(i), name=str(n), date=str(d))
        for i, n, d in zip(
            standing["id"], standing["file_name"], standing["data_date"].astype(str), strict=True
        )
    }
    picked = st.selectbox(
        t("rounds_pick", lang),
        list(names),
        format_func=names.__getitem__,
        key=f"round_revert_pick_{int(standing['id'].iloc[0])}",  # the newest first, anew
        help=t("rounds_pick_help", lang),
    )
    if picked is None:
        return
    revert_panel.offer(
        engine,
        lang,
        key="round_revert",
        who=_who(),
        changeset=reverting.round_changeset(engine, int(picked)),
    )


def section(
    shown: Snapshot,
    uploaded: Dataset,
    boundaries: Boundaries,
    lang: str,
    *,
    upload: dict[str, Any] | None,
    with_history: bool = True,
) -> None:
    """The import tab's registry part: the comparison and apply, then the rounds (when
    ``with_history``: the tab is open)."""
    done = st.session_state.pop(_DONE, None)  # the last apply or revert, said once
    if done:
        st.success(plain(str(done)))
    revert_panel.done_message()
    compare_and_apply(shown, uploaded, boundaries, lang, upload=upload)
    if with_history:
        history(lang)
