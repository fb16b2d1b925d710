"""The validators' review queue: each request side by side with the current entry, decided.

Only a validator (or admin) reaches it; the check is made here again, not only by hiding
the page. Submitted text is shown in tables and ``st.text``, never as Markdown or HTML.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from ngomap import vocab
from ngomap.errors import NgomapError
from ngomap.i18n import sector_label, t
from ngomap.registry import accounts as ac
from ngomap.registry import requests as rq
from ngomap.registry.access_models import APPROVED, NEEDS_INFO, REJECTED
from ngomap.ui.access import Person
from ngomap.ui.text import plain

_CHANGED = "background-color: #fff3b0; font-weight: 600"


def _shown(value: Any) -> str:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def side_by_side(diff: rq.Difference, lang: str) -> pd.DataFrame:
    """The profile fields: current entry and request, one row per field."""
    return pd.DataFrame(
        {
            t("review_field", lang): [f.field for f in diff.fields],
            t("review_current", lang): [_shown(f.current) for f in diff.fields],
            t("review_requested", lang): [_shown(f.requested) for f in diff.fields],
        }
    )


def _presence_table(asks: list[rq.PresenceAsk], lang: str) -> pd.DataFrame:
    modes = vocab.presence_modes()
    return pd.DataFrame(
        {
            t("request_sector", lang): [sector_label(a.sector, lang) for a in asks],
            t("col_area_name", lang): [a.area_code or t("request_nationwide", lang) for a in asks],
            t("request_mode", lang): [modes.label(a.mode, lang) for a in asks],
        }
    )


def page(engine: Engine, someone: Person, lang: str) -> None:
    """The queue, one request's difference, and the decision."""
    st.title(t("review_title", lang))
    if not someone.may("review"):
        st.error(
            t(
                "not_allowed",
                lang,
                role=t(f"role_{someone.role}", lang) if someone.role in ac.ROLES else someone.role,
            )
        )
        return
    done = st.session_state.pop("review_done", None)
    if done:
        st.success(plain(done))
    queued = rq.queue(engine)
    if queued.empty:
        st.info(t("review_empty", lang))
        return
    overdue = int(queued["overdue"].sum())
    if overdue:
        st.warning(t("review_overdue", lang, n=overdue, days=rq.OVERDUE_DAYS))
    st.dataframe(queued.drop(columns=["organisation_id"]), hide_index=True)
    references = list(queued["reference"])
    labels = dict(zip(references, queued["organisation"], strict=True))
    reference = st.selectbox(
        t("review_choose", lang),
        references,
        format_func=lambda r: f"{r} · {labels[r]}",
        key="review_reference",
    )
    sources = rq.list_sources(engine)
    source = str(
        st.selectbox(t("review_list", lang), sources, key="review_list")
        if len(sources) > 1
        else sources[0]
    )
    diff = rq.difference(engine, str(reference), list_source=source)
    if diff.changed_since_sent:
        st.warning(t("review_edited_since", lang))
    st.subheader(t("review_side", lang))
    table = side_by_side(diff, lang)
    changed = [f.changed for f in diff.fields]
    st.dataframe(
        table.style.apply(lambda row: [_CHANGED if changed[row.name] else "" for _ in row], axis=1),
        hide_index=True,
    )
    for key, asks in (
        ("review_added", diff.added),
        ("review_withdrawn", diff.withdrawn),
        ("review_mode_changed", [after for _, after in diff.mode_changed]),
    ):
        if asks:
            st.caption(t(key, lang))
            st.dataframe(_presence_table(asks, lang), hide_index=True)
    kept = rq.get(engine, str(reference))
    with st.expander(t("review_contact", lang)):
        st.text("\n".join(f"{k}: {v}" for k, v in kept["contact"].items() if v))
        if kept["message"]:
            st.text(kept["message"])
    note = st.text_area(
        t("review_note", lang), key=f"review_note_{reference}", max_chars=rq.NOTE_LIMIT
    )
    approve, ask, reject = st.columns(3)
    decision = None
    if approve.button(t("review_approve", lang), type="primary", key="review_approve"):
        decision = APPROVED
    if ask.button(t("review_needs_info", lang), key="review_needs_info"):
        decision = NEEDS_INFO
    if reject.button(t("review_reject", lang), key="review_reject"):
        decision = REJECTED
    if decision is None:
        return
    try:
        rq.decide(
            engine,
            str(reference),
            status=decision,
            by=someone.who or "local",
            note=note,
            list_source=source,
        )
    except NgomapError as exc:
        st.error(plain(exc.message(lang)))
        return
    st.session_state["review_done"] = t(
        "review_done", lang, reference=reference, status=t(f"status_{decision}", lang)
    )
    st.rerun()
