"""Merging two organisations on the page: pick both, see what will happen, confirm, revert.

In the editors' tab. Each organisation is found by typing part of its name (the search runs
on the server: a registry of thousands of names never goes to the browser whole). The
preview (``merging.plan``) is kept for the session as it was shown: confirming merges
exactly that, and is refused, writing nothing, when either organisation was saved since
(the difference is shown) or when the merge would now do something else (the new preview
is shown, to confirm again). A merge is one change, reverted whole by one button.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from ngomap import vocab
from ngomap.areas.boundaries import Boundaries
from ngomap.errors import NgomapError
from ngomap.i18n import sector_label, t
from ngomap.registry import merging, reverting
from ngomap.registry import organisations as orgs
from ngomap.ui import access, registry_data
from ngomap.ui.text import plain, plain_frame
from ngomap.ui.typeahead import SHOWN, matching

KEEP: Final = "merge_keep"
GONE: Final = "merge_gone"
_PLAN: Final = "_merge_plan"  # the preview as shown: (keep, gone, plan)
_DONE: Final = "_merge_done"  # (changeset, message) of the last merge, for its revert
_NOTE: Final = "_merge_note"  # a message to show once (the preview changed, reverted)


def _pick(key: str, title: str, choices: dict[int, str], lang: str, *, box: Any) -> int | None:
    """One organisation: a search box, then a choice among the first matches."""
    query = box.text_input(
        t("typeahead_search", lang, what=title),
        key=f"{key}_search",
        placeholder=t("typeahead_placeholder", lang),
        help=t("typeahead_help", lang, shown=SHOWN),
    )
    labels = {str(i): label for i, label in choices.items()}
    found, total = matching(labels, str(query or ""), limit=SHOWN)
    chosen = st.session_state.get(key)
    options = [int(k) for k in found]
    if chosen is not None and chosen in choices and chosen not in options:
        options.insert(0, int(chosen))
    elif chosen is not None and chosen not in choices:
        st.session_state[key] = None
    picked = box.selectbox(
        title,
        options,
        format_func=choices.__getitem__,  # options are not Markdown: as written
        key=key,
        index=None,
        placeholder=t("choose", lang),
    )
    box.caption(t("merge_found", lang, shown=len(found), total=total))
    return None if picked is None else int(picked)


def _area(boundaries: Boundaries, code: str, lang: str) -> str:
    if not code:
        return t("round_nationwide", lang)
    if code in boundaries.areas.index:
        return f"{boundaries.display_name(code, lang)} ({code})"
    return code


def _names(items: tuple[str, ...] | list[str]) -> str:
    return ", ".join(plain(item) for item in items)


def show_plan(plan: merging.MergePlan, boundaries: Boundaries, lang: str) -> None:
    """What the merge will do, in words, with the joined presences as a table."""
    keep, gone = plain(plan.keep_name), plain(plan.gone_name)
    lines = [t("merge_will", lang, keep=keep, gone=gone)]
    if plan.aliases:
        lines.append(
            t("merge_aliases", lang, keep=keep, n=len(plan.aliases), names=_names(plan.aliases))
        )
    lines.append(t("merge_moved", lang, n=plan.presences_moved, keep=keep))
    if plan.joined:
        lines.append(t("merge_joined", lang, n=len(plan.joined), keep=keep))
    if plan.partners_moved:
        lines.append(
            t(
                "merge_partners",
                lang,
                keep=keep,
                n=len(plan.partners_moved),
                names=_names(plan.partners_moved),
            )
        )
    if plan.partners_dropped:
        lines.append(
            t(
                "merge_partners_dropped",
                lang,
                keep=keep,
                n=len(plan.partners_dropped),
                names=_names(plan.partners_dropped),
            )
        )
    if plan.partner_of:
        lines.append(
            t(
                "merge_partner_of",
                lang,
                keep=keep,
                n=len(plan.partner_of),
                names=_names(plan.partner_of),
            )
        )
    if plan.funders_added:
        lines.append(
            t(
                "merge_funders",
                lang,
                keep=keep,
                n=len(plan.funders_added),
                names=_names(plan.funders_added),
            )
        )
    if plan.fields_filled:
        filled = ", ".join(
            f"{t(f'edit_field_{name}', lang)} = {plain(value)}"
            for name, value in plan.fields_filled
        )
        lines.append(t("merge_fields", lang, keep=keep, fields=filled))
    lines.append(t("merge_history", lang, n=plan.history, keep=keep))
    lines.append(t("merge_revertible", lang))
    st.markdown("\n".join(f"- {line}" for line in lines))
    if plan.joined:
        modes = vocab.presence_modes()
        table = pd.DataFrame(
            {
                t("sector", lang): [sector_label(j.sector, lang) for j in plan.joined],
                t("area", lang): [_area(boundaries, j.area, lang) for j in plan.joined],
                t("presence", lang): [
                    modes.label(j.mode, lang) if j.mode else "—" for j in plan.joined
                ],
                t("merge_period", lang): [j.period for j in plan.joined],
                t("round_source", lang): [j.list_source for j in plan.joined],
            }
        )
        st.dataframe(plain_frame(table), hide_index=True, width="stretch")


def _done_panel(engine: Engine, lang: str, who: str) -> None:
    note = st.session_state.pop(_NOTE, None)
    if note:
        st.info(plain(str(note)))
    done = st.session_state.get(_DONE)
    if not done:
        return
    changeset, message = done
    st.success(plain(str(message)))
    if access.allowed("revert") and st.button(
        t("merge_revert", lang, changeset=changeset), key="merge_revert"
    ):
        try:
            reverting.revert(engine, int(changeset), by=who)
        except NgomapError as error:
            st.error(plain(error.message(lang)))
            return
        st.session_state[_DONE] = None
        st.session_state[_NOTE] = t("merge_reverted", lang, changeset=changeset)
        registry_data.show_registry_now()
        st.rerun()


def section(
    engine: Engine,
    choices: dict[int, str],
    boundaries: Boundaries,
    lang: str,
    *,
    who: str,
    conflict: Callable[[orgs.EditConflictError, str], None],
) -> None:
    """Pick the organisation to keep and the one to merge into it, preview, confirm."""
    st.caption(t("merge_help", lang))
    _done_panel(engine, lang, who)
    left, right = st.columns(2)
    keep = _pick(KEEP, t("merge_keep", lang), choices, lang, box=left)
    gone = _pick(GONE, t("merge_gone", lang), choices, lang, box=right)
    if keep is None or gone is None:
        return
    if keep == gone:
        st.warning(t("merge_same", lang))
        return
    kept = st.session_state.get(_PLAN)
    if kept is None or kept[:2] != (keep, gone):
        try:
            kept = (keep, gone, merging.plan(engine, keep, gone))
        except NgomapError as error:
            st.error(plain(error.message(lang)))
            return
        st.session_state[_PLAN] = kept
    plan: merging.MergePlan = kept[2]
    show_plan(plan, boundaries, lang)
    confirm, refresh = st.columns(2)
    if refresh.button(t("merge_refresh", lang), key="merge_refresh"):
        st.session_state.pop(_PLAN, None)
        st.rerun()
    if not confirm.button(
        t("merge_confirm", lang, gone=plain(plan.gone_name), keep=plain(plan.keep_name)),
        key="merge_confirm",
        type="primary",
    ):
        return
    try:
        changeset = merging.merge(engine, plan, by=who)
    except orgs.EditConflictError as error:
        conflict(error, lang)
        st.session_state.pop(_PLAN, None)  # the next run previews the current versions
        return
    except merging.MergeChangedError as error:
        st.session_state[_PLAN] = (keep, gone, error.plan)
        st.session_state[_NOTE] = error.message(lang)
        st.rerun()
    except NgomapError as error:
        st.error(plain(error.message(lang)))
        return
    st.session_state[_DONE] = (
        changeset,
        t("merge_done", lang, changeset=changeset, gone=plan.gone_name, keep=plan.keep_name),
    )
    st.session_state.pop(_PLAN, None)  # the merged one leaves the pickers by itself
    registry_data.show_registry_now()
    st.rerun()
