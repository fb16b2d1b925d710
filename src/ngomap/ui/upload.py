"""The upload panel: a user's 3W file in, a preview, the column mapping, the report, the data.

The uploaded bytes live in ``st.session_state["upload"]`` ({"name", "data"}) for this
user's session only; the file itself is never modified. An optional organisation alias
file (alias,name) is read from its own uploader and applied to the import.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.file_areas import OWN_AREAS_SOURCE, boundaries_to_match
from ngomap.errors import NgomapError
from ngomap.i18n import t
from ngomap.importer.options import ImportOptions
from ngomap.importer.report import kinds_frame, report_csv, report_frame, report_xlsx
from ngomap.importer.threew import (
    FIELDS,
    UPLOAD_LIMIT_MB,
    Dataset,
    Table,
    import_table,
    read_table,
)
from ngomap.limits import DEFAULT_LIMITS, MB
from ngomap.ui.panels import rows_summary
from ngomap.ui.text import plain
from ngomap.worker import Bounded, bounded, warm

UPLOAD_KEY = "upload"
UPLOAD_TYPES = ["csv", "txt", "tsv", "xlsx", "xlsm", "xls", "json"]
VOCAB_KEY = "upload_vocab"  # the user's vocabulary alias files: {vocabulary: (name, bytes)}
_VOCABULARIES = ("sectors", "org_types", "presence")
ALIASES_TYPES = ["csv", "txt"]
_ROUND = "_upload_round"  # in the uploaders' keys: the reset button empties them with a new one
_UPLOAD_LIMITS = replace(DEFAULT_LIMITS, max_bytes=UPLOAD_LIMIT_MB * MB)


@st.cache_data(show_spinner=False, max_entries=4)
def _table(data: bytes, name: str, _worker: Bounded) -> Table:
    """The file read and understood (sheet, header, mapping), once per file, in a worker
    process with a time and a memory budget (a hostile file costs its user an error): the
    worker that then imports the table, without reading the file again."""
    return _worker.run(read_table, data, name, limits=DEFAULT_LIMITS)


_IMPORTS = "_upload_imports"


def _import(
    worker: Bounded,
    table: Table,
    data: bytes,
    name: str,
    column_map: tuple[tuple[str, str], ...],
    accept: bool,
    boundaries_key: str,
    boundaries: Boundaries | None,
    progress: Any = None,
    aliases: tuple[str, bytes] | None = None,
) -> tuple[Dataset, Boundaries]:
    """The import, once per file, mapping, choice, boundaries and alias file, for this session,
    and the boundaries it was matched on (``import_table``, as ``import_dataset_areas``:
    without ``boundaries``, the file's own codes and names when they are another country's
    than the embedded regions, as on the command line). ``table`` is ``data`` read, in
    ``worker``: the import runs there too.

    Not st.cache_resource: the progress bar is an element drawn outside the function (a
    cache hit would replay it and fail), and one user's upload is no one else's business.
    ``aliases`` is the user's alias file (name, bytes); an error about it names it.
    """
    alias_key = (aliases[0], hashlib.sha256(aliases[1]).hexdigest()) if aliases else None
    vocab_files: dict[str, tuple[str, bytes]] = dict(st.session_state.get(VOCAB_KEY) or {})
    vocab_key = tuple(
        (v, f[0], hashlib.sha256(f[1]).hexdigest()) for v, f in sorted(vocab_files.items())
    )
    key = (
        hashlib.sha256(data).hexdigest(),
        name,
        column_map,
        accept,
        boundaries_key,
        alias_key,
        vocab_key,
    )
    memo: dict[tuple[Any, ...], tuple[Dataset, Boundaries]] = st.session_state.setdefault(
        _IMPORTS, {}
    )
    if key not in memo:
        memo.clear()  # one import kept per session
        dataset, used = worker.run(
            import_table,
            table,
            name,
            progress=progress,
            options=ImportOptions(
                boundaries=boundaries,
                column_map=dict(column_map),
                accept_suggestions=accept,
                org_aliases=aliases,
                vocab_aliases=dict(vocab_files),
            ),
        )
        # the boundaries came back only when they are not the ones sent (the file's own)
        memo[key] = (dataset, used if used is not None else _sent(boundaries))
    return memo[key]


def _sent(boundaries: Boundaries | None) -> Boundaries:
    if boundaries is None:  # never: without boundaries, the importer's come back
        raise AssertionError("an import without boundaries names the ones it used")
    return boundaries


def _field_label(field: str, lang: str) -> str:
    return field or t("upload_ignore", lang)


def _sidebar_upload(lang: str) -> tuple[str, bytes] | None:
    """The upload widgets; the organisation alias file (name, bytes) when one is given.

    An uploader keeps its file across reruns: the reset button gives both uploaders new
    keys, so they come back empty instead of uploading the same file again.
    """
    round_ = int(st.session_state.get(_ROUND, 0))
    warm(_UPLOAD_LIMITS)  # a worker waits, its libraries loaded, before a file is chosen
    with st.sidebar.expander(t("upload_title", lang), expanded=UPLOAD_KEY not in st.session_state):
        file = st.file_uploader(
            t("upload_label", lang),
            type=UPLOAD_TYPES,
            key=f"upload_file_{round_}",
            help=t("upload_help", lang, mb=UPLOAD_LIMIT_MB),
        )
        st.caption(t("upload_limit", lang, mb=UPLOAD_LIMIT_MB))
        aliases = st.file_uploader(
            t("upload_aliases_label", lang),
            type=ALIASES_TYPES,
            key=f"upload_aliases_file_{round_}",
            help=t("upload_aliases_help", lang),
        )
        chosen: dict[str, tuple[str, bytes]] = {}
        for name in _VOCABULARIES:
            uploaded = st.file_uploader(
                t(f"upload_vocab_{name}", lang),
                type=ALIASES_TYPES,
                key=f"upload_vocab_{name}_{round_}",
                help=t("upload_vocab_help", lang),
            )
            if uploaded is not None:
                chosen[name] = (uploaded.name, uploaded.getvalue())
        st.session_state[VOCAB_KEY] = chosen
        if file is not None:
            st.session_state[UPLOAD_KEY] = {"name": file.name, "data": file.getvalue()}
        if UPLOAD_KEY in st.session_state and st.button(t("upload_reset", lang), key="reset"):
            del st.session_state[UPLOAD_KEY]
            st.session_state[_ROUND] = round_ + 1
            st.rerun()
    return (aliases.name, aliases.getvalue()) if aliases is not None else None


def _mapping(table: Table, lang: str) -> dict[str, str]:
    """Selectboxes for the columns left unrecognised, folded: only they need a decision."""
    chosen: dict[str, str] = {}
    taken = set(table.mapping.values())
    if not table.unmapped:
        st.caption(t("upload_all_mapped", lang))
        return chosen
    with st.expander(t("upload_unmapped", lang, n=len(table.unmapped))):
        for header in table.unmapped:
            options = ["", *(f for f in FIELDS if f not in taken)]
            field = st.selectbox(
                plain(header),  # a widget's label renders Markdown: the header is user text
                options=options,
                format_func=lambda f: _field_label(f, lang),
                key=f"map::{header}",
            )
            if field:
                chosen[header] = str(field)
    return chosen


def _report(dataset: Dataset, lang: str) -> None:
    report = dataset.report
    st.markdown(rows_summary(report, lang))
    for problem in report.problems:  # about the whole file: said first, in its own words
        if problem.row is None and problem.severity == "error":
            st.error(plain(problem.message(lang)))
    if report.problems:
        st.dataframe(kinds_frame(report, lang), hide_index=True, width="stretch")
        with st.expander(t("upload_report_details", lang, n=len(report.problems))):
            st.dataframe(report_frame(report, lang), hide_index=True, width="stretch")
    stem = report.source.rsplit(".", 1)[0]
    left, right = st.columns(2)
    left.download_button(
        t("upload_download_csv", lang),
        data=partial(report_csv, report, lang),  # built when clicked, not at every run
        file_name=f"{stem}_rapport.csv",
        mime="text/csv",
        key="report_csv",
    )
    right.download_button(
        t("upload_download_xlsx", lang),
        data=partial(report_xlsx, report, lang),
        file_name=f"{stem}_rapport.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="report_xlsx",
    )


def _provenance(dataset: Dataset, lang: str) -> Dataset:
    """The data's source and date as the user states them (printed on maps and exports);
    else the file's name and the data's own dates, never the file's last save."""
    left, right = st.columns(2)
    source = left.text_input(
        t("upload_source", lang), key="upload_source", help=t("upload_source_help", lang)
    ).strip()
    when = right.text_input(
        t("upload_date", lang),
        key="upload_date",
        placeholder="2023-06-30",
        help=t("upload_date_help", lang),
    ).strip()
    if source:
        dataset = replace(dataset, sources={"fr": source, "en": source})
    if when:
        try:
            day = date.fromisoformat(when if len(when) > 7 else f"{when}-01")
        except ValueError:
            st.warning(t("upload_date_bad", lang, value=plain(when)))
        else:
            dataset = replace(dataset, updated=day)
    return dataset


def has_upload() -> bool:
    """Whether the user has uploaded a file this session (after ``sidebar`` ran)."""
    return bool(st.session_state.get(UPLOAD_KEY))


def upload_name() -> str:
    """The uploaded file's name ("" without one)."""
    upload = st.session_state.get(UPLOAD_KEY) or {}
    return str(upload.get("name", ""))


sidebar = _sidebar_upload


def dataset_or_sample(
    sample: Dataset,
    boundaries: Boundaries,
    lang: str,
    *,
    aliases: tuple[str, bytes] | None = None,
    details: DeltaGenerator | None = None,
    summary: DeltaGenerator | None = None,
) -> Dataset:
    """The user's uploaded data when there is one (imported and reported), else ``sample``."""
    dataset, _own = dataset_and_areas(
        sample, boundaries, lang, aliases=aliases, details=details, summary=summary
    )
    return dataset


def dataset_and_areas(
    sample: Dataset,
    boundaries: Boundaries,
    lang: str,
    *,
    aliases: tuple[str, bytes] | None = None,
    details: DeltaGenerator | None = None,
    summary: DeltaGenerator | None = None,
    loaded: bool = True,
) -> tuple[Dataset, Boundaries | None]:
    """The user's uploaded data when there is one (imported and reported), else ``sample``;
    and the file's own areas (no geometry) when its records were counted on them.

    ``loaded``: ``boundaries`` come from a boundary file; without one (the embedded
    regions), or when they are another country's than the file's codes, a file whose
    P-codes are another country's is counted by its own codes and names at every level it
    has. The import's preview, column mapping and report go to ``details`` (the page's
    import tab); ``summary`` (above the map) gets one line: what was kept, and where the
    report is.
    """
    details = details if details is not None else st.container()
    summary = summary if summary is not None else st.container()
    upload = st.session_state.get(UPLOAD_KEY)
    if not upload:
        details.caption(t("upload_none", lang))
        return sample, None
    name, data = str(upload["name"]), bytes(upload["data"])
    # The file's jobs (read, then import) share one worker, started ahead of need.
    with details, bounded(name=name, limits=_UPLOAD_LIMITS) as worker:
        try:
            table = _table(data, name, worker)
        except NgomapError as error:
            st.error(plain(error.message(lang)))
            summary.error(t("upload_failed_line", lang, name=plain(name)))
            return sample, None
        column_map = _mapping(table, lang)
        mapping = {**table.mapping, **column_map}
        matched_on = boundaries_to_match(
            {field: table.column(header) for header, field in mapping.items()},
            boundaries,
            loaded=loaded,
        )
        accept = st.checkbox(
            t("upload_accept", lang), key="upload_accept", help=t("upload_accept_help", lang)
        )
        bar = st.progress(0.0, text=t("upload_progress", lang))

        def progress(fraction: float, step: str) -> None:
            bar.progress(
                min(max(fraction, 0.0), 1.0), text=f"{t('upload_progress', lang)} ({step})"
            )

        try:
            dataset, used = _import(
                worker,
                table,
                data,
                name,
                tuple(sorted(mapping.items())),
                bool(accept),
                matched_on.fingerprint if matched_on is not None else "",
                matched_on,
                progress,
                aliases,
            )
        except NgomapError as error:
            bar.empty()
            st.error(plain(error.message(lang)))
            summary.error(t("upload_failed_line", lang, name=plain(name)))
            return sample, None
        bar.empty()
        dataset = _provenance(dataset, lang)
        if aliases is not None:
            st.caption(t("upload_aliases_used", lang, name=plain(aliases[0])))
        st.markdown(f"**{t('upload_report', lang)}**")
        _report(dataset, lang)
        with st.expander(
            t("upload_preview", lang, sheet=plain(table.grid.sheet or "CSV"), row=table.header_row)
        ):
            st.dataframe(table.preview(), hide_index=True, width="stretch")
        with st.expander(t("upload_mapping_n", lang, n=len(table.mapping))):
            recognised = pd.DataFrame(
                {
                    t("upload_header", lang): list(table.mapping),
                    t("upload_field", lang): list(table.mapping.values()),
                }
            )
            st.dataframe(recognised, hide_index=True, width="stretch")
    line = t("upload_summary_line", lang, name=plain(name), rows=rows_summary(dataset.report, lang))
    if not dataset.report.usable:
        summary.warning(t("upload_unusable", lang))
        return sample, None
    if s.SECTOR not in dataset.records:
        summary.caption(line)
        return sample, None
    summary.caption(line)
    return dataset, used if used.source == OWN_AREAS_SOURCE else None


def current() -> dict[str, Any] | None:
    """The uploaded file ({"name", "data"}) of this session, or None."""
    found = st.session_state.get(UPLOAD_KEY)
    return dict(found) if found else None
