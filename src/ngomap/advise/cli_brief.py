"""The command `ngomap brief PROJECT`: a proposed project's one-page A4 brief (PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ngomap.errors import NgomapError
from ngomap.messages import Msg, pair

ProjectArg = Annotated[
    Path,
    typer.Argument(
        help="The project: a one-row CSV or XLSX sheet with Organisation, Secteurs (or "
        "Sectors), Zones, and optionally Titre, Période, Budget, Bailleur, Partenaire."
    ),
]


def brief(
    project: ProjectArg,
    out: Annotated[Path, typer.Option("--out", help="Where to write the PDF.")] = Path("brief.pdf"),
    data: Annotated[
        Path | None,
        typer.Option(
            "--data", help="The 3W file of who works where; the embedded sample when left out."
        ),
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help="An earlier 3W file: the brief lists arrivals and departures since then.",
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Read who works where from the registry at this database URL (or "
            "$NGOMAP_DATABASE_URL with --db ''): arrivals and departures then come from its "
            "last rounds.",
        ),
    ] = None,
    rounds: Annotated[
        int,
        typer.Option(
            "--rounds", min=1, help="With --db: the arrivals and departures of the last N rounds."
        ),
    ] = 2,
    boundaries: Annotated[
        list[Path] | None,
        typer.Option(
            "--boundaries",
            help="A boundary file (GeoJSON, GeoPackage, zipped shapefile, TopoJSON); "
            "repeatable, one file per level. The embedded regions when left out.",
        ),
    ] = None,
    crs: Annotated[
        str | None,
        typer.Option("--crs", help="The coordinate system of boundary files that lack one."),
    ] = None,
    population: Annotated[
        Path | None,
        typer.Option("--population", help="A population table (OCHA COD-PS CSV: P-code, T_TL)."),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="fr or en.")] = "fr",
) -> None:
    """Write a one-page A4 brief on a proposed project: who is already in its zones, the
    overlaps and gaps, population, arrivals and departures, and who to meet."""
    if lang not in ("fr", "en"):
        raise typer.BadParameter("use fr or en", param_hint="--lang")
    if out.suffix.lower() != ".pdf":
        raise typer.BadParameter("the brief is a PDF: use --out NAME.pdf", param_hint="--out")
    for path, hint in [
        (project, "PROJECT"),
        *[(p, "--boundaries") for p in boundaries or []],
        (data, "--data"),
        (previous, "--previous"),
        (population, "--population"),
    ]:
        if path is not None and not path.is_file():
            raise typer.BadParameter(f"{path} does not exist or is not a file", param_hint=hint)
    if db is not None and (data is not None or previous is not None):
        raise typer.BadParameter("give --db or --data/--previous, not both", param_hint="--db")
    try:
        pdf = _brief_bytes(
            project,
            data=data,
            previous=previous,
            registry=(db, rounds) if db is not None else None,
            boundaries=boundaries or [],
            crs=crs,
            population=population,
            lang=lang,
        )
    except NgomapError as exc:
        typer.echo(exc.message(lang), err=True)
        raise typer.Exit(1) from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    typer.echo(f"{out} ({len(pdf):,} bytes)", err=True)


def _brief_bytes(
    project_path: Path,
    *,
    data: Path | None,
    previous: Path | None,
    boundaries: list[Path],
    registry: tuple[str, int] | None = None,
    crs: str | None,
    population: Path | None,
    lang: str,
) -> bytes:
    # Heavy modules (geopandas, matplotlib) only when the command runs.
    from ngomap.advise.brief import brief_pdf, build_brief
    from ngomap.advise.changes import TwoRounds, ZoneHistory
    from ngomap.advise.project import read_project_file
    from ngomap.areas.files import load_boundaries
    from ngomap.areas.population import read_population
    from ngomap.errors import InputFileError
    from ngomap.importer.threew import load_sample, read_3w

    bounds = load_boundaries(boundaries or None, crs=crs)
    project = read_project_file(project_path, bounds)
    history: ZoneHistory | None = None
    if registry is not None:
        records, source, history = _from_registry(registry[0] or None, registry[1], lang)
    elif data is None:
        sample = load_sample(bounds)
        records, source, name = sample.records, sample.source(lang), sample.title(lang)
    else:
        records, report = read_3w(data, boundaries=bounds)
        if not report.usable:
            raise InputFileError(
                *pair(Msg.CLI_BRIEF_DATA_UNUSABLE, data=data.name, path=data),
            )
        source = name = data.name
    if previous is not None:
        before, _report = read_3w(previous, boundaries=bounds)
        history = TwoRounds(before, records, previous.name, name)
    inhabitants = None
    if population is not None:
        levels = [bounds.level_of(zone) or "" for zone in project.zones]
        level = max(levels, key=lambda lv: lv if lv else "")  # adm1 < adm2 < adm3
        inhabitants, problems = read_population(population, bounds, level=level or None)
        for problem in problems:
            typer.echo(f"{problem.severity}: {problem.message(lang)}", err=True)
    content = build_brief(
        project,
        records,
        bounds,
        population=inhabitants,
        history=history,
        data_source=source,
        lang=lang,
    )
    return brief_pdf(content, bounds)


def _from_registry(url: str | None, rounds: int, lang: str) -> tuple[Any, str, Any]:
    """The registry's records now, its source line, and its last ``rounds`` rounds."""
    from ngomap.advise import rounds_history
    from ngomap.registry.setup import read_registry, ready_engine

    view = read_registry(url)
    engine = ready_engine(url)
    return view.dataset().records, view.source(lang), rounds_history.last_rounds(engine, rounds)
