"""The public request form: an organisation asks to be listed, or to update its entry.

No account. An organisation already listed starts from its public entry; presences are
picked region → cercle → commune from the boundaries. Submitted text is never rendered as
Markdown or HTML: widgets and ``plain`` only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st
from sqlalchemy import Engine

from ngomap import vocab
from ngomap.areas.boundaries import LEVEL, NAME_FR, PARENT, Boundaries
from ngomap.errors import NgomapError
from ngomap.i18n import sector_label, t
from ngomap.registry import feed
from ngomap.registry import requests as rq
from ngomap.registry.accounts import PUBLIC
from ngomap.render import captions
from ngomap.ui.access import client_address, session_id
from ngomap.ui.text import plain

NEW = -1  # the "new organisation" choice
_HIDE_HONEYPOT = "<style>.st-key-request_trap {display: none;}</style>"


def _public_entries(engine: Engine) -> tuple[dict[int, dict[str, Any]], dict[int, list[Any]]]:
    snap = feed.snapshot(engine, role=PUBLIC, listed_only=False)  # a partner may ask too
    entries = {org["id"]: org for org in snap.organisations}
    presences: dict[int, list[Any]] = {}
    for row in snap.presences:
        code = "" if row["national"] else str(row["area_code"] or "")
        presences.setdefault(row["organisation_id"], []).append(
            rq.PresenceAsk(row["sector"], code, row["mode"] or "")
        )
    return entries, presences


def _start_from(
    choice: int, entries: dict[int, dict[str, Any]], known: dict[int, list[Any]]
) -> None:
    """Fill the form from the public entry chosen (or empty it for a new organisation)."""
    if st.session_state.get("request_loaded") == choice:
        return
    entry = entries.get(choice, {})
    contacts = entry.get("contacts_public") or [{}]
    first = contacts[0] if isinstance(contacts[0], dict) else {}
    st.session_state.update(
        request_name=entry.get("name", ""),
        request_acronym=entry.get("acronym", ""),
        request_type=entry.get("org_type", "") or "",
        request_country=entry.get("country", ""),
        request_headquarters=entry.get("headquarters", ""),
        request_website=entry.get("website", ""),
        request_public_email=first.get("email", ""),
        request_public_phone=first.get("phone", ""),
        request_funders=", ".join(entry.get("funders") or []),
        request_presence_list=list(known.get(choice, [])),
        request_loaded=choice,
    )


def _area_name(boundaries: Boundaries, code: str, lang: str) -> str:
    if not code:
        return t("request_nationwide", lang)
    areas = boundaries.areas
    return f"{areas.at[code, NAME_FR]} ({code})" if code in areas.index else code


def _children(boundaries: Boundaries, level: str, parent: str | None) -> list[str]:
    areas = boundaries.areas
    chosen = areas[areas[LEVEL] == level]
    if parent is not None:
        chosen = chosen[chosen[PARENT] == parent]
    return [str(code) for code in chosen.sort_values(NAME_FR).index]


def _area_label(
    boundaries: Boundaries, lang: str, above: str, *, top: bool
) -> Callable[[str], str]:
    def label(code: str) -> str:
        if code == above and not top:
            return t("request_whole", lang, area=_area_name(boundaries, above, lang))
        return _area_name(boundaries, code, lang)

    return label


def _picker(boundaries: Boundaries, lang: str) -> str:
    """Region, then cercle, then commune (each level the boundaries have, in the country's
    words: state, then LGA in Nigeria); the P-code of the
    finest chosen, "" for nationwide. At a lower level, the first choice keeps the whole
    area above."""
    levels = boundaries.levels
    chosen = ""
    columns = st.columns(len(levels))
    for position, level in enumerate(levels):
        options: list[str] = _children(boundaries, level, chosen if position else None)
        if position and not options:
            break
        above = chosen
        options = [above, *options]
        with columns[position]:
            picked = st.selectbox(
                captions.area_word(level, lang, country=boundaries.country),
                options,
                format_func=_area_label(boundaries, lang, above, top=position == 0),
                key=f"request_area_{level}",
            )
        if str(picked) == above:
            break
        chosen = str(picked)
    return chosen


def _presences(boundaries: Boundaries, lang: str) -> list[rq.PresenceAsk]:
    st.subheader(t("request_presences", lang))
    listed: list[rq.PresenceAsk] = st.session_state.setdefault("request_presence_list", [])
    code = _picker(boundaries, lang)
    sectors, modes = vocab.sectors(), vocab.presence_modes()
    left, right = st.columns(2)
    sector = left.selectbox(
        t("request_sector", lang),
        sectors.codes,
        format_func=lambda c: sector_label(c, lang),
        key="request_sector",
    )
    mode = right.selectbox(
        t("request_mode", lang),
        modes.codes,
        format_func=lambda c: modes.label(c, lang),
        key="request_mode",
    )
    if st.button(t("request_add", lang), key="request_add"):
        ask = rq.PresenceAsk(str(sector), code, str(mode))
        listed[:] = [p for p in listed if (p.sector, p.area_code) != (ask.sector, ask.area_code)]
        listed.append(ask)
    if not listed:
        st.caption(t("request_none_yet", lang))
    for number, ask in enumerate(list(listed)):
        line, button = st.columns([5, 1])
        line.text(
            f"{_area_name(boundaries, ask.area_code, lang)} · {sector_label(ask.sector, lang)} · "
            f"{modes.label(ask.mode, lang)}"
        )
        if button.button(t("request_remove", lang), key=f"request_remove_{number}"):
            listed.remove(ask)
            st.rerun()
    return list(listed)


def _status(engine: Engine, lang: str) -> None:
    with st.expander(t("request_status", lang)):
        reference = st.text_input(
            t("request_status_ref", lang), key="request_status_ref", max_chars=20
        )
        if reference.strip():
            try:
                status = rq.public_status(engine, reference)
            except NgomapError as exc:
                st.error(plain(exc.message(lang)))
                return
            st.text(t("request_status_show", lang, status=t(f"status_{status['status']}", lang)))
            if status["note"]:
                st.text(status["note"])


def page(engine: Engine, boundaries: Boundaries, lang: str) -> None:
    """The request form, and on sending the reference number and what happens next."""
    st.title(t("request_title", lang))
    st.caption(t("request_intro", lang))
    sent = st.session_state.get("request_sent")
    if sent:
        st.success(t("request_sent", lang, reference=sent["reference"]))
        st.text(t("request_next", lang, reference=sent["reference"], email=sent["email"]))
    entries, known = _public_entries(engine)
    names = {NEW: t("request_new_org", lang)} | {
        org_id: f"{org['name']} ({org['acronym']})" if org.get("acronym") else str(org["name"])
        for org_id, org in sorted(entries.items(), key=lambda item: str(item[1]["name"]).lower())
    }
    _open_from_link(names)
    choice = int(
        st.selectbox(
            t("request_which", lang), list(names), format_func=names.__getitem__, key="request_org"
        )
    )
    _start_from(choice, entries, known)
    st.subheader(t("request_profile", lang))
    limits = rq.PROFILE_FIELDS
    left, right = st.columns(2)
    left.text_input(t("request_name", lang), key="request_name", max_chars=limits["name"])
    right.text_input(t("request_acronym", lang), key="request_acronym", max_chars=limits["acronym"])
    types = vocab.org_types()
    left.selectbox(
        t("request_type", lang),
        ["", *types.codes],
        format_func=lambda c: types.label(c, lang) if c else "—",
        key="request_type",
    )
    right.text_input(t("request_country", lang), key="request_country", max_chars=limits["country"])
    left.text_input(
        t("request_headquarters", lang),
        key="request_headquarters",
        max_chars=limits["headquarters"],
    )
    right.text_input(t("request_website", lang), key="request_website", max_chars=limits["website"])
    left.text_input(t("request_public_email", lang), key="request_public_email", max_chars=254)
    right.text_input(t("request_public_phone", lang), key="request_public_phone", max_chars=50)
    st.text_input(t("request_funders", lang), key="request_funders", max_chars=limits["funders"])
    presences = _presences(boundaries, lang)
    st.subheader(t("request_contact", lang))
    left, right = st.columns(2)
    left.text_input(t("request_contact_name", lang), key="request_contact_name", max_chars=200)
    right.text_input(t("request_contact_email", lang), key="request_contact_email", max_chars=254)
    left.text_input(t("request_contact_phone", lang), key="request_contact_phone", max_chars=50)
    right.text_input(t("request_contact_role", lang), key="request_contact_role", max_chars=200)
    st.text_area(t("request_message", lang), key="request_message", max_chars=rq.MESSAGE_LIMIT)
    st.html(_HIDE_HONEYPOT)  # a constant: no user text
    with st.container(key="request_trap"):
        st.text_input(t("request_honeypot", lang), key="request_honeypot")
    if st.button(t("request_send", lang), type="primary", key="request_send"):
        _send(engine, boundaries, lang, choice, entries, presences)
    _status(engine, lang)


def _open_from_link(names: dict[int, str]) -> None:
    """A reminder's link (?page=request&org=12) opens the form on that entry, once."""
    raw = st.session_state.pop("_url_org", None)
    try:
        wanted = int(str(raw))
    except ValueError:
        return
    if wanted in names and wanted != NEW:
        st.session_state["request_org"] = wanted


def _send(
    engine: Engine,
    boundaries: Boundaries,
    lang: str,
    choice: int,
    entries: dict[int, dict[str, Any]],
    presences: list[rq.PresenceAsk],
) -> None:
    state = st.session_state
    public = {
        k: v
        for k, v in (
            ("email", state["request_public_email"]),
            ("phone", state["request_public_phone"]),
        )
        if str(v).strip()
    }
    form = rq.RequestForm(
        profile={
            "name": state["request_name"],
            "acronym": state["request_acronym"],
            "org_type": state["request_type"],
            "country": state["request_country"],
            "headquarters": state["request_headquarters"],
            "website": state["request_website"],
            "contacts_public": [public] if public else [],
            "funders": [f for f in str(state["request_funders"]).split(",") if f.strip()],
        },
        presences=presences,
        contact={
            "name": state["request_contact_name"],
            "email": state["request_contact_email"],
            "phone": state["request_contact_phone"],
            "role": state["request_contact_role"],
        },
        message=state["request_message"],
        language=lang,
        organisation_id=None if choice == NEW else choice,
        based_on_version=None if choice == NEW else entries[choice].get("version"),
    )
    try:
        sent = rq.submit(
            engine,
            form,
            session=session_id(),
            address=client_address(),
            honeypot=str(state.get("request_honeypot", "")),
            areas=boundaries.areas.drop(columns="geometry"),
        )
    except NgomapError as exc:
        st.error(plain(exc.message(lang)))
        return
    state["request_sent"] = {"reference": sent.reference, "email": form.contact["email"]}
    st.success(t("request_sent", lang, reference=sent.reference))
    st.text(t("request_next", lang, reference=sent.reference, email=form.contact["email"]))
