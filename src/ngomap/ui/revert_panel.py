"""Reverting any round or change from the page, saying first what later changes it involves.

``offer`` shows, for one round, edit, merge or field change, what reverting it involves
(``reverting.plan``): when nothing later touched the same facts, one button reverts it;
otherwise the later changes are named, with why it matters, and the editor chooses: revert
nothing (the default) or revert them too, newest first, all at once. Every step is its own
revert in the history.
"""

from __future__ import annotations

from typing import Final

import streamlit as st
from sqlalchemy import Engine

from ngomap.errors import NgomapError
from ngomap.i18n import t
from ngomap.registry import reverting
from ngomap.registry.rounds import Reverted
from ngomap.ui import registry_data
from ngomap.ui.text import plain

_ALONE, _BOTH = "alone", "both"
DONE: Final = "_revert_done"  # the message of the last revert, shown once


def _label(step: reverting.Step, lang: str) -> str:
    when = step.at.strftime("%Y-%m-%d %H:%M") if step.at is not None else ""
    if step.round_id is not None:
        return t("revert_step_round", lang, round=step.round_id, name=step.note, when=when)
    return t(f"revert_step_{step.kind}", lang, changeset=step.changeset, by=step.by, when=when)


def _message(done: list[Reverted], lang: str) -> str:
    closed = sum(r.presences_closed for r in done)
    reopened = sum(r.presences_reopened for r in done)
    fields = sum(r.fields_restored for r in done)
    text = t("revert_done", lang, n=len(done), closed=closed, reopened=reopened, fields=fields)
    conflicts = [c for r in done for c in r.conflicts]
    if conflicts:
        text += " " + t("rounds_conflicts", lang, items="; ".join(conflicts))
    return text


def offer(
    engine: Engine,
    lang: str,
    *,
    key: str,
    who: str,
    changeset: int | None = None,
    change: int | None = None,
    message: str = "",
) -> None:
    """The revert of changeset ``changeset`` (or field change ``change``): the later changes
    it involves, the choice, the button (``key``). ``message``: shown once done (else a
    count of what was undone)."""
    try:
        plan = (
            reverting.plan_change(engine, change)
            if change is not None
            else reverting.plan(engine, int(changeset or 0))
        )
    except NgomapError as error:
        st.caption(plain(error.message(lang)))
        return
    target = _label(plan.target, lang)
    both = False
    if plan.later:
        later = "; ".join(_label(step, lang) for step in plan.later)
        st.warning(
            t("revert_later", lang, target=plain(target), n=len(plan.later), later=plain(later))
        )
        choice = st.radio(
            t("revert_choice", lang),
            [_ALONE, _BOTH],
            format_func=lambda c: t(f"revert_choice_{c}", lang, n=len(plan.later)),
            key=f"{key}_choice",
        )
        both = choice == _BOTH
        if not both:
            st.caption(t("revert_refused_help", lang))
            return
    words = "revert_button_both" if both else "revert_button"
    if not st.button(t(words, lang, target=plain(target), n=len(plan.later)), key=key):
        return
    try:
        if change is not None:
            reverting.revert_change(engine, change, with_later=both, by=who)
            done_text = message or t("revert_change_done", lang, change=change, n=len(plan.later))
        else:
            done = reverting.revert(engine, int(changeset or 0), with_later=both, by=who)
            done_text = message or _message(done, lang)
    except NgomapError as error:
        st.error(plain(error.message(lang)))
        return
    st.session_state[DONE] = done_text
    registry_data.show_registry_now()
    st.rerun()


def done_message() -> None:
    """The message of the last revert, once."""
    text = st.session_state.pop(DONE, None)
    if text:
        st.success(plain(str(text)))
