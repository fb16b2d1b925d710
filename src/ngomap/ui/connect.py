"""The "who to meet" section: an organisation's page, its ranked contacts with reasons, and a
drafted introduction (mailto: link and .eml download)."""

from __future__ import annotations

from datetime import date
from typing import Final

import pandas as pd
import streamlit as st

from ngomap import analysis as a
from ngomap import connect as c
from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.brief import organisation_map_png
from ngomap.i18n import LANGUAGE_NAMES, LANGUAGES, sector_label, t
from ngomap.introduce import RecordContacts, draft
from ngomap.ui.text import plain
from ngomap.ui.views import _HASH

_LOG: Final = "connect_log"  # this session's introductions (the registry keeps them later)
MEET_SHOWN: Final = 25


@st.cache_data(show_spinner=False, hash_funcs=_HASH, max_entries=32)
def _suggestions(records: pd.DataFrame, boundaries: Boundaries, org_key: str) -> list[c.Suggestion]:
    return c.meet(records, boundaries, c.focus_of(records, org_key), limit=MEET_SHOWN)


@st.cache_data(show_spinner=False, hash_funcs=_HASH, max_entries=32)
def _map(records: pd.DataFrame, boundaries: Boundaries, org_key: str, lang: str) -> bytes | None:
    return organisation_map_png(records, boundaries, org_key, lang)


def _log() -> c.MemoryIntroductions:
    if _LOG not in st.session_state:
        st.session_state[_LOG] = c.MemoryIntroductions()
    log: c.MemoryIntroductions = st.session_state[_LOG]
    return log


def _values(own: pd.DataFrame, column: str) -> list[str]:
    if column not in own:
        return []
    return sorted({n for v in own[column].dropna() for n in c.split_names(v)}, key=str.casefold)


def profile(records: pd.DataFrame, boundaries: Boundaries, org_key: str, lang: str) -> None:
    """Who the organisation is, where and in which sectors it works, partners, funders."""
    own = records.loc[records[s.ORG_KEY] == org_key]
    if own.empty:
        return
    name = str(own[s.ORG_NAME].iloc[0])
    acronyms = _values(own, s.ORG_ACRONYM)
    st.subheader(plain(name + (f" ({', '.join(acronyms)})" if acronyms else "")))
    rows = [
        (t("connect_org_type", lang), ", ".join(_values(own, s.ORG_TYPE))),
        (t("connect_presence", lang), ", ".join(_values(own, s.PRESENCE))),
        (
            t("sectors", lang),
            ", ".join(sector_label(str(x), lang) for x in sorted(set(own[s.SECTOR].dropna()))),
        ),
        (
            t("areas", lang),
            ", ".join(
                sorted(
                    {boundaries.name(str(x), lang) for x in own[s.AREA_CODE].dropna()},
                    key=str.casefold,
                )
            ),
        ),
        (t("connect_partners", lang), ", ".join(_values(own, s.PARTNER))),
        (t("connect_funders", lang), ", ".join(_values(own, s.FUNDER))),
    ]
    text_column, map_column = st.columns([1, 1])
    with text_column:
        st.dataframe(
            pd.DataFrame(
                {"": [r[0] for r in rows], " ": [r[1] or "—" for r in rows]},
            ),
            hide_index=True,
            width="stretch",
        )
        if s.NATIONAL in own and own[s.NATIONAL].fillna(False).astype(bool).any():
            st.caption(t("connect_nationwide", lang))
    with map_column:
        png = _map(records, boundaries, org_key, lang)
        if png is not None:
            st.image(png, caption=t("connect_map_caption", lang))


def section(records: pd.DataFrame, boundaries: Boundaries, lang: str) -> None:
    """Pick an organisation: its page, who to meet and why, and an introduction to send."""
    st.header(t("connect_title", lang))
    names = a.organisation_names(records)
    org_key = st.selectbox(
        t("connect_pick", lang),
        ["", *names],
        format_func=lambda k: names.get(k, "—") if k else "—",
        key="connect_org",
    )
    if not org_key or org_key not in names:
        st.caption(t("connect_hint", lang))
        return
    profile(records, boundaries, org_key, lang)
    found = _suggestions(records, boundaries, org_key)
    st.subheader(t("connect_meet", lang))
    if not found:
        st.info(t("connect_none", lang))
        return
    log = _log()
    marked = [log.between(org_key, x.org_key) for x in found]
    st.dataframe(
        pd.DataFrame(
            {
                t("org_b", lang): [x.org_name for x in found],
                t("connect_score", lang): [x.score for x in found],
                t("connect_reasons", lang): [" · ".join(x.texts(boundaries, lang)) for x in found],
                t("connect_introduced", lang): [m.when.isoformat() if m else "" for m in marked],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    keys = [x.org_key for x in found]
    other = st.selectbox(
        t("connect_pair", lang), keys, format_func=lambda k: names.get(k, k), key="connect_other"
    )
    chosen = next((x for x in found if x.org_key == other), found[0])
    introduction(records, boundaries, org_key, chosen, names, lang)


def introduction(
    records: pd.DataFrame,
    boundaries: Boundaries,
    org_key: str,
    chosen: c.Suggestion,
    names: dict[str, str],
    lang: str,
) -> None:
    """Both contacts, the drafted message, the mailto: link and the .eml download."""
    book = RecordContacts(records)
    message_lang = st.radio(
        t("connect_message_lang", lang),
        LANGUAGES,
        index=LANGUAGES.index(lang),
        format_func=LANGUAGE_NAMES.__getitem__,
        horizontal=True,
        key="connect_message_lang",
    )
    signature = st.text_input(t("connect_signature", lang), key="connect_signature")
    note = draft(
        names[org_key],
        chosen.org_name,
        chosen,
        boundaries,
        contacts_a=book.public_contacts(org_key),
        contacts_b=book.public_contacts(chosen.org_key),
        signature=signature,
        lang=message_lang,
    )
    st.text_input(t("connect_subject", lang), note.subject, disabled=True)
    st.code(note.body, language=None, wrap_lines=True)
    if not note.to:
        st.caption(t("connect_no_address", lang))
    links = st.columns(3)
    links[0].link_button(t("connect_mailto", lang), note.mailto())
    links[1].download_button(
        t("connect_eml", lang),
        data=note.eml(),
        file_name="mise-en-relation.eml" if message_lang == "fr" else "introduction.eml",
        mime="message/rfc822",
        key="connect_eml",
    )
    if links[2].button(t("connect_mark", lang), key="connect_mark"):
        _log().add(c.Introduction(org_key, chosen.org_key, date.today()))
        st.rerun()
