"""The edit tab: one organisation's profile and one presence, saved as one change; its history.

Shown to those who may edit (``access.allowed("edit")``). The organisation is opened at a
version, remembered for the session: when someone else saves it meanwhile (another editor,
another app process), saving is refused with what they changed, nothing is overwritten,
and "Recharger" opens the current version. A saved edit can be reverted whole at once.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from ngomap import vocab
from ngomap.areas.boundaries import LEVEL, NAME_FR, PARENT, Boundaries
from ngomap.errors import NgomapError
from ngomap.i18n import labels, sector_label, t
from ngomap.registry import hand_edits as he
from ngomap.registry import organisations as orgs
from ngomap.registry import reverting
from ngomap.registry.rounds import current_user
from ngomap.render import captions
from ngomap.ui import access, merge_panel, registry_data, revert_panel
from ngomap.ui.text import plain

ORG: Final = "edit_org"  # the organisation picked
_OPENED: Final = "_edit_opened"  # {organisation id: version opened}
_SAVED: Final = "_edit_saved"  # (changeset, message) of the last save, for its revert button
_PROFILE: Final = ("name", "acronym", "country", "headquarters", "website")
_KEEP, _CLOSE, _CHANGE = "keep", "close", "change"
_ONE, _MERGE = "one", "merge"
REVERTIBLE_KINDS: Final = ("round", "edit", "merge", "init")


def _who() -> str:
    who = access.current().who
    return who if who and who != "local" else current_user()


def _choices(engine: Engine) -> dict[int, str]:
    frame = he.organisations(engine)
    return {
        int(i): f"{name} ({acronym})" if acronym else str(name)
        for i, name, acronym in zip(frame["id"], frame["name"], frame["acronym"], strict=True)
    }


def _area_text(boundaries: Boundaries, code: Any, lang: str) -> str:
    if code is None or code == "" or (isinstance(code, float) and pd.isna(code)):
        return t("round_nationwide", lang)
    text = str(code)
    if text in boundaries.areas.index:
        return f"{boundaries.display_name(text, lang)} ({text})"
    return text


def _presence_label(row: Any, boundaries: Boundaries, lang: str) -> str:
    mode = vocab.presence_modes().label(str(row.mode), lang) if row.mode else "—"
    area = _area_text(boundaries, None if row.national else row.area_code, lang)
    return f"{sector_label(str(row.sector), lang)} — {area} — {mode} ({row.list_source})"


def _area_picker(boundaries: Boundaries, lang: str, prefix: str) -> tuple[str, dict[str, Any]]:
    """Region, then cercle, then commune: the finest P-code chosen ("" for nationwide) and
    the codes and names of the levels above it."""
    areas = boundaries.areas
    chosen = ""
    columns = st.columns(len(boundaries.levels))
    for position, level in enumerate(boundaries.levels):
        below = areas[areas[LEVEL] == level]
        if position:
            below = below[below[PARENT] == chosen]
        options = ["", *(str(c) for c in below.sort_values(NAME_FR).index)]
        if position and len(options) == 1:
            break
        empty = (
            t("round_nationwide", lang)
            if position == 0
            else t("edit_whole", lang, area=_area_text(boundaries, chosen, lang))
        )
        words = {code: _area_text(boundaries, code, lang) for code in options if code}
        words[""] = empty
        picked = columns[position].selectbox(
            captions.area_word(level, lang, country=boundaries.country),
            options,
            format_func=words.__getitem__,
            key=f"{prefix}_{level}",
        )
        if not picked:
            break
        chosen = str(picked)
    chain: dict[str, Any] = {}
    current: Any = chosen
    if chosen:
        chain["area_level"] = str(areas.at[chosen, LEVEL])
    while isinstance(current, str) and current in areas.index:
        level = str(areas.at[current, LEVEL])
        chain[f"{level}_code"] = current
        chain[f"{level}_name"] = str(areas.at[current, NAME_FR])
        parent = areas.at[current, PARENT]
        current = parent if isinstance(parent, str) and parent else None
    return chosen, chain


def _profile(org: dict[str, Any], lang: str, prefix: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    left, right = st.columns(2)
    for position, name in enumerate(_PROFILE):
        box = left if position % 2 == 0 else right
        values[name] = box.text_input(
            t(f"edit_field_{name}", lang),
            value=str(org.get(name) or ""),
            key=f"{prefix}_{name}",
            max_chars=300,
        )
    types = vocab.org_types()
    options = ["", *types.codes]
    if org.get("org_type") and org["org_type"] not in options:
        options.append(str(org["org_type"]))
    values["org_type"] = right.selectbox(
        t("edit_field_org_type", lang),
        options,
        index=options.index(str(org.get("org_type") or "")),
        format_func=lambda c: types.label(c, lang) if c else "—",
        key=f"{prefix}_org_type",
    )
    funders = left.text_input(
        t("edit_field_funders", lang),
        value=", ".join(org.get("funders") or []),
        key=f"{prefix}_funders",
        help=t("edit_field_funders_help", lang),
        max_chars=1000,
    )
    values["funders"] = [f.strip() for f in funders.split(",") if f.strip()]
    values["active"] = right.checkbox(
        t("edit_field_active", lang), value=bool(org.get("active", True)), key=f"{prefix}_active"
    )
    return values


def _modes(lang: str) -> tuple[list[str], Any]:
    modes = vocab.presence_modes()
    return ["", *modes.codes], lambda c: modes.label(c, lang) if c else "—"


def _one_presence(
    held: pd.DataFrame, boundaries: Boundaries, lang: str, prefix: str
) -> tuple[list[int], dict[int, dict[str, Any]]]:
    """One presence of the organisation: kept, closed, or its mode, status, dates changed."""
    if held.empty:
        st.caption(t("edit_no_presence", lang))
        return [], {}
    labels = {
        int(pid): _presence_label(row, boundaries, lang)
        for pid, row in zip(held["id"].tolist(), held.itertuples(), strict=True)
    }
    picked = st.selectbox(
        t("edit_presence", lang),
        [0, *labels],
        format_func=lambda i: t("edit_presence_none", lang) if i == 0 else labels[i],
        key=f"{prefix}_presence",
    )
    if not picked:
        return [], {}
    row = held.loc[held["id"] == picked].iloc[0]
    action = st.radio(
        t("edit_presence_action", lang),
        [_CHANGE, _CLOSE],
        format_func=lambda a: t(f"edit_presence_{a}", lang),
        horizontal=True,
        key=f"{prefix}_presence_action_{picked}",
    )
    if action == _CLOSE:
        return [int(picked)], {}
    options, words = _modes(lang)
    current = str(row["mode"] or "")
    if current not in options:
        options.append(current)
    left, right = st.columns(2)
    fields = {
        "mode": left.selectbox(
            t("presence", lang),
            options,
            index=options.index(current),
            format_func=words,
            key=f"{prefix}_mode_{picked}",
        ),
        "status": right.text_input(
            t("edit_status", lang), value=str(row["status"] or ""), key=f"{prefix}_st_{picked}"
        ),
        "start": left.text_input(
            t("edit_start", lang), value=str(row["start"] or ""), key=f"{prefix}_start_{picked}"
        ),
        "end": right.text_input(
            t("edit_end", lang), value=str(row["end"] or ""), key=f"{prefix}_end_{picked}"
        ),
    }
    return [], {int(picked): fields}


def _new_presence(boundaries: Boundaries, lang: str, prefix: str) -> list[he.NewPresence]:
    """A presence to add: sector, area (region → cercle → commune, or nationwide), mode."""
    if not st.checkbox(t("edit_add", lang), key=f"{prefix}_add"):
        return []
    sectors = vocab.sectors()
    left, right = st.columns(2)
    sector = left.selectbox(
        t("sector", lang),
        sectors.codes,
        format_func=lambda c: sector_label(c, lang),
        key=f"{prefix}_add_sector",
    )
    options, words = _modes(lang)
    mode = right.selectbox(
        t("presence", lang), options, format_func=words, key=f"{prefix}_add_mode"
    )
    code, chain = _area_picker(boundaries, lang, f"{prefix}_add_area")
    return [
        he.NewPresence(
            sector=str(sector), area_code=code or None, area=chain, mode=str(mode) or None
        )
    ]


def _conflict(error: orgs.EditConflictError, lang: str) -> None:
    st.error(plain(error.message(lang)))
    if error.theirs:
        st.dataframe(  # the grid shows text as it is (no Markdown): nothing to escape
            pd.DataFrame(
                {
                    t("round_field", lang): list(error.theirs),
                    t("edit_then", lang): [str(b) for b, _ in error.theirs.values()],
                    t("edit_now", lang): [str(a) for _, a in error.theirs.values()],
                }
            ),
            hide_index=True,
        )


def _saved_panel(engine: Engine, lang: str) -> None:
    saved = st.session_state.get(_SAVED)
    if not saved:
        return
    changeset, message = saved
    st.success(plain(str(message)))
    if access.allowed("revert") and st.button(
        t("edit_revert", lang, changeset=changeset), key="edit_revert"
    ):
        try:
            # Refused, naming them, when later changes touched the same facts: the
            # history's revert then offers to revert them too.
            reverting.revert(engine, int(changeset), by=_who())
        except NgomapError as error:
            st.error(plain(error.message(lang)))
            return
        st.session_state[_SAVED] = None
        st.session_state[_OPENED] = {}
        registry_data.show_registry_now()
        st.rerun()


def _history(engine: Engine, organisation_id: int, lang: str) -> None:
    if not access.allowed("history"):
        return
    frame = orgs.history(engine, organisation_id)
    with st.expander(t("edit_history", lang, n=len(frame))):
        if frame.empty:
            return
        shown = pd.DataFrame(
            {
                t("edit_history_when", lang): frame["at"].astype(str).str[:16],
                t("rounds_by", lang): frame["by"],
                t("edit_history_kind", lang): frame["kind"],
                t("rounds_file", lang): frame["file"].fillna(""),
                t("edit_history_what", lang): frame["what"],
                t("round_field", lang): frame["field"],
                t("round_before", lang): frame["before"].map(lambda v: "" if v is None else str(v)),
                t("round_after", lang): frame["after"].map(lambda v: "" if v is None else str(v)),
            }
        ).iloc[::-1]
        st.dataframe(shown, hide_index=True, width="stretch")
        if access.allowed("revert"):
            _revert_from_history(engine, frame, lang)


def _field_word(name: str, lang: str) -> str:
    key = f"edit_field_{name}"
    return t(key, lang) if key in labels(lang) else name


def _short(value: Any) -> str:
    text = "—" if value is None or value == "" or value == [] else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _revert_from_history(engine: Engine, frame: pd.DataFrame, lang: str) -> None:
    """Pick one line of the history (a field change) or a whole change (a round, an edit,
    a merge), see what reverting it involves, revert it."""
    options: dict[str, str] = {}
    rows: list[dict[Any, Any]] = frame.iloc[::-1].to_dict(orient="records")
    for row in rows:
        when = str(row["at"])[:16]
        change = row["change"]
        if row["what"] == "field" and change == change and row["field"] in orgs.EDITABLE:
            options[f"c{int(change)}"] = t(
                "edit_revert_field",
                lang,
                field=_field_word(str(row["field"]), lang),
                before=_short(row["before"]),
                after=_short(row["after"]),
                when=when,
                by=str(row["by"]),
            )
        key = f"s{int(row['changeset'])}"
        if row["kind"] in REVERTIBLE_KINDS and key not in options:
            options[key] = t(
                "edit_revert_whole",
                lang,
                kind=t(f"edit_kind_{row['kind']}", lang),
                changeset=int(row["changeset"]),
                when=when,
                by=str(row["by"]),
            )
    if not options:
        return
    picked = st.selectbox(
        t("edit_revert_pick", lang),
        list(options),
        format_func=options.__getitem__,
        key="edit_history_revert_pick",
        index=None,
        placeholder=t("choose", lang),
        help=t("edit_revert_pick_help", lang),
    )
    if picked is None:
        return
    number = int(picked[1:])
    revert_panel.offer(
        engine,
        lang,
        key="edit_history_revert",
        who=_who(),
        change=number if picked.startswith("c") else None,
        changeset=number if picked.startswith("s") else None,
    )


def tab(lang: str) -> list[str]:
    """The edit tab's name, for those who may edit (none for the others)."""
    return [t("tab_edit", lang)] if access.allowed("edit") else []


def section(boundaries: Boundaries, lang: str) -> None:
    """The edit tab (for editors): pick an organisation, edit it, save, see its history."""
    if not access.allowed("edit"):
        st.caption(t("edit_not_allowed", lang))
        return
    engine = access.engine()
    revert_panel.done_message()
    choices = _choices(engine)
    if not choices:
        st.caption(t("edit_no_organisation", lang))
        return
    what = st.radio(
        t("edit_what", lang),
        [_ONE, _MERGE],
        format_func=lambda w: t(f"edit_what_{w}", lang),
        horizontal=True,
        key="edit_what",
    )
    if what == _MERGE:
        merge_panel.section(engine, choices, boundaries, lang, who=_who(), conflict=_conflict)
        return
    _saved_panel(engine, lang)
    organisation_id = st.selectbox(
        t("edit_pick", lang),
        list(choices),
        format_func=choices.__getitem__,  # options are not Markdown: as written
        key=ORG,
        index=None,
        placeholder=t("choose", lang),
    )
    if organisation_id is None:
        return
    opened: dict[int, int] = st.session_state.setdefault(_OPENED, {})
    org = orgs.get(engine, int(organisation_id))
    version = opened.setdefault(int(organisation_id), int(org["version"]))
    if version != org["version"]:
        st.warning(t("edit_stale", lang, opened=version, now=org["version"]))
        if st.button(t("edit_reload", lang), key="edit_reload"):
            opened.pop(int(organisation_id), None)
            st.rerun()
    prefix = f"edit_{organisation_id}_{version}"
    st.markdown(f"**{t('edit_profile', lang)}**")
    profile = _profile(org, lang, prefix)
    st.markdown(f"**{t('edit_presences', lang)}**")
    held = he.presences(engine, int(organisation_id))
    close, change = _one_presence(held, boundaries, lang, prefix)
    add = _new_presence(boundaries, lang, prefix)
    note = st.text_input(t("edit_note", lang), key=f"{prefix}_note", max_chars=500)
    if st.button(t("edit_save", lang), key="edit_save", type="primary"):
        try:
            saved = he.save(
                engine,
                int(organisation_id),
                version=version,
                profile=profile,
                add=add,
                close=close,
                change=change,
                by=_who(),
                note=note,
            )
        except orgs.EditConflictError as error:
            _conflict(error, lang)
        except NgomapError as error:
            st.error(plain(error.message(lang)))
        else:
            if saved.changeset is None:
                st.info(t("edit_nothing", lang))
            else:
                opened[int(organisation_id)] = saved.version
                message = t("edit_saved", lang, changeset=saved.changeset, name=org["name"])
                st.session_state[_SAVED] = (saved.changeset, message)
                registry_data.show_registry_now()
                st.rerun()
    _history(engine, int(organisation_id), lang)
