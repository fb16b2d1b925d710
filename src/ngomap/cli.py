"""The command line: ngomap app | summary | validate | export."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from ngomap import analysis, levels, messages, vocab
from ngomap import schema as s
from ngomap._paths import APP_SCRIPT
from ngomap.access_cli import api_command, users_app
from ngomap.advise.cli_advise import notify, remind
from ngomap.advise.cli_brief import brief
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.file_areas import OWN_AREAS_SOURCE
from ngomap.areas.files import at_level, load_boundaries
from ngomap.cells import inert_frame
from ngomap.errors import NgomapError
from ngomap.importer.population import read_population
from ngomap.importer.report import kinds_frame, rows_sentence
from ngomap.importer.threew import UPLOAD_LIMIT_MB, Dataset, import_dataset_areas, load_sample
from ngomap.importer.validate import ImportReport
from ngomap.messages import Msg
from ngomap.normalise import norm_text
from ngomap.registry.cli import app as registry_app
from ngomap.registry.setup import read_registry as registry_view
from ngomap.render import captions
from ngomap.render.webassets import install_static
from ngomap.schema import Problem
from ngomap.serve import run_child, streamlit_command, warm_when_up
from ngomap.views import VIEWS

cli = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="ngomap: who does what where. Without FILE, the embedded sample is used.",
)


class Format(StrEnum):
    """Output formats of `ngomap summary`."""

    csv = "csv"
    json = "json"


FileArg = Annotated[
    Path | None,
    typer.Argument(help="A 3W file (CSV or XLSX); the embedded sample when left out."),
]


BoundariesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--boundaries",
        help="A boundary file (GeoJSON, GeoPackage, zipped shapefile, TopoJSON); repeatable, "
        "one file per level. The embedded regions when left out.",
    ),
]
LevelOpt = Annotated[
    str | None, typer.Option("--level", help="adm1, adm2 or adm3 (the map's level).")
]
CrsOpt = Annotated[
    str | None,
    typer.Option(
        "--crs",
        help="The coordinate system of boundary files that do not say theirs (a shapefile "
        "without its .prj), e.g. EPSG:32630; a file's own system wins.",
    ),
]
MapOpt = Annotated[
    list[str] | None,
    typer.Option("--map", help='Map a column by hand: "Header=field"; repeatable.'),
]
PopulationOpt = Annotated[
    Path | None,
    typer.Option(
        "--population",
        help="A population table (OCHA COD-PS CSV: P-code and T_TL): density per 100,000 "
        "inhabitants, gaps ranked by population.",
    ),
]
DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Read the registry at this database URL instead of a file ($NGOMAP_DATABASE_URL "
        "or the default registry when --as-of is given alone).",
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="The registry as of a round (R3) or a date (2025-03-31)."),
]
OriginOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--origin",
        help="With the registry: only organisations from this country of origin (as their "
        'entry gives it, e.g. France; "" for those without one); repeatable.',
    ),
]
ListOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--list",
        help="With the registry: only the presences of this list (a round's --source, e.g. "
        "embassy or ocha-3w); repeatable. Every list by default.",
    ),
]
AcceptOpt = Annotated[
    bool,
    typer.Option("--accept-suggestions", help="Apply the fuzzy matches the report suggests."),
]


def _population(
    path: Path | None, boundaries: Boundaries, level: str | None, lang: str
) -> dict[str, float] | None:
    """The population table, its mismatches with the boundaries said on stderr."""
    if path is None:
        return None
    if not path.is_file():
        raise typer.BadParameter(f"{path} does not exist", param_hint="--population")
    population, problems = read_population(path, boundaries, level=level)
    for problem in problems:
        typer.echo(f"{problem.severity}: {problem.message(lang)}", err=True)
    return population


def _column_map(values: list[str] | None) -> dict[str, str]:
    mapping = {}
    for value in values or []:
        header, sep, field = value.partition("=")
        if not sep or not header.strip() or not field.strip():
            raise typer.BadParameter(f"{value!r} is not Header=field", param_hint="--map")
        mapping[header.strip()] = field.strip()
    return mapping


OrgAliasOpt = Annotated[
    Path | None,
    typer.Option("--org-aliases", help="Your own organisation aliases: a CSV with alias,name."),
]


SectorAliasOpt = Annotated[
    Path | None,
    typer.Option("--sector-aliases", help="Your own sector aliases: a CSV with alias,code."),
]
TypeAliasOpt = Annotated[
    Path | None,
    typer.Option(
        "--type-aliases", help="Your own organisation type aliases: a CSV with alias,code."
    ),
]
PresenceAliasOpt = Annotated[
    Path | None,
    typer.Option(
        "--presence-aliases", help="Your own presence mode aliases: a CSV with alias,code."
    ),
]


def _vocab_files(
    sectors: Path | None, types: Path | None, presence: Path | None
) -> dict[str, vocab.AliasFile]:
    files: dict[str, vocab.AliasFile] = {}
    for name, path, option in (
        ("sectors", sectors, "--sector-aliases"),
        ("org_types", types, "--type-aliases"),
        ("presence", presence, "--presence-aliases"),
    ):
        if path is not None:
            if not path.is_file():
                raise typer.BadParameter(f"{path} does not exist", param_hint=option)
            files[name] = path
    return files


def _progress(fraction: float, step: str) -> None:
    """Show a long import's progress on stderr, when it is a terminal."""
    if sys.stderr.isatty():
        end = "\n" if fraction >= 1 else ""
        print(f"\r{step:<14} {fraction:4.0%}", end=end, file=sys.stderr, flush=True)


def _where(problem: Problem) -> str:
    if problem.row is None:
        return "file"
    rows = problem.rows or (problem.row,)
    shown = ", ".join(str(r) for r in rows[:8])
    more = f" (+{len(rows) - 8})" if len(rows) > 8 else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


@dataclass(frozen=True)
class _Registry:
    """Read the registry instead of a file: its URL (None: the default) and point in time."""

    url: str | None
    as_of: str | None


def _registry(db: str | None, as_of: str | None) -> _Registry | None:
    return None if db is None and as_of is None else _Registry(db, as_of)


def _registry_choice(
    records: pd.DataFrame,
    registry: _Registry | None,
    *,
    origins: list[str] | None,
    lists: list[str] | None,
    lang: str,
) -> analysis.Filters:
    """The Filters' ``origins`` and ``lists`` the options give, checked against the registry:
    a usage error naming the known values for one it does not hold, or when a file is read."""
    chosen: dict[str, tuple[str, ...]] = {}
    for option, field, column, values in (
        ("--origin", "origins", s.ORG_COUNTRY, origins),
        ("--list", "lists", s.LIST_SOURCE, lists),
    ):
        if not values:
            continue
        if registry is None or column not in records:
            raise typer.BadParameter(
                messages.text(Msg.VIEWS_NEEDS_REGISTRY, lang, option=option), param_hint=option
            )
        known = sorted({str(v) for v in records[column].fillna("").unique()}, key=str.casefold)
        folded = {k.casefold().strip(): k for k in known}
        picked = []
        for value in values:
            found = folded.get(value.casefold().strip())
            if found is None:
                shown = ", ".join(k or '""' for k in known) or "—"
                raise typer.BadParameter(
                    messages.text(
                        Msg.VIEWS_UNKNOWN_CHOICE, lang, option=option, value=value, known=shown
                    ),
                    param_hint=option,
                )
            picked.append(found)
        chosen[field] = tuple(dict.fromkeys(picked))
    return analysis.Filters(origins=chosen.get("origins"), lists=chosen.get("lists"))


def _reference(as_of: str | None, dataset: Dataset) -> date | None:
    """The freshness view's reference date: --as-of's date, a round's date, else today."""
    if as_of is None:
        return None
    try:
        return date.fromisoformat(as_of.strip())
    except ValueError:
        return dataset.updated


def _load(
    file: Path | None,
    *,
    boundaries_path: list[Path] | Path | None = None,
    level: str | None = None,
    crs: str | None = None,
    column_map: dict[str, str] | None = None,
    accept_suggestions: bool = False,
    org_aliases: Path | None = None,
    vocab_aliases: dict[str, vocab.AliasFile] | None = None,
    registry: _Registry | None = None,
) -> tuple[Dataset, Boundaries]:
    """The data (the sample when ``file`` is None) and the boundaries it was matched on.

    A file is imported as the page imports an upload (``import_dataset_areas``), so both say
    the same of it, its date included."""
    paths = [boundaries_path] if isinstance(boundaries_path, Path) else boundaries_path or []
    if registry is not None:
        if file is not None:
            raise typer.BadParameter("give a FILE or --db/--as-of, not both", param_hint="FILE")
        bounds = load_boundaries(paths or None, level=level, crs=crs)
        return registry_view(registry.url, as_of=registry.as_of).dataset(), bounds
    for path in paths:
        if not path.is_file():
            raise typer.BadParameter(f"{path} does not exist", param_hint="--boundaries")
    if org_aliases is not None and not org_aliases.is_file():
        raise typer.BadParameter(f"{org_aliases} does not exist", param_hint="--org-aliases")
    boundaries = load_boundaries(paths, level=level, crs=crs) if paths else None
    if file is None:
        boundaries = boundaries or load_boundaries(None, level=level)
        return load_sample(boundaries), boundaries
    if not file.is_file():
        raise typer.BadParameter(f"{file} does not exist or is not a file", param_hint="FILE")
    dataset, used = import_dataset_areas(
        file,
        boundaries=boundaries,
        column_map=column_map,
        accept_suggestions=accept_suggestions,
        org_aliases=org_aliases,
        progress=_progress,
        vocab_aliases=vocab_aliases,
    )
    if boundaries is None:  # the embedded regions, or the file's own areas
        own = used.source == OWN_AREAS_SOURCE
        used = at_level(used, level) if own else load_boundaries(None, level=level)
    return dataset, used


def _nothing_counted(
    records: pd.DataFrame,
    report: ImportReport,
    sectors: list[str] | None,
    lang: str,
) -> str | None:
    """One sentence when nothing can be counted (every row left out, a filter empty)."""
    if records.empty:
        foreign = report.by_kind("area.other_country")
        if foreign:
            return foreign[0].message(lang)
        return messages.text(
            Msg.CLI_NOTHING_TO_COUNT, lang, rows=report.rows_read, source=report.source
        )
    if sectors and not records[s.SECTOR].isin(sectors).any():
        present = ", ".join(sorted({str(v) for v in records[s.SECTOR]} - {""})) or "-"
        return messages.text(
            Msg.CLI_NO_RECORD_IN_SECTORS, lang, sectors=", ".join(sectors), present=present
        )
    return None


def _sector_codes(values: list[str]) -> list[str] | None:
    if not values:
        return None
    codes = []
    for value in values:
        match = vocab.sectors().aliases.lookup(value)
        if match is None:
            known = ", ".join(vocab.sectors().codes)
            raise typer.BadParameter(
                f"unknown sector {value!r}; use one of {known}", param_hint="--sector"
            )
        codes.append(match.code)
    return codes


def _empty_level(
    records: pd.DataFrame, bounds: Boundaries, level: str, sectors: list[str] | None, lang: str
) -> str:
    """Why nothing is counted at ``level``: the data's coarser level when the boundaries
    have it (the page's grey-map warning, ``analysis.coarser_level``), in the country's words."""
    filters = analysis.Filters(sectors=tuple(sectors) if sectors else None)
    options = analysis.ViewOptions(level=level, filters=filters)
    coarse = analysis.coarser_level(records, bounds, options)
    areas = levels.many_in_sentence(level, bounds.country)
    if coarse is None:
        return messages.text(Msg.CLI_NO_RECORD_AT_LEVEL, lang, level=level, areas=areas)
    return messages.text(
        Msg.CLI_DATA_AT_COARSER_LEVEL,
        lang,
        coarse_many=levels.many_in_sentence(coarse, bounds.country),
        coarse=coarse,
        areas=areas,
        level=level,
    )


@cli.command()
def summary(
    file: FileArg = None,
    boundaries: BoundariesOpt = None,
    level: LevelOpt = None,
    crs: CrsOpt = None,
    sector: Annotated[
        list[str] | None, typer.Option("--sector", help="A sector code or name; repeatable.")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="csv or json.")] = Format.csv,
    column: MapOpt = None,
    accept_suggestions: AcceptOpt = False,
    org_aliases: OrgAliasOpt = None,
    sector_aliases: SectorAliasOpt = None,
    type_aliases: TypeAliasOpt = None,
    presence_aliases: PresenceAliasOpt = None,
    lang: Annotated[str, typer.Option("--lang", help="fr or en, for area names.")] = "fr",
    db: DbOpt = None,
    as_of: AsOfOpt = None,
    origin: OriginOpt = None,
    list_source: ListOpt = None,
) -> None:
    """Actors per area and sector: area_code, area_name, level, sector, actors, organisations."""
    try:
        dataset, bounds = _load(
            file,
            boundaries_path=boundaries,
            level=level,
            crs=crs,
            column_map=_column_map(column),
            accept_suggestions=accept_suggestions,
            org_aliases=org_aliases,
            registry=_registry(db, as_of),
            vocab_aliases=_vocab_files(sector_aliases, type_aliases, presence_aliases),
        )
        records, report = dataset.records, dataset.report
        chosen = _registry_choice(
            records, _registry(db, as_of), origins=origin, lists=list_source, lang=lang
        )
        codes = _sector_codes(sector or [])
        table = analysis.summary(
            records,
            bounds,
            sectors=codes,
            filters=chosen,
            level=level,
            lang=lang,
        )
    except NgomapError as exc:
        typer.echo(exc.message(lang), err=True)
        raise typer.Exit(1) from exc
    empty = _nothing_counted(records, report, codes, lang)
    if empty is None and table.empty:
        empty = _empty_level(records, bounds, level or bounds.level, codes, lang)
    if empty is not None:
        typer.echo(empty, err=True)
        raise typer.Exit(1)
    # How the records became the table's presences, on stderr (stdout stays the table): the
    # same sentence as under the page's map.
    found = analysis.presences_at(
        records,
        bounds,
        level=level,
        filters=replace(chosen, sectors=tuple(codes) if codes else None),
    )
    typer.echo(captions.presences_sentence(found, lang, country=bounds.country), err=True)
    if fmt is Format.json:
        typer.echo(json.dumps(table.to_dict(orient="records"), ensure_ascii=False, indent=2))
    else:
        # Redirected to a file and opened in a spreadsheet: names stay text (ngomap.cells).
        typer.echo(inert_frame(table).to_csv(index=False), nl=False)


@cli.command()
def validate(
    file: FileArg = None,
    boundaries: BoundariesOpt = None,
    level: LevelOpt = None,
    crs: CrsOpt = None,
    column: MapOpt = None,
    accept_suggestions: AcceptOpt = False,
    org_aliases: OrgAliasOpt = None,
    sector_aliases: SectorAliasOpt = None,
    type_aliases: TypeAliasOpt = None,
    presence_aliases: PresenceAliasOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    details: Annotated[
        bool, typer.Option("--details", help="Print every problem with its rows, not only the sum.")
    ] = False,
    lang: Annotated[str, typer.Option("--lang", help="fr or en.")] = "fr",
) -> None:
    """Check a 3W file: exit 0 when usable (warnings allowed), 1 when not, 2 on a usage error.

    Prints the problems summed up by kind, and what concerns the whole file; every problem
    with its rows with --details (always in --json).
    """
    try:
        dataset, _bounds = _load(
            file,
            boundaries_path=boundaries,
            level=level,
            crs=crs,
            column_map=_column_map(column),
            accept_suggestions=accept_suggestions,
            org_aliases=org_aliases,
            vocab_aliases=_vocab_files(sector_aliases, type_aliases, presence_aliases),
        )
        report = dataset.report
    except NgomapError as exc:
        if as_json:
            typer.echo(json.dumps({"error": exc.message(lang)}, ensure_ascii=False))
        else:
            typer.echo(exc.message(lang), err=True)
        raise typer.Exit(1) from exc
    if as_json:
        typer.echo(json.dumps(report.as_dict(lang), ensure_ascii=False, indent=2))
    else:
        typer.echo(
            f"{report.source}: rows_read={report.rows_read} rows_kept={report.rows_kept} "
            f"rows_duplicate={report.rows_duplicate} rows_rejected={report.rows_rejected} "
            f"organisations={report.organisations}"
        )
        typer.echo(f"  {rows_sentence(report, lang)}")
        for line in kinds_frame(report, lang).itertuples(index=False, name=None):
            kind, severity, rows, cases, example = line
            where = (
                messages.text(Msg.CLI_ROWS, lang, rows=rows)
                if pd.notna(rows)
                else messages.text(Msg.CLI_WHOLE_FILE, lang)
            )
            counted = messages.text(Msg.CLI_CASES, lang, cases=cases)
            typer.echo(f"  {kind} ({severity}): {where}, {counted}")
            if pd.notna(rows) and not details:
                typer.echo(f"      {messages.text(Msg.CLI_FOR_EXAMPLE, lang, example=example)}")
        for problem in report.problems:
            if not details and problem.row is not None:
                continue  # about rows: summed up above, listed with --details
            column_name = f", {problem.column}" if problem.column else ""
            hint = f" [{problem.suggestion}]" if problem.suggestion else ""
            typer.echo(
                f"{problem.severity}: {_where(problem)}{column_name}: {problem.message(lang)}{hint}"
            )
    raise typer.Exit(0 if report.usable else 1)


def _org_keys(records: pd.DataFrame, names: list[str]) -> tuple[str, ...]:
    """Organisation keys for names, acronyms or keys as the user typed them."""
    known: dict[str, str] = {}
    for column in (s.ORG_ACRONYM, s.ORG_NAME, s.ORG_KEY):
        if column in records:
            for value, key in zip(records[column], records[s.ORG_KEY], strict=True):
                if isinstance(value, str) and value:
                    known[norm_text(value)] = str(key)
    keys = []
    for name in names:
        key = known.get(norm_text(name))
        if key is None:
            raise typer.BadParameter(
                f"no organisation named {name!r} in the data", param_hint="--org"
            )
        keys.append(key)
    return tuple(dict.fromkeys(keys))


@cli.command("export")
def export_command(
    file: FileArg = None,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Where to write; the format follows the extension: "
            ".png .pdf .svg .html .csv .xlsx .geojson .gpkg",
        ),
    ] = Path("ngomap.pdf"),
    boundaries: BoundariesOpt = None,
    level: LevelOpt = None,
    crs: CrsOpt = None,
    sector: Annotated[
        list[str] | None, typer.Option("--sector", help="A sector code or name; repeatable.")
    ] = None,
    view: Annotated[
        str, typer.Option("--view", help=f"The map's view: {', '.join(VIEWS)}.")
    ] = "density",
    org: Annotated[
        list[str] | None,
        typer.Option(
            "--org",
            help="An organisation (name or acronym); repeatable. The zones view shows them; "
            "other views count only them.",
        ),
    ] = None,
    min_overlap: Annotated[int, typer.Option("--min-overlap", min=2)] = 2,
    max_gap: Annotated[int, typer.Option("--max-gap", min=1)] = 1,
    population: PopulationOpt = None,
    per_capita: Annotated[
        bool,
        typer.Option("--per-capita", help="Density per 100,000 inhabitants (needs --population)."),
    ] = False,
    paper: Annotated[str, typer.Option("--paper", help="A4 or A3.")] = "A4",
    orientation: Annotated[
        str, typer.Option("--orientation", help="landscape or portrait.")
    ] = "landscape",
    dpi: Annotated[int, typer.Option("--dpi", min=30, max=1200, help="PNG resolution.")] = 150,
    labels: Annotated[bool, typer.Option("--labels/--no-labels", help="Area names.")] = True,
    osm_tiles: Annotated[
        bool,
        typer.Option(
            "--osm-tiles",
            help="For .html: OpenStreetMap's tiles under the map (loaded from the internet "
            "when the file is opened). Off: the offline basemap alone.",
        ),
    ] = False,
    atlas: Annotated[
        bool, typer.Option("--atlas", help="A PDF atlas: all sectors, then one page per sector.")
    ] = False,
    table: Annotated[
        str,
        typer.Option(
            "--table",
            help="For .csv: records (the default), summary, or view (the view's own table: "
            "the default for --view gaps, its ranked gaps).",
        ),
    ] = "",
    column: MapOpt = None,
    accept_suggestions: AcceptOpt = False,
    org_aliases: OrgAliasOpt = None,
    sector_aliases: SectorAliasOpt = None,
    type_aliases: TypeAliasOpt = None,
    presence_aliases: PresenceAliasOpt = None,
    data_source: Annotated[
        str | None,
        typer.Option("--source", help='Where the data comes from, printed on maps ("OCHA Mali").'),
    ] = None,
    data_date: Annotated[
        datetime | None,
        typer.Option(
            "--date",
            formats=["%Y-%m-%d", "%Y-%m"],
            help="The data's date (YYYY-MM-DD or YYYY-MM), printed on maps; else the last "
            "date of the file's date columns.",
        ),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="fr or en.")] = "fr",
    db: DbOpt = None,
    as_of: AsOfOpt = None,
    origin: OriginOpt = None,
    list_source: ListOpt = None,
    stale_months: Annotated[
        int,
        typer.Option(
            "--stale-months",
            min=1,
            help="The freshness view (registry only): organisations not confirmed for more "
            "than this many months before --as-of (or today).",
        ),
    ] = 12,
) -> None:
    """Write the map (PNG, PDF, SVG, HTML) or the data (CSV, XLSX, GeoJSON, GPKG) of a view."""
    from ngomap.export import formats as ex  # matplotlib: loaded only when exporting
    from ngomap.render.printlayout import PrintLayout

    data_day = data_date.date() if data_date is not None else None

    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ex.FORMATS:
        known = " ".join(f".{f}" for f in ex.FORMATS)
        raise typer.BadParameter(
            f"unknown extension {out.suffix!r}; use one of {known}", param_hint="--out"
        )
    if atlas and fmt != "pdf":
        raise typer.BadParameter("the atlas is a PDF: use --out NAME.pdf", param_hint="--atlas")
    table = table or ("view" if view == "gaps" else "records")
    if table not in ex.TABLES:
        raise typer.BadParameter(f"use one of {', '.join(ex.TABLES)}", param_hint="--table")
    if lang not in ("fr", "en"):
        raise typer.BadParameter("use fr or en", param_hint="--lang")
    spec = VIEWS.get(view)
    if spec is None:
        raise typer.BadParameter(f"use one of {', '.join(VIEWS)}", param_hint="--view")
    try:
        layout = PrintLayout(
            paper=paper.upper(), orientation=orientation.lower(), dpi=dpi, labels=labels
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    try:
        dataset, bounds = _load(
            file,
            boundaries_path=boundaries,
            level=level,
            crs=crs,
            column_map=_column_map(column),
            accept_suggestions=accept_suggestions,
            org_aliases=org_aliases,
            registry=_registry(db, as_of),
            vocab_aliases=_vocab_files(sector_aliases, type_aliases, presence_aliases),
        )
        records, report = dataset.records, dataset.report
        sectors = _sector_codes(sector or [])
        empty = _nothing_counted(records, report, sectors, lang)
        if empty is not None:
            typer.echo(empty, err=True)
            raise typer.Exit(1)
        orgs = _org_keys(records, org or [])
        if spec.needs_organisations and not orgs:
            raise typer.BadParameter(f"the {view} view needs --org", param_hint="--org")
        chosen = _registry_choice(
            records, _registry(db, as_of), origins=origin, lists=list_source, lang=lang
        )
        filters = analysis.Filters(
            sectors=tuple(sectors) if sectors else None,
            organisations=orgs if orgs and not spec.needs_organisations else None,
            origins=chosen.origins,
            lists=chosen.lists,
        )
        options = analysis.ViewOptions(
            view=spec.key,
            level=level or bounds.level,
            filters=filters,
            min_overlap=min_overlap,
            max_gap=max_gap,
            zone_orgs=orgs if spec.needs_organisations else (),
            per_capita=per_capita,
            stale_months=stale_months,
            reference=_reference(as_of, dataset),
            country=bounds.country,
        )
        if per_capita and population is None:
            raise typer.BadParameter("--per-capita needs --population", param_hint="--population")
        if analysis.coarser_level(records, bounds, options) is not None:  # a grey map: say why
            typer.echo(_empty_level(records, bounds, options.level, sectors, lang), err=True)
        inhabitants = _population(population, bounds, options.level, lang)
        snap = ex.Snapshot.of(
            dataset, bounds, options, lang, population=inhabitants, tiles=osm_tiles
        )
        if data_source or data_day:  # what the user says wins over what the data says
            snap = replace(
                snap,
                data_source=data_source or snap.data_source,
                data_updated=data_day or snap.data_updated,
            )
        data = ex.export(snap, fmt, layout=layout, atlas=atlas, table=table)
    except NgomapError as exc:
        typer.echo(exc.message(lang), err=True)
        raise typer.Exit(1) from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    typer.echo(f"{out} ({len(data):,} bytes)", err=True)


cli.command("brief")(brief)  # a proposed project's one-page brief (advise/cli_brief.py)
cli.command("notify")(notify)  # the digests of the rounds by e-mail (advise/cli_advise.py)
cli.command("remind")(remind)  # entries to confirm, asked by e-mail (advise/cli_advise.py)


@cli.command("app")
def run_app(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8501,
) -> None:
    """Start the web app on http://127.0.0.1:PORT (no browser opened, no usage statistics,
    no error details shown: ngomap.serve.PUBLIC_SETTINGS); its page runs once as soon as it
    answers, so that the first visitor finds the caches filled."""
    install_static(APP_SCRIPT.parent / "static")
    command = streamlit_command(
        sys.executable, str(APP_SCRIPT), port=port, upload_limit_mb=UPLOAD_LIMIT_MB
    )
    # The page is run once as soon as the server answers, so that the first planner to come
    # does not wait for the libraries' import and the shared caches (about 3 s).
    warm = warm_when_up(f"http://127.0.0.1:{port}", say=lambda line: typer.echo(line, err=True))
    raise typer.Exit(run_child(command, started=warm))  # stopped with the parent (SIGINT, SIGTERM)


cli.add_typer(registry_app, name="registry")
cli.add_typer(users_app, name="users")
cli.command("api")(api_command)


def main() -> None:
    """Console script entry point."""
    cli()
