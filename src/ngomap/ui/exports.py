"""The "Export" panel: download buttons for the current view's map and data.

Each button holds a callable: the bytes are built in memory only when the user clicks
(Streamlit's deferred download), and nothing is written on the server.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import streamlit as st

from ngomap.analysis import ViewOptions
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.file_areas import without_geometry
from ngomap.export import formats as ex
from ngomap.i18n import t
from ngomap.importer.threew import Dataset
from ngomap.render.printlayout import PAPERS_MM, PrintLayout
from ngomap.ui import tiles
from ngomap.ui.folded import folded
from ngomap.views import VIEWS

DPI_CHOICES: Final = (100, 150, 200, 300)
EXPORT_OPEN: Final = "export_open"  # the "Exporter" expander: open or not (closed at first)
_SETTINGS: Final = ("export_paper", "export_orientation", "export_dpi")
_KEPT: Final = "_kept_"  # session-state prefix: a print setting kept while the panel is closed
# (button label, format, atlas, table)
_MAP_BUTTONS: Final = (
    ("PNG", "png", False, "records"),
    ("PDF", "pdf", False, "records"),
    ("SVG", "svg", False, "records"),
    ("HTML", "html", False, "records"),
)
_DATA_BUTTONS: Final = (
    ("CSV", "csv", False, "records"),
    ("CSV", "csv", False, "summary"),
    ("XLSX", "xlsx", False, "records"),
    ("GeoJSON", "geojson", False, "records"),
    ("GeoPackage", "gpkg", False, "records"),
)


_GEOMETRY_FORMATS: Final = frozenset({"geojson", "gpkg"})


def _builder(
    snap: ex.Snapshot, fmt: str, layout: PrintLayout, atlas: bool, table: str
) -> Callable[[], bytes]:
    def build() -> bytes:
        return ex.export(snap, fmt, layout=layout, atlas=atlas, table=table)

    return build


def _button(
    label: str,
    snap: ex.Snapshot,
    fmt: str,
    layout: PrintLayout,
    *,
    atlas: bool = False,
    table: str = "records",
) -> None:
    st.download_button(
        label,
        data=_builder(snap, fmt, layout, atlas, table),
        file_name=ex.file_name(snap, fmt, layout=layout, atlas=atlas, table=table),
        mime=ex.MIME[fmt],
        key=f"export_{fmt}_{table}_{atlas}",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )


def panel(
    dataset: Dataset,
    boundaries: Boundaries,
    options: ViewOptions,
    lang: str,
    population: dict[str, float] | None = None,
) -> None:
    """The expander with the print settings and one download button per format.

    Closed at first, and run only while open: its widgets and a dozen buttons cost the
    browser at every run of the page otherwise. The print settings are kept while it is
    closed (a widget not drawn in a run loses its value in Streamlit)."""
    box = folded(t("export_title", lang), EXPORT_OPEN)
    if box is None:
        return
    for key in _SETTINGS:  # put back what was chosen before the expander was closed
        if key not in st.session_state and _KEPT + key in st.session_state:
            st.session_state[key] = st.session_state[_KEPT + key]
    with box:
        st.caption(t("export_hint", lang))
        paper_col, orientation_col, dpi_col = st.columns(3)
        paper = paper_col.radio(
            t("export_paper", lang), list(PAPERS_MM), horizontal=True, key="export_paper"
        )
        orientation = orientation_col.radio(
            t("export_orientation", lang),
            ["landscape", "portrait"],
            format_func=lambda o: t(o, lang),
            horizontal=True,
            key="export_orientation",
        )
        dpi = dpi_col.select_slider(
            t("export_dpi", lang), options=list(DPI_CHOICES), value=150, key="export_dpi"
        )
        for key, value in zip(_SETTINGS, (paper, orientation, dpi), strict=True):
            st.session_state[_KEPT + key] = value
        layout = PrintLayout(paper=str(paper), orientation=str(orientation), dpi=int(dpi))
        snap = ex.Snapshot.of(
            dataset, boundaries, options, lang, population=population, tiles=tiles.on()
        )
        map_col, data_col = st.columns(2)
        drawable = not without_geometry(boundaries)
        with map_col:
            st.markdown(f"**{t('export_map', lang)}**")
            if not drawable:  # the file's own areas: tables only
                st.caption(t("file_areas_exports", lang))
            for label, fmt, atlas, table in _MAP_BUTTONS if drawable else ():
                _button(label, snap, fmt, layout, atlas=atlas, table=table)
            if drawable:
                _button(t("export_atlas", lang), snap, "pdf", layout, atlas=True)
        with data_col:
            st.markdown(f"**{t('export_data', lang)}**")
            if options.view == "gaps":  # the ranked gaps table under the map, first
                gaps = f"CSV — {t('export_view_gaps', lang)}"
                _button(gaps, snap, "csv", layout, atlas=False, table="view")
            elif VIEWS[options.view].columns:  # the view's own table (arrivals, departures)
                own = f"CSV — {t(VIEWS[options.view].label_key, lang)}"
                _button(own, snap, "csv", layout, atlas=False, table="view")
            for label, fmt, atlas, table in _DATA_BUTTONS:
                if not drawable and fmt in _GEOMETRY_FORMATS:
                    continue
                shown = label
                if fmt == "csv":
                    which = "export_summary" if table == "summary" else "export_records"
                    shown = f"{label} — {t(which, lang)}"
                _button(shown, snap, fmt, layout, atlas=atlas, table=table)
