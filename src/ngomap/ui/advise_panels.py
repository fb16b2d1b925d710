"""The registry's part of "who to meet": an organisation's entry (as the viewer's role
allows), the introduction log, subscriptions to arrivals and departures with their
digests, and reminders to confirm an entry. User text goes through widgets and ``plain``.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any, Final

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from ngomap import vocab
from ngomap.advise import log, profile, reminders, subscribe
from ngomap.advise.introduce import Contact, one_line, plain_address
from ngomap.advise.notify import SmtpSettings, Subscription
from ngomap.areas.boundaries import Boundaries
from ngomap.errors import NgomapError
from ngomap.i18n import sector_label, t
from ngomap.messages import Msg, pair
from ngomap.registry import accounts as ac
from ngomap.render import captions
from ngomap.ui import access
from ngomap.ui.folded import folded
from ngomap.ui.text import plain

PUBLIC_URL_ENV: Final = "NGOMAP_PUBLIC_URL"  # the page's public address, for reminder links
SUBSCRIPTIONS_OPEN: Final = "subscriptions_open"  # expanders: open or not (closed at first)
REMINDERS_OPEN: Final = "reminders_open"


def _who(someone: access.Person) -> str:
    return someone.who or "local"


def _contacts(value: Any) -> str:
    found = []
    for contact in value or []:
        if isinstance(contact, dict):
            found.append(
                Contact(
                    one_line(contact.get("name", "")),
                    plain_address(contact.get("email", "")) or "",
                    one_line(contact.get("phone", "")),
                ).text()
            )
    return "; ".join(f for f in found if f)


def entry(engine: Engine, org_key: str, someone: access.Person, lang: str) -> None:
    """The organisation's entry in the registry: fields its viewer may see, partners, last
    confirmed, a summary of its history and its latest events."""
    org_id = profile.find_by_key(engine, org_key)
    if org_id is None:
        st.caption(t("advise_not_listed", lang))
        return
    found = profile.entry(engine, org_id, role=someone.role)
    values = found.fields
    rows = [
        (t("advise_country", lang), one_line(values.get("country") or "")),
        (t("advise_headquarters", lang), one_line(values.get("headquarters") or "")),
        (t("advise_website", lang), one_line(values.get("website") or "")),
        (t("advise_contacts_public", lang), _contacts(values.get("contacts_public"))),
    ]
    if "contacts_staff" in values:
        rows.append((t("advise_contacts_staff", lang), _contacts(values["contacts_staff"])))
    rows += [
        (t("connect_funders", lang), ", ".join(one_line(f) for f in values.get("funders") or [])),
        (t("connect_partners", lang), ", ".join(found.partners)),
        (
            t("advise_last_confirmed", lang),
            values["last_confirmed"].isoformat() if values.get("last_confirmed") else "—",
        ),
    ]
    st.dataframe(
        pd.DataFrame({"": [r[0] for r in rows], " ": [r[1] or "—" for r in rows]}),
        hide_index=True,
        width="stretch",
        key="advise_entry",
    )
    since = found.listed_since.isoformat() if found.listed_since else "—"
    st.caption(
        t(
            "advise_history_summary",
            lang,
            since=since,
            rounds=found.rounds,
            added=found.added,
            withdrawn=found.withdrawn,
            edits=found.edits,
            requests=found.requests,
        )
    )
    with st.expander(t("advise_history_latest", lang)):
        st.dataframe(found.latest.astype(str), hide_index=True, width="stretch")


def registry_contacts(engine: Engine, org_key: str, someone: access.Person) -> list[Contact]:
    """The organisation's contacts in the registry that this person may see: public ones,
    and staff-only ones for staff."""
    org_id = profile.find_by_key(engine, org_key)
    if org_id is None:
        return []
    values = profile.entry(engine, org_id, role=someone.role).fields
    found: list[Contact] = []
    for field in ("contacts_public", "contacts_staff"):
        for contact in values.get(field) or []:
            if not isinstance(contact, dict):
                continue
            item = Contact(
                one_line(contact.get("name", "")),
                plain_address(contact.get("email", "")) or "",
                one_line(contact.get("phone", "")),
            )
            if (item.name or item.email or item.phone) and item not in found:
                found.append(item)
    return found


def mark(engine: Engine, first: log.Party, second: log.Party, lang: str) -> None:
    """Keep an introduction in the registry's log (staff only)."""
    someone = access.current()
    if not someone.may("edit"):
        st.error(t("advise_staff_only", lang))
        return
    try:
        log.record(engine, first, second, by=_who(someone))
    except NgomapError as exc:
        st.error(plain(exc.message(lang)))
        return
    st.rerun()


def log_panel(engine: Engine, org_key: str, lang: str) -> None:
    """The introductions naming this organisation, with their outcome (edited by staff)."""
    someone = access.current()
    if not someone.may("edit"):
        return
    st.subheader(t("advise_log", lang))
    shown = log.listing(engine, organisation=org_key)
    if shown.empty:
        st.caption(t("advise_log_empty", lang))
        return
    table = pd.DataFrame(
        {
            t("advise_log_when", lang): [pd.Timestamp(v).date().isoformat() for v in shown["at"]],
            t("advise_log_pair", lang): [
                f"{a} — {b}" for a, b in zip(shown["org_a"], shown["org_b"], strict=True)
            ],
            t("advise_log_by", lang): shown["by"],
            t("advise_log_outcome", lang): shown["outcome"],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", key="advise_log_table")
    labels = {
        int(i): f"{pd.Timestamp(at).date().isoformat()} · {a} — {b}"
        for i, at, a, b in zip(
            shown["id"], shown["at"], shown["org_a"], shown["org_b"], strict=True
        )
    }
    with st.form("advise_outcome_form"):
        chosen = st.selectbox(
            t("advise_log_which", lang), list(labels), format_func=labels.__getitem__
        )
        outcome = st.text_area(t("advise_log_outcome", lang), max_chars=log.OUTCOME_LIMIT)
        if st.form_submit_button(t("advise_log_save", lang)):
            try:
                log.set_outcome(engine, int(chosen), outcome, by=_who(someone))
            except NgomapError as exc:
                st.error(plain(exc.message(lang)))
            else:
                st.rerun()


@st.cache_resource(show_spinner=False)
def _rounds_seen() -> dict[str, int]:
    """Per database, the newest round whose digests this process made (shared by sessions)."""
    return {}


def after_round(engine: Engine, boundaries: Boundaries, lang: str) -> None:
    """Once a new round is in the registry, make the subscriptions' digests and send them
    (each subscription hears of each round once, whichever process makes it)."""
    from ngomap.registry.state import rounds_frame

    frame = rounds_frame(engine)
    newest = int(frame["id"].max()) if len(frame) else 0
    seen = _rounds_seen()
    url = str(engine.url)
    if newest <= seen.get(url, 0):
        return
    seen[url] = newest
    try:
        done = subscribe.digest_rounds(engine, boundaries, settings=SmtpSettings.from_env())
    except NgomapError as exc:
        if access.allowed("edit"):
            st.warning(plain(exc.message(lang)))
        return
    if done.sent and access.allowed("edit"):
        st.toast(t("advise_digests_sent", lang, n=done.sent))


def subscriptions_panel(engine: Engine, boundaries: Boundaries, lang: str) -> None:
    """Be told of arrivals and departures in chosen areas and sectors (signed-in people)."""
    someone = access.current()
    if someone.role == ac.PUBLIC:
        return
    box = folded(t("advise_subscriptions", lang), SUBSCRIPTIONS_OPEN)  # sent only while open
    if box is None:
        return
    with box:
        codes = [str(code) for code in boundaries.areas.index]
        own = someone.who if "@" in someone.who else ""
        with st.form("advise_subscribe_form"):
            email = st.text_input(t("advise_sub_email", lang), value=own, max_chars=254)
            areas = st.multiselect(
                t(
                    "brief_form_zones",
                    lang,
                    levels=captions.levels_in_words(
                        boundaries.levels, lang, country=boundaries.country
                    ),
                ),
                codes,
                format_func=lambda code: f"{boundaries.name(code, lang)} ({code})",
                key="advise_sub_areas",
            )
            sectors = st.multiselect(
                t("advise_sub_sectors", lang),
                vocab.sectors().codes,
                format_func=lambda code: sector_label(code, lang),
                key="advise_sub_sectors",
            )
            if st.form_submit_button(t("advise_subscribe", lang)):
                try:
                    subscribe.subscribe(
                        engine,
                        Subscription(email, tuple(areas), tuple(sectors), lang=lang),
                        by=_who(someone),
                        boundaries=boundaries,
                    )
                except NgomapError as exc:
                    st.error(plain(exc.message(lang)))
                else:
                    st.success(t("advise_subscribed", lang))
        mine = None if someone.may("edit") else (own or "-")
        listed = subscribe.subscriptions(engine, email=mine)
        if not listed.empty:
            st.dataframe(
                pd.DataFrame(
                    {
                        t("advise_sub_email", lang): listed["email"],
                        t(
                            "brief_form_zones",
                            lang,
                            levels=captions.levels_in_words(
                                boundaries.levels, lang, country=boundaries.country
                            ),
                        ): [
                            ", ".join(boundaries.name(c, lang) for c in v) for v in listed["areas"]
                        ],
                        t("advise_sub_sectors", lang): [
                            ", ".join(sector_label(c, lang) for c in v) or t("advise_all", lang)
                            for v in listed["sectors"]
                        ],
                        t("advise_sub_active", lang): listed["active"],
                    }
                ),
                hide_index=True,
                width="stretch",
                key="advise_sub_table",
            )
            _unsubscribe(engine, listed, boundaries, lang)
        digests = subscribe.digest_log(engine, email=mine)
        digests = digests.loc[digests["movements"] > 0]
        st.caption(t("advise_digests", lang))
        if digests.empty:
            st.caption(t("advise_digests_none", lang))
        latest = digests.head(10)
        for round_id, email, sent_at, body in zip(
            latest["round"].tolist(),
            latest["email"].tolist(),
            latest["sent_at"].tolist(),
            latest["body"].tolist(),
            strict=True,
        ):
            sent = sent_at.isoformat(timespec="minutes") if isinstance(sent_at, datetime) else "—"
            st.text(f"R{round_id} · {email} · {sent}\n{body}")


def _unsubscribe(engine: Engine, listed: pd.DataFrame, boundaries: Boundaries, lang: str) -> None:
    """Stop one of the subscriptions shown."""
    active = listed.loc[listed["active"].astype(bool)]
    if active.empty:
        return
    labels = {
        int(i): f"{email} · {', '.join(boundaries.name(c, lang) for c in areas)}"
        for i, email, areas in zip(active["id"], active["email"], active["areas"], strict=True)
    }
    left, right = st.columns([3, 1])
    chosen = left.selectbox(
        t("advise_unsubscribe_which", lang),
        list(labels),
        format_func=labels.__getitem__,
        key="advise_unsub_choice",
    )
    if right.button(t("advise_unsubscribe", lang), key="advise_unsub"):
        subscribe.unsubscribe(engine, int(chosen))
        st.rerun()


def reminders_panel(engine: Engine, lang: str) -> None:
    """Entries to confirm: who is due, send the reminders, who was reminded and answered."""
    someone = access.current()
    if not someone.may("edit"):
        return
    box = folded(t("advise_reminders", lang), REMINDERS_OPEN)  # sent only while open
    if box is None:
        return
    with box:
        months = int(
            st.number_input(
                t("advise_rem_months", lang), min_value=1, max_value=120, value=12, key="rem_m"
            )
        )
        due = reminders.due(engine, months=months)
        st.dataframe(
            pd.DataFrame(
                {
                    t("advise_rem_org", lang): due["name"],
                    t("advise_last_confirmed", lang): [
                        d.isoformat() if d else "—" for d in due["last_confirmed"]
                    ],
                    t("advise_sub_email", lang): [e or "—" for e in due["email"]],
                }
            ),
            hide_index=True,
            width="stretch",
            key="advise_due_table",
        )
        url = st.text_input(
            t("advise_rem_url", lang), value=os.environ.get(PUBLIC_URL_ENV, ""), key="rem_url"
        )
        if st.button(t("advise_rem_send", lang), key="rem_send", disabled=due.empty):
            _send_reminders(engine, months, url, _who(someone), lang)
        status = reminders.status(engine)
        st.caption(t("advise_rem_status", lang))
        st.dataframe(
            pd.DataFrame(
                {
                    t("advise_rem_org", lang): status["organisation"],
                    t("advise_rem_sent", lang): [v.date().isoformat() for v in status["reminded"]],
                    t("advise_rem_answered", lang): [
                        v.date().isoformat() if isinstance(v, datetime) else "—"
                        for v in status["answered"]
                    ],
                    t("advise_rem_request", lang): status["request"],
                }
            ),
            hide_index=True,
            width="stretch",
            key="advise_rem_table",
        )


def _send_reminders(engine: Engine, months: int, url: str, by: str, lang: str) -> None:
    try:
        settings = SmtpSettings.from_env()
        if settings is None:
            raise NgomapError(
                *pair(Msg.CLI_ADVISE_NO_SMTP_SERVER),
            )
        done = reminders.remind(
            engine, settings, base_url=url, by=by, months=months, lang=lang, now=datetime.now(UTC)
        )
    except NgomapError as exc:
        st.error(plain(exc.message(lang)))
        return
    st.success(t("advise_rem_done", lang, n=done.sent))
    if done.without_address:
        st.warning(plain(t("advise_rem_missing", lang, names=", ".join(done.without_address))))
