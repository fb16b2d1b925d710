"""The "who to meet" section: an organisation's page, its ranked contacts with reasons, and a
drafted introduction (mailto: link and .eml download)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Final

import pandas as pd
import streamlit as st

from ngomap import analysis as a
from ngomap import schema as s
from ngomap import vocab
from ngomap.advise import connect as c
from ngomap.advise.introduce import Contact, RecordContacts, draft
from ngomap.advise.log import Party, RegistryIntroductions
from ngomap.advise.project import Project, read_project
from ngomap.areas.boundaries import Boundaries
from ngomap.errors import NgomapError
from ngomap.i18n import LANGUAGE_NAMES, LANGUAGES, sector_label, t
from ngomap.importer.threew import Dataset
from ngomap.normalise import split_names
from ngomap.render import captions
from ngomap.ui import access, advise_panels
from ngomap.ui.folded import folded
from ngomap.ui.text import plain
from ngomap.ui.views import _HASH

MEET_SHOWN: Final = 25
BRIEF_OPEN: Final = "brief_open"  # the project brief's expander: open or not (closed at first)


@st.cache_data(show_spinner=False, hash_funcs=_HASH, max_entries=32)
def _suggestions(records: pd.DataFrame, boundaries: Boundaries, org_key: str) -> list[c.Suggestion]:
    return c.meet(records, boundaries, c.focus_of(records, org_key), limit=MEET_SHOWN)


@st.cache_data(show_spinner=False, hash_funcs=_HASH, max_entries=32)
def _map(records: pd.DataFrame, boundaries: Boundaries, org_key: str, lang: str) -> bytes | None:
    from ngomap.advise.brief import organisation_map_png  # matplotlib: on demand

    return organisation_map_png(records, boundaries, org_key, lang)


def _values(own: pd.DataFrame, column: str) -> list[str]:
    if column not in own:
        return []
    return sorted({n for v in own[column].dropna() for n in split_names(v)}, key=str.casefold)


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
    advise_panels.entry(access.engine(), org_key, access.current(), lang)


def section(
    dataset: Dataset,
    boundaries: Boundaries,
    lang: str,
    population: Mapping[str, float] | None = None,
) -> None:
    """Who to meet (an organisation's page, its contacts, an introduction), the brief on a
    proposed project, subscriptions to arrivals and departures, reminders (staff). A round
    newer than the last digests has its digests made and sent first."""
    st.header(t("connect_title", lang))
    registry = access.engine()
    advise_panels.after_round(registry, boundaries, lang)
    who_to_meet(dataset.records, boundaries, lang)
    brief_panel(
        dataset.records,
        boundaries,
        lang,
        population,
        dataset.source(lang) or dataset.title(lang),
    )
    advise_panels.subscriptions_panel(registry, boundaries, lang)
    advise_panels.reminders_panel(registry, lang)


def who_to_meet(records: pd.DataFrame, boundaries: Boundaries, lang: str) -> None:
    """Pick an organisation: its page, who to meet and why, and an introduction to send."""
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
    columns = {
        t("org_b", lang): [x.org_name for x in found],
        t("connect_score", lang): [x.score for x in found],
        t("connect_reasons", lang): [" · ".join(x.texts(boundaries, lang)) for x in found],
    }
    if access.allowed("edit"):  # the log is the staff's
        book = RegistryIntroductions.load(access.engine(), org_key)
        marked = [book.between(org_key, x.org_key) for x in found]
        columns[t("connect_introduced", lang)] = [m.when.isoformat() if m else "" for m in marked]
    st.dataframe(pd.DataFrame(columns), hide_index=True, width="stretch")
    keys = [x.org_key for x in found]
    other = st.selectbox(
        t("connect_pair", lang), keys, format_func=lambda k: names.get(k, k), key="connect_other"
    )
    chosen = next((x for x in found if x.org_key == other), found[0])
    introduction(records, boundaries, org_key, chosen, names, lang)
    advise_panels.log_panel(access.engine(), org_key, lang)


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
    registry, someone = access.engine(), access.current()
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
        contacts_a=_merged(
            book.public_contacts(org_key),
            advise_panels.registry_contacts(registry, org_key, someone),
        ),
        contacts_b=_merged(
            book.public_contacts(chosen.org_key),
            advise_panels.registry_contacts(registry, chosen.org_key, someone),
        ),
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
    if someone.may("edit") and links[2].button(t("connect_mark", lang), key="connect_mark"):
        advise_panels.mark(
            registry,
            Party(org_key, names[org_key]),
            Party(chosen.org_key, chosen.org_name),
            lang,
        )


def _merged(*groups: list[Contact]) -> list[Contact]:
    found: list[Contact] = []
    for group in groups:
        found += [contact for contact in group if contact not in found]
    return found


@st.cache_data(show_spinner=False, hash_funcs=_HASH, max_entries=8)
def _brief_bytes(
    project: Project,
    records: pd.DataFrame,
    boundaries: Boundaries,
    population: Mapping[str, float] | None,
    source: str,
    lang: str,
) -> bytes:
    from ngomap.advise.brief import brief_pdf, build_brief  # matplotlib: on demand

    content = build_brief(
        project, records, boundaries, population=population, data_source=source, lang=lang
    )
    return brief_pdf(content, boundaries)


def _form_project(boundaries: Boundaries, lang: str) -> Project | None:
    """A project typed in the form, or None until it is sent."""
    codes = [str(code) for code in boundaries.areas.index]
    with st.form("brief_form"):
        organisation = st.text_input(t("brief_form_org", lang))
        title = st.text_input(t("brief_form_title", lang))
        sectors = st.multiselect(
            t("sectors", lang),
            vocab.sectors().codes,
            format_func=lambda code: sector_label(code, lang),
            key="brief_sectors",
        )
        zones = st.multiselect(
            t(
                "brief_form_zones",
                lang,
                levels=captions.levels_in_words(
                    boundaries.levels, lang, country=boundaries.country
                ),
            ),
            codes,
            format_func=lambda code: f"{boundaries.name(code, lang)} ({code})",
            key="brief_zones",
        )
        columns = st.columns(4)
        start = columns[0].date_input(t("brief_form_start", lang), value=None)
        end = columns[1].date_input(t("brief_form_end", lang), value=None)
        budget = columns[2].number_input(t("brief_form_budget", lang), min_value=0.0, value=0.0)
        funder = columns[3].text_input(t("brief_form_funder", lang))
        sent = st.form_submit_button(t("brief_form_make", lang))
    if not sent:
        return None
    if not organisation.strip() or not sectors or not zones:
        st.error(t("brief_form_missing", lang))
        return None
    return Project(
        organisation=organisation.strip(),
        sectors=tuple(sectors),
        zones=tuple(zones),
        title=title.strip(),
        start=start if isinstance(start, date) else None,
        end=end if isinstance(end, date) else None,
        budget=budget or None,
        currency="EUR" if budget else "",
        funder=funder.strip(),
    )


def brief_panel(
    records: pd.DataFrame,
    boundaries: Boundaries,
    lang: str,
    population: Mapping[str, float] | None,
    source: str,
) -> None:
    """A proposed project, uploaded as a one-row sheet or typed in: its one-page PDF brief
    (in an expander, sent only while open)."""
    box = folded(t("brief_panel", lang), BRIEF_OPEN)
    if box is None:
        return
    with box:
        st.caption(t("brief_panel_help", lang))
        upload = st.file_uploader(t("brief_upload", lang), type=["csv", "xlsx"], key="brief_upload")
        project: Project | None = None
        if upload is not None:
            try:
                project = read_project(upload.getvalue(), upload.name, boundaries)
            except NgomapError as exc:
                st.error(plain(exc.message(lang)))
                return
        else:
            project = _form_project(boundaries, lang)
        if project is None:
            return
        with st.spinner(t("brief_making", lang)):
            pdf = _brief_bytes(project, records, boundaries, population, source, lang)
        st.success(t("brief_ready", lang, project=plain(project.title or project.organisation)))
        st.download_button(
            t("brief_download", lang),
            data=pdf,
            file_name="note-projet.pdf" if lang == "fr" else "project-brief.pdf",
            mime="application/pdf",
            key="brief_download",
        )
