"""The planner's four views: controls in the sidebar, the map with its side panel, tables.

Widgets keep their state in st.session_state under the keys below, filled once per session
from the URL (st.query_params), and the URL is rewritten after every run: a copied link
reopens the same map.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from typing import Any, Final

import pandas as pd
import streamlit as st
import streamlit_folium as sf
from streamlit.delta_generator import DeltaGenerator

from ngomap import analysis as a
from ngomap import schema as s
from ngomap import vocab
from ngomap.analysis import ViewOptions as ViewOptions  # shared with exports and the CLI
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.geometry import light_areas
from ngomap.areas.population import Population
from ngomap.export import formats as ex
from ngomap.i18n import sector_label, t
from ngomap.importer.threew import Dataset
from ngomap.levels import in_sentence
from ngomap.render import captions
from ngomap.render.classes import SEVERAL_COLOR, zone_color, zone_palette
from ngomap.render.webmap import choropleth
from ngomap.ui import registry_data, tiles
from ngomap.ui.folded import folded
from ngomap.ui.text import plain, plain_frame
from ngomap.ui.typeahead import TYPEAHEAD_FROM, searchable_multiselect
from ngomap.views import VIEWS as VIEW_SPECS
from ngomap.views import View, build_view

VIEWS: Final = tuple(VIEW_SPECS)
_URL_RESTORED: Final = "_ngomap_url_restored"
_LIST_KEYS: Final = (
    "sectors",
    "types",
    "presence",
    "orgs",
    "status",
    "zone_orgs",
    "lists",
    "origins",
)
_INT_KEYS: Final = ("min_overlap", "max_gap", "stale_months")
UNKNOWN_ORIGIN: Final = "?"  # the origin filter's (and the URL's) word for "not given"
STALE_CHOICES: Final = (3, 6, 12, 24, 36)  # the freshness view's months
_MAP_KEY: Final = "map"
MATRIX_OPEN: Final = "matrix_open"  # the sectors × areas expander under a map: open or not
TABLE_OPEN: Final = "table_open"  # the view's table under a map: open or not (closed at first)
_RETURNED: Final = ["last_active_drawing"]  # a click; panning and zooming do not rerun
_st_folium_frontend: Final = sf._component_func


# --- caching: data, boundaries and population are keyed by their content fingerprints ---


def _fingerprint(obj: Dataset | Boundaries | Population) -> str:
    """The hash computed once when the object was made (never its address)."""
    return obj.fingerprint


_HASH: Final[dict[Any, Callable[[Any], Any]]] = {
    Dataset: _fingerprint,
    Boundaries: _fingerprint,
    Population: _fingerprint,
}


@st.cache_data(show_spinner=False, hash_funcs=_HASH, max_entries=64)
def view(
    dataset: Dataset,
    boundaries: Boundaries,
    options: ViewOptions,
    population: Population | None,
    lang: str,
    *,
    data_source: str = "",
    data_updated: date | None = None,
    map_credit: str | None = None,
) -> View:
    """The chosen view, built as every export and the command line build it: its table
    (one row per area with VALUE, ORGANISATIONS, DETAILS), classes, words and title."""
    return build_view(
        dataset.records,
        boundaries,
        options,
        lang=lang,
        population=population,
        data_source=data_source,
        data_updated=data_updated,
        map_credit=map_credit,
    )


@st.cache_data(show_spinner=False, hash_funcs=_HASH, max_entries=64)
def side_tables(
    dataset: Dataset, boundaries: Boundaries, options: ViewOptions, lang: str
) -> dict[str, pd.DataFrame]:
    """The tables under the map for the view, and the sector x area matrix."""
    records = dataset.records
    common: dict[str, Any] = {"filters": options.filters, "level": options.level, "lang": lang}
    tables = {
        "matrix": a.matrix(records, boundaries, total_label=t("total", lang), **common),
        "by_sector": a.actors_by_sector(records, filters=options.filters),
        # The source page's chart is by region: the coarsest level, whatever the map's.
        "by_region": a.actors_by_area(
            records, boundaries, filters=options.filters, level=boundaries.levels[0], lang=lang
        ),
    }
    if options.view == "overlap":
        tables["cells"] = a.overlaps(records, boundaries, min_actors=options.min_overlap, **common)
        tables["pairs"] = a.pairs(records, boundaries, **common)
    return tables


# --- the URL ---------------------------------------------------------------------------


def restore_from_url() -> None:
    """Put the URL's choices into the session once, before the widgets are drawn."""
    if st.session_state.get(_URL_RESTORED):
        return
    st.session_state[_URL_RESTORED] = True
    params = st.query_params
    for key in params:
        if key in _LIST_KEYS:
            st.session_state[f"_url_{key}"] = [v for v in params[key].split(",") if v]
        elif key in _INT_KEYS:
            try:
                st.session_state[f"_url_{key}"] = int(params[key])
            except ValueError:
                continue
        else:
            st.session_state[f"_url_{key}"] = params[key]


def _initial(key: str, default: Any, valid: Callable[[Any], Any] | None = None) -> None:
    """Give a widget its first value: from the URL when valid, else ``default``."""
    if key in st.session_state:
        return
    value = st.session_state.pop(f"_url_{key}", None)
    if value is not None and valid is not None:
        value = valid(value)
    st.session_state[key] = default if value is None else value


def _follow(key: str, options: Sequence[str], *, all_by_default: bool) -> None:
    """Keep a multiselect's value valid when its options change (new data, new boundaries).

    "Everything" stays everything; a narrower choice keeps what still exists (or, if
    nothing does, goes back to the default).
    """
    before = st.session_state.get(f"_options_{key}")
    st.session_state[f"_options_{key}"] = list(options)
    if key not in st.session_state or before is None or list(before) == list(options):
        return
    value = st.session_state[key]
    if isinstance(value, list) and set(value) >= set(before) and all_by_default:
        st.session_state[key] = list(options)
        return
    kept = [v for v in value if v in options] if isinstance(value, list) else []
    st.session_state[key] = kept or (list(options) if all_by_default else [])


def _follow_period(bounds: tuple[date, date]) -> None:
    """Keep the period inside the data's period when the data change."""
    before = st.session_state.get("_period_bounds")
    st.session_state["_period_bounds"] = bounds
    if "period" not in st.session_state or before is None or tuple(before) == bounds:
        return
    value = st.session_state["period"]
    if not isinstance(value, tuple | list) or len(value) != 2 or tuple(value) == tuple(before):
        st.session_state["period"] = bounds  # the whole period stays the whole period
        return
    start, end = max(value[0], bounds[0]), min(value[1], bounds[1])
    st.session_state["period"] = (start, end) if start <= end else bounds


def _subset(options: Sequence[str]) -> Callable[[Any], list[str] | None]:
    def valid(value: Any) -> list[str] | None:
        chosen = [v for v in value if v in options] if isinstance(value, list) else []
        return chosen or None

    return valid


def _one_of(options: Sequence[str]) -> Callable[[Any], str | None]:
    return lambda value: value if value in options else None


def save_to_url(
    options: ViewOptions, lang: str, *, made_with: dict[str, str] | None = None
) -> None:
    """Write the view, level and filters into the URL (only what differs from defaults).

    ``made_with``: what names the data and boundaries shown (see ``ui.link``).
    """
    params: dict[str, str] = {"lang": lang, "view": options.view, "level": options.level}
    params.update(made_with or {})
    params.update(tiles.params())
    filters = options.filters
    if filters.sectors is not None:
        params["sectors"] = ",".join(filters.sectors) or "-"
    for key, chosen in (
        ("types", filters.org_types),
        ("presence", filters.presence),
        ("orgs", filters.organisations),
        ("status", filters.statuses),
        ("zone_orgs", options.zone_orgs),
        ("lists", filters.lists),
        ("origins", tuple(o or UNKNOWN_ORIGIN for o in filters.origins or ())),
    ):
        if chosen:
            params[key] = ",".join(chosen)
    if options.view == "freshness":
        params["stale_months"] = str(options.stale_months)
    if options.view == "overlap":
        params["min_overlap"] = str(options.min_overlap)
    if options.view == "gaps":
        params["max_gap"] = str(options.max_gap)
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)


# --- the sidebar -------------------------------------------------------------------------


def _labels_of(values: pd.Series, label: Callable[[str], str]) -> dict[str, str]:
    codes = sorted({str(v) for v in values.dropna() if str(v)}, key=lambda c: label(c).casefold())
    return {code: label(code) for code in codes}


def _multi(
    key: str,
    title: str,
    choices: dict[str, str],
    lang: str,
    *,
    all_by_default: bool,
    help_text: str = "",
    box: DeltaGenerator,
) -> tuple[str, ...] | None:
    """A multiselect over ``choices``; None when every choice (or, if allowed, none) is kept."""
    options = list(choices)
    _follow(key, options, all_by_default=all_by_default)
    _initial(key, options if all_by_default else [], _subset(options))
    if not all_by_default and len(options) > TYPEAHEAD_FROM:  # searched on the server
        chosen = searchable_multiselect(key, title, choices, lang, help_text=help_text, box=box)
    else:
        chosen = box.multiselect(
            title,
            options=options,
            format_func=lambda code: choices.get(code, code),
            key=key,
            help=help_text or None,
            placeholder=t("choose", lang),
        )
    if all_by_default and set(chosen) == set(options):
        return None
    if not all_by_default and not chosen:
        return None
    return tuple(c for c in options if c in chosen)


def controls(
    records: pd.DataFrame,
    boundaries: Boundaries,
    lang: str,
    *,
    level: str | None = None,
    where: DeltaGenerator | None = None,
) -> ViewOptions:
    """The view selector, the filter panel and the view's own settings, in the sidebar.

    ``where``: a container of the sidebar to draw them in (the page puts them above the
    data and boundary panels, so the filters are the first thing a planner sees).
    """
    box = where if where is not None else st.sidebar
    _initial("view", "density", _one_of(VIEWS))
    view = box.radio(
        t("view", lang),
        options=list(VIEWS),
        format_func=lambda key: t(VIEW_SPECS[key].label_key, lang),
        key="view",
    )
    box.markdown(f"**{t('filters', lang)}**")
    sectors = _labels_of(records[s.SECTOR], lambda c: sector_label(c, lang))
    filters = a.Filters()
    if not sectors:
        box.caption(t("no_sectors_in_data", lang))  # a file without a sector column
    else:
        _follow("sectors", list(sectors), all_by_default=True)
        _initial("sectors", list(sectors), _subset(list(sectors)))
        chosen_sectors = box.multiselect(
            t("sectors", lang),
            options=list(sectors),
            format_func=lambda c: sectors.get(c, c),
            help=t("sectors_help", lang),
            key="sectors",
        )
        if set(chosen_sectors) != set(sectors):
            filters = a.Filters(sectors=tuple(c for c in sectors if c in chosen_sectors))
    if s.ORG_TYPE in records:
        types = _labels_of(records[s.ORG_TYPE], lambda c: vocab.org_types().label(c, lang))
        if len(types) > 1:
            filters = replace(
                filters,
                org_types=_multi(
                    "types", t("org_types", lang), types, lang, all_by_default=True, box=box
                ),
            )
    filters = _registry_filters(records, filters, lang, box)
    if s.PRESENCE in records:
        modes = _labels_of(records[s.PRESENCE], lambda c: vocab.presence_modes().label(c, lang))
        if len(modes) > 1:
            filters = replace(
                filters,
                presence=_multi(
                    "presence", t("presence_modes", lang), modes, lang, all_by_default=True, box=box
                ),
            )
    organisations = organisation_names(records)
    filters = replace(
        filters,
        organisations=_multi(
            "orgs",
            t("organisations_filter", lang),
            organisations,
            lang,
            all_by_default=False,
            help_text=t("organisations_filter_help", lang),
            box=box,
        ),
    )
    if s.STATUS in records:
        statuses = _labels_of(records[s.STATUS], str)
        if len(statuses) > 1:
            filters = replace(
                filters,
                statuses=_multi(
                    "status", t("statuses", lang), statuses, lang, all_by_default=True, box=box
                ),
            )
    period = a.period_bounds(records)
    if period is not None:
        _follow_period(period)
        _initial("period", period)
        picked = box.date_input(
            t("period", lang),
            min_value=period[0],
            max_value=period[1],
            key="period",
            format="DD/MM/YYYY" if lang == "fr" else "YYYY-MM-DD",
        )
        if isinstance(picked, tuple) and len(picked) == 2 and tuple(picked) != period:
            filters = replace(filters, period=(picked[0], picked[1]))

    options = ViewOptions(
        view=str(view),
        level=level or boundaries.level,
        filters=filters,
        country=boundaries.country,  # its level words: Cercle in Mali, LGA in Nigeria
    )
    if view == "overlap":
        _initial("min_overlap", 2)
        n = box.number_input(
            t("min_overlap", lang), min_value=2, max_value=50, step=1, key="min_overlap"
        )
        options = replace(options, min_overlap=int(n))
    elif view == "gaps":
        _initial("max_gap", 1)
        n = box.number_input(t("max_gap", lang), min_value=1, max_value=50, step=1, key="max_gap")
        options = replace(options, max_gap=int(n))
    elif view == "zones":
        _follow("zone_orgs", list(organisations), all_by_default=False)
        _initial("zone_orgs", [], _subset(list(organisations)))
        if len(organisations) > TYPEAHEAD_FROM:  # searched on the server
            zone = searchable_multiselect(
                "zone_orgs", t("zone_orgs", lang), organisations, lang, box=box
            )
        else:
            zone = box.multiselect(
                t("zone_orgs", lang),
                options=list(organisations),
                format_func=lambda k: organisations.get(k, k),
                key="zone_orgs",
                placeholder=t("choose", lang),
            )
        options = replace(options, zone_orgs=tuple(zone))
    elif view == "freshness":
        options = _freshness_options(options, lang, box)
    elif view == "density":
        _initial("per_capita", False)
        per_capita = box.toggle(t("per_capita", lang), key="per_capita")
        options = replace(options, per_capita=bool(per_capita))
    return options


def _registry_filters(
    records: pd.DataFrame, filters: a.Filters, lang: str, box: DeltaGenerator
) -> a.Filters:
    """The registry's lists and its organisations' countries of origin, when it has several
    (a file has neither column: nothing is drawn). Every list and origin by default."""
    if s.LIST_SOURCE in records:
        lists = _labels_of(records[s.LIST_SOURCE], str)
        if len(lists) > 1:
            chosen = _multi(
                "lists",
                t("lists_filter", lang),
                lists,
                lang,
                all_by_default=True,
                help_text=t("lists_filter_help", lang),
                box=box,
            )
            filters = replace(filters, lists=chosen)
    if s.ORG_COUNTRY in records:
        given = records[s.ORG_COUNTRY].fillna("").astype(str)
        codes = {str(v) or UNKNOWN_ORIGIN for v in given.unique()}
        if len(codes) > 1:
            unknown = t("origin_unknown", lang)
            choices = {
                code: unknown if code == UNKNOWN_ORIGIN else code
                for code in sorted(codes, key=lambda c: (c == UNKNOWN_ORIGIN, c.casefold()))
            }
            chosen = _multi(
                "origins",
                t("origins_filter", lang),
                choices,
                lang,
                all_by_default=True,
                help_text=t("origins_filter_help", lang),
                box=box,
            )
            if chosen is not None:
                chosen = tuple("" if c == UNKNOWN_ORIGIN else c for c in chosen)
            filters = replace(filters, origins=chosen)
    return filters


def _freshness_options(options: ViewOptions, lang: str, box: DeltaGenerator) -> ViewOptions:
    """The freshness view's months (the Registry panel's freshness when chosen, else 12)
    and its reference date (the registry's "as of" date, else today)."""
    fresh = st.session_state.get(registry_data.FRESH)
    _initial(
        "stale_months",
        fresh if fresh in STALE_CHOICES else 12,
        lambda v: v if v in STALE_CHOICES else None,
    )
    months = box.selectbox(
        t("stale_months", lang),
        options=STALE_CHOICES,
        format_func=lambda n: t("stale_months_n", lang, n=n),
        key="stale_months",
        help=t("stale_months_help", lang),
    )
    as_of = st.session_state.get(registry_data.AS_OF)
    return replace(
        options,
        stale_months=int(months),
        reference=as_of if isinstance(as_of, date) else None,
    )


organisation_names = a.organisation_names


# --- the main area -----------------------------------------------------------------------


def _zone_colors(
    shown: View,
) -> tuple[dict[str, str] | None, list[tuple[str, str]] | None]:
    """The zones view's colours: one per chosen organisation (up to 8), one for several.

    Beyond 8 organisations, None: the map shades how many work in each area.
    """
    if shown.options.view != "zones":
        return None, None
    table = shown.table
    present = [list(names) for names in table[a.ORGANISATIONS]]
    chosen = sorted({name for names in present for name in names})
    palette = zone_palette(chosen)
    if palette is None:
        return None, None
    colors = {
        str(code): color
        for code, names in zip(table[s.AREA_CODE], present, strict=True)
        if (color := zone_color(names, palette)) is not None
    }
    legend = [(color, name) for name, color in palette.items()]
    if len(palette) > 1:
        legend.append((SEVERAL_COLOR, t("legend_zones_several", shown.lang)))
    return colors, legend


def _folium_args(fmap: Any) -> dict[str, Any]:
    """What ``st_folium`` (streamlit-folium 0.27) sends its frontend for ``fmap``: its own
    steps for a map without draw tools, feature groups, layer control or colormap."""
    fmap.get_root().render()
    fmap.render()
    html = sf._get_html(fmap)  # before _get_map_string, which alters the map's ids
    header = sf._get_header(fmap)
    script = sf._get_map_string(fmap)
    css = [href for element in _elements(fmap) for _, href in getattr(element, "default_css", [])]
    js = [src for element in _elements(fmap) for _, src in getattr(element, "default_js", [])]
    return {
        "script": script,
        "header": header,
        "html": html,
        "id": sf.get_full_id(fmap),
        "css_links": list(dict.fromkeys(css)),
        "js_links": list(dict.fromkeys(js)),
        "hash": sf.generate_js_hash(script, _MAP_KEY, False),
    }


def _elements(element: Any) -> Iterator[Any]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _elements(child)


@st.cache_resource(show_spinner=False, hash_funcs=_HASH, max_entries=32)
def _map_args(
    dataset: Dataset,
    boundaries: Boundaries,
    options: ViewOptions,
    population: Population | None,
    lang: str,
    *,
    data_source: str = "",
    data_updated: date | None = None,
    map_credit: str | None = None,
    with_tiles: bool = False,
) -> dict[str, Any]:
    """The map of a view, rendered once per view for every session: the same inputs as
    ``view`` (content fingerprints) and the tiles switch, the st_folium frontend's arguments
    as the value."""
    shown = view(
        dataset,
        boundaries,
        options,
        population,
        lang,
        data_source=data_source,
        data_updated=data_updated,
        map_credit=map_credit,
    )
    areas = light_areas(boundaries, options.level)
    return _folium_args(_choropleth(shown, areas, with_tiles=with_tiles))


def _choropleth(shown: View, areas: Any, *, with_tiles: bool) -> Any:
    area_colors, legend = _zone_colors(shown)
    return choropleth(
        areas,
        shown.table,
        labels=shown.labels,
        value_column=a.VALUE,
        details_column=a.DETAILS if a.DETAILS in shown.table else None,
        classes=shown.classes,
        area_colors=area_colors,
        legend=legend,
        tiles=with_tiles,
        lang=shown.lang,
    )


def show_map(shown: View, areas: Any) -> str | None:
    """Draw a view's map; return the P-code of the area the user clicked, if any."""
    return _draw(_folium_args(_choropleth(shown, areas, with_tiles=tiles.on())))


def show_view_map(
    dataset: Dataset,
    boundaries: Boundaries,
    options: ViewOptions,
    population: Population | None,
    lang: str,
    **words: Any,
) -> str | None:
    """``show_map`` of ``view(dataset, boundaries, options, population, lang, **words)``,
    rendered once per view for every session and rerun (``_map_args``)."""
    rendered = _map_args(
        dataset, boundaries, options, population, lang, with_tiles=tiles.on(), **words
    )
    return _draw(rendered)


def _draw(rendered: dict[str, Any]) -> str | None:
    """st_folium's frontend drawing a rendered map, asked for clicks only; the clicked code."""
    args = dict(rendered)
    key = args.pop("hash")  # st_folium's key: the script's hash (a new map is a new frame)
    result = _st_folium_frontend(
        **args,
        key=key,
        height=540,
        width=None,  # the container's width
        returned_objects=_RETURNED,
        default={"last_active_drawing": None},
        zoom=None,
        center=None,
        feature_group=None,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        on_change=None,
        wrap_longitude=False,
    )
    clicked = (result or {}).get("last_active_drawing") or {}
    code = (clicked.get("properties") or {}).get("code")
    return str(code) if code else None


def area_panel(
    records: pd.DataFrame,
    boundaries: Boundaries,
    code: str | None,
    options: ViewOptions,
    lang: str,
) -> None:
    """The clicked area's actors by sector (presence mode, partners, type)."""
    if code is None or code not in boundaries.areas.index:
        st.caption(t("click_hint", lang))
        return
    st.markdown(f"**{t('area_panel', lang, area=plain(boundaries.display_name(code, lang)))}**")
    detail = a.area_actors(records, boundaries, code, filters=options.filters)
    if detail.empty:
        st.caption(t("area_panel_empty", lang))
        return
    # Compact for a busy area: one folded line per sector with its count, names inside.
    sectors = detail.groupby(s.SECTOR, sort=False)
    st.caption(
        t("area_panel_counts", lang, n=detail[s.ORG_NAME].nunique(), sectors=sectors.ngroups)
    )
    ranked = sorted(sectors, key=lambda item: (-len(item[1]), sector_label(str(item[0]), lang)))
    several_lists = s.LIST_SOURCE in detail and records[s.LIST_SOURCE].nunique() > 1
    for sector, group in ranked:
        label = f"{sector_label(str(sector), lang)} ({len(group)})"
        with st.expander(plain(label), expanded=len(ranked) == 1):
            shown = pd.DataFrame({t("org_a", lang): group[s.ORG_NAME]})
            if s.PRESENCE in group:
                shown[t("presence", lang)] = group[s.PRESENCE].map(
                    lambda v: ", ".join(
                        vocab.presence_modes().label(p, lang) for p in v.split(", ") if p
                    )
                )
            if s.ORG_TYPE in group:
                shown[t("org_type", lang)] = group[s.ORG_TYPE].map(
                    lambda v: ", ".join(
                        vocab.org_types().label(p, lang) for p in v.split(", ") if p
                    )
                )
            if s.PARTNER in group:
                shown[t("partners", lang)] = group[s.PARTNER]
            if several_lists:  # the registry holds two lists: say which one says so
                shown[t("lists_filter", lang)] = group[s.LIST_SOURCE]
            st.table(plain_frame(shown), hide_index=True, border="horizontal")  # renders Markdown


def view_tables(
    table: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    options: ViewOptions,
    lang: str,
    *,
    fold: bool = False,
) -> None:
    """The tables that go with the view.

    ``fold`` (under a map): the view's table and the sectors × areas matrix each in an
    expander, closed at first and sent only while open. A data grid on the page makes the
    browser load and run Streamlit's grid (about 1.2 MB of script): with one shown, a later
    visit took about 0.6 s more to draw the map, and the commune matrix (701 columns) 0.5 s
    more, and the first view whose table was open paid it instead (the gaps view's switch
    took 1.45 s with its ranking open, 0.85 s folded: ``benchmarks.app_stages_bench``).
    The map and its click panel answer first; without a map every table stays open."""
    area = captions.area_word(options.level, lang, country=options.country)  # Cercle, LGA...
    title, count, frames = _view_frames(table, tables, options, lang, area)
    where = _part(f"{title} ({count})", TABLE_OPEN, fold=fold, title=title)
    for number, (subtitle, frame) in enumerate(frames() if where is not None else []):
        if number:  # the overlap view's second table, under its own words
            where.markdown(f"**{subtitle}**")
        where.dataframe(frame, hide_index=True, width="stretch")
    areas = captions.areas_word(options.level, lang, country=options.country)
    title = t("matrix_title", lang, areas=in_sentence(areas))
    where = _part(title, MATRIX_OPEN, fold=fold, title=title)
    if where is None:
        return
    if not tables["matrix"].empty:
        matrix = tables["matrix"].copy()
        matrix.index = [sector_label(c, lang) if c != t("total", lang) else c for c in matrix.index]
        where.dataframe(matrix, width="stretch")
    else:  # an opened expander is not left empty: data at a coarser level, filters
        where.caption(t("matrix_empty", lang, areas=in_sentence(areas)))


def _part(label: str, key: str, *, fold: bool, title: str) -> Any:
    """Where a table goes: a folded expander (None while closed), or the page under ``title``."""
    if fold:
        return folded(label, key)
    st.subheader(title)
    return st


def _view_frames(
    table: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    options: ViewOptions,
    lang: str,
    area: str,
) -> tuple[str, int, Callable[[], list[tuple[str, pd.DataFrame]]]]:
    """The view's title, its table's number of rows, and what makes its tables as shown
    (the overlap view has two): called only when they are drawn, not for a closed fold."""
    spec = VIEW_SPECS[options.view]
    if options.view == "gaps":  # the same ranked table the view exports (CSV, XLSX, CLI)
        title = t("gaps_title", lang)
        return (
            title,
            int(table["gap"].sum()),
            lambda: [(title, ex.gaps_table(table, lang, options.level, country=options.country))],
        )
    if spec.ranked:  # freshness: the areas with calls to make first
        title = t(spec.label_key, lang)
        count = int((table[a.ACTORS] > 0).sum())
        return title, count, lambda: [(title, ex.columns_table(table, options, lang))]
    if options.view == "overlap":
        title = t("pairs_title", lang)
        return title, len(tables["pairs"]), lambda: _overlap_frames(tables, lang, area)
    if options.view == "zones":
        zones = table.loc[table[a.ACTORS] > 0]
        title = t("zones_title", lang)
        columns = {area: zones[a.AREA_NAME], t("details", lang): zones[a.DETAILS]}
        return title, len(zones), lambda: [(title, pd.DataFrame(columns))]
    title = captions.areas_word(options.level, lang, country=options.country)
    return title, len(table), lambda: [(title, _areas_frame(table, options, lang, area))]


def _overlap_frames(
    tables: dict[str, pd.DataFrame], lang: str, area: str
) -> list[tuple[str, pd.DataFrame]]:
    """The overlap view's pairs of organisations, then its areas × sectors cells."""
    pairs, cells = tables["pairs"], tables["cells"]
    sectors = pairs[a.SECTORS].map(lambda codes: ", ".join(sector_label(c, lang) for c in codes))
    pair_frame = pd.DataFrame(
        {
            t("org_a", lang): pairs[a.ORG_A],
            t("org_b", lang): pairs[a.ORG_B],
            t("pairs_shared", lang): pairs[a.SHARED],
            t("areas", lang): pairs[a.AREAS].map(", ".join),
            t("sectors", lang): sectors,
        }
    )
    cell_frame = pd.DataFrame(
        {
            area: cells[a.AREA_NAME],
            t("sector", lang): cells[s.SECTOR].map(lambda c: sector_label(c, lang)),
            t("count", lang): cells[a.ACTORS],
            t("organisations", lang): cells[a.ORGANISATIONS].map(", ".join),
        }
    )
    return [(t("pairs_title", lang), pair_frame), (t("overlap_cells", lang), cell_frame)]


def _areas_frame(table: pd.DataFrame, options: ViewOptions, lang: str, area: str) -> pd.DataFrame:
    """Each area with its count and organisations, and the view's own columns."""
    spec = VIEW_SPECS[options.view]
    shown = pd.DataFrame(
        {
            area: table[a.AREA_NAME],
            t("count", lang): table[a.ACTORS],
            t("organisations", lang): table[a.ORGANISATIONS].map(", ".join),
        }
    )
    for column, key in spec.columns:  # the view's own columns (arrivals, departures)
        shown.insert(len(shown.columns) - 1, t(key, lang), table[column].to_numpy())
    if a.DETAILS in table and spec.details_words is not None:
        shown[t(spec.details_key, lang)] = table[a.DETAILS]
    if a.PER_100K in table:
        shown[t("population", lang)] = table[a.POPULATION]
        shown[t("legend_per_capita", lang)] = table[a.PER_100K].round(1)
    return shown.sort_values(t("count", lang), ascending=False)
