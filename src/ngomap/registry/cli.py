"""`ngomap registry ...`: create, import rounds into, compare, revert and read the registry."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from ngomap.errors import NgomapError
from ngomap.registry import merging, organisations, presence_cli, reverting, rounds, state
from ngomap.registry.compare import Comparison
from ngomap.registry.db import database_url
from ngomap.registry.setup import init, ready_engine

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="The registry: organisations and their presence, kept by rounds and edits. "
    "The database is --db URL, else $NGOMAP_DATABASE_URL, else an SQLite file in your data "
    "folder (created with the sample on first use).",
)

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL: sqlite:///path/registry.sqlite or postgresql://user:pw@host/db.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
LangOpt = Annotated[str, typer.Option("--lang", help="fr or en, for messages.")]
app.add_typer(presence_cli.app, name="presence")


def _fail(exc: NgomapError, lang: str) -> typer.Exit:
    typer.echo(exc.message(lang), err=True)
    return typer.Exit(1)


def _json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@app.command("init")
def init_command(
    db: DbOpt = None,
    empty: Annotated[
        bool, typer.Option("--empty", help="Do not fill a new one with the sample.")
    ] = False,
    as_json: JsonOpt = False,
    lang: LangOpt = "en",
) -> None:
    """Create the registry, or bring it up to this version's tables (migrate)."""
    try:
        ready = init(db, empty=empty)
    except NgomapError as exc:
        raise _fail(exc, lang) from exc
    if as_json:
        _json(ready.__dict__)
        return
    if ready.created:
        typer.echo(f"Registry created at {ready.url} (revision {ready.revision}).")
    elif ready.revision_before != ready.revision:
        typer.echo(
            f"Registry at {ready.url} migrated: {ready.revision_before} -> {ready.revision}."
        )
    else:
        typer.echo(f"Registry at {ready.url} is up to date (revision {ready.revision}).")
    if ready.sample_round is not None:
        typer.echo(f"Filled with the embedded sample (round {ready.sample_round}).")


def _decisions(same: list[str] | None, new: list[str] | None) -> dict[str, int | None]:
    decided: dict[str, int | None] = {}
    for value in same or []:
        name, sep, org = value.rpartition("=")
        if not sep or not name.strip() or not org.strip().isdigit():
            raise typer.BadParameter(f"{value!r} is not NAME=ID", param_hint="--same")
        decided[name.strip()] = int(org)
    for name in new or []:
        decided[name.strip()] = None
    return decided


def _print_comparison(comparison: Comparison, *, applied: bool) -> None:
    data = comparison.as_dict()
    if applied:
        typer.echo(f"Kept as round {comparison.round}.")
    else:
        typer.echo("Compared with the registry (nothing kept: add --apply to keep it).")
    for label, key in (
        ("New organisations", "organisations_new"),
        ("Organisations absent from this round", "organisations_absent"),
    ):
        names = data[key]
        typer.echo(f"{label}: {len(names)}")
        for name in names[:50]:
            typer.echo(f"  {name}")
        if len(names) > 50:
            typer.echo(f"  ... and {len(names) - 50} more (--json lists them all)")
    if comparison.organisations_ambiguous:
        typer.echo(
            f"Organisations that may be known ones: {len(comparison.organisations_ambiguous)} "
            "(kept as new unless you say --same 'NAME=ID' or --new NAME)"
        )
        for ambiguity in comparison.organisations_ambiguous[:50]:
            shown = "; ".join(
                f"{c.organisation_id} {c.name} (same {c.why})" for c in ambiguity.candidates
            )
            typer.echo(f"  {ambiguity.name} ~ {shown}")
    for change in comparison.organisations_changed[:50]:
        typer.echo(f"Changed: {change.name}: {change.field} {change.before!r} -> {change.after!r}")
    typer.echo(
        f"Partners: {data['partners_added']} added, {data['partners_removed']} removed; "
        f"funders: {data['funders_added']} added, {data['funders_removed']} removed."
    )
    for link in comparison.links_changed[:50]:
        added = f" + {', '.join(link.added)}" if link.added else ""
        removed = f" - {', '.join(link.removed)}" if link.removed else ""
        typer.echo(f"  {link.name}: {link.kind}{added}{removed}")
    typer.echo(
        f"Presences: {data['presences_new']} new, {data['presences_withdrawn']} withdrawn, "
        f"{data['presences_changed']} changed (mode or status), {data['presences_updated']} "
        f"updated (dates, partners, figures), {data['presences_unchanged']} unchanged."
    )


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="A 3W file (CSV or XLSX).")],
    boundaries: Annotated[
        list[Path] | None,
        typer.Option("--boundaries", help="A boundary file; repeatable, one per level."),
    ] = None,
    source: Annotated[
        str, typer.Option("--source", help="The list this round updates (e.g. ocha, embassy).")
    ] = rounds.DEFAULT_SOURCE,
    day: Annotated[
        str | None, typer.Option("--date", help="The date the data describe (2025-03-31).")
    ] = None,
    origin: Annotated[
        str,
        typer.Option(
            "--origin",
            help="The country of origin of every organisation of this list (e.g. France for "
            "the embassy's list of French NGOs): given to those without one.",
        ),
    ] = "",
    apply: Annotated[bool, typer.Option("--apply", help="Keep the file as a round.")] = False,
    same: Annotated[
        list[str] | None,
        typer.Option("--same", help="'NAME=ID': this organisation of the file is known ID."),
    ] = None,
    new: Annotated[
        list[str] | None, typer.Option("--new", help="NAME: this organisation is a new one.")
    ] = None,
    by: Annotated[str, typer.Option("--by", help="Who imports (default: your user name).")] = "",
    db: DbOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "en",
) -> None:
    """Compare a 3W file with the registry; with --apply, keep it as a round."""
    from ngomap.areas.files import load_boundaries
    from ngomap.importer.threew import read_3w

    for path in [file, *(boundaries or [])]:
        if not path.is_file():
            raise typer.BadParameter(f"{path} does not exist or is not a file")
    try:
        data_date = date.fromisoformat(day) if day else None
    except ValueError:
        raise typer.BadParameter(
            f"{day!r} is not a date (2025-03-31)", param_hint="--date"
        ) from None
    try:
        bounds = load_boundaries(boundaries or None)
        records, report = read_3w(file, boundaries=bounds)
        engine = ready_engine(db)
        decisions = _decisions(same, new)
        if apply:
            info = rounds.RoundInfo.of_bytes(
                file.read_bytes(),
                file.name,
                source=source,
                data_date=data_date,
                by=by,
                rows_read=report.rows_read,
                origin=origin,
            )
            comparison = rounds.apply_round(engine, records, info, decisions=decisions)
        else:
            comparison = rounds.compare_file(
                engine, records, list_source=source, decisions=decisions
            )
    except NgomapError as exc:
        raise _fail(exc, lang) from exc
    if report.rows_rejected:
        typer.echo(
            f"{report.rows_rejected} of {report.rows_read} rows rejected: see "
            f"`ngomap validate {file}`.",
            err=True,
        )
    if as_json:
        _json(comparison.as_dict())
    else:
        _print_comparison(comparison, applied=apply)


def _table(frame: pd.DataFrame, as_json: bool) -> None:
    if as_json:
        _json(frame.astype(object).where(frame.notna(), None).to_dict(orient="records"))
    elif frame.empty:
        typer.echo("(none)")
    else:
        typer.echo(frame.to_string(index=False))


@app.command("rounds")
def rounds_command(db: DbOpt = None, as_json: JsonOpt = False, lang: LangOpt = "en") -> None:
    """Every round: id, file, list, date, when imported, by whom, reverted or not."""
    try:
        frame = state.rounds_frame(ready_engine(db))
    except NgomapError as exc:
        raise _fail(exc, lang) from exc
    _table(frame, as_json)


@app.command("diff")
def diff_command(
    first: Annotated[str, typer.Argument(help="A round (3 or R3) or a date (2025-03-31).")],
    second: Annotated[
        str | None, typer.Argument(help="A round or a date; now when left out.")
    ] = None,
    source: Annotated[str | None, typer.Option("--source", help="Only this list.")] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "en",
) -> None:
    """How the registry at SECOND compares with it at FIRST (the fields of an import)."""
    try:
        comparison = rounds.diff(ready_engine(db), first, second, list_source=source)
    except NgomapError as exc:
        raise _fail(exc, lang) from exc
    if as_json:
        _json(comparison.as_dict())
        return
    _print_comparison(comparison, applied=False)


@app.command("revert")
def revert_command(
    round_id: Annotated[str, typer.Argument(metavar="ROUND", help="A round id (3 or R3).")],
    with_later: Annotated[
        bool,
        typer.Option(
            "--with-later", help="Also revert the later changes that touched the same facts."
        ),
    ] = False,
    by: Annotated[str, typer.Option("--by", help="Who reverts (default: your user name).")] = "",
    db: DbOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "en",
) -> None:
    """Undo a round: its presences withdrawn, those it withdrew back, its edits undone.

    As on the page: when later changes (an edit, a merge, a later round) touched the same
    facts, it is refused naming them, unless --with-later reverts them too, newest first.
    """
    text = round_id.strip().lstrip("rR")
    if not text.isdigit():
        raise typer.BadParameter(f"{round_id!r} is not a round id", param_hint="ROUND")
    try:
        engine = ready_engine(db)
        changeset = reverting.round_changeset(engine, int(text))
        done = reverting.revert(engine, changeset, with_later=with_later, by=by)
    except NgomapError as exc:
        raise _fail(exc, lang) from exc
    if as_json:
        _json([d.__dict__ for d in done])
        return
    for step in done[:-1]:
        typer.echo(
            f"Reverted first, in change {step.changeset}: {step.presences_closed} presences "
            f"withdrawn, {step.presences_reopened} put back, {step.fields_restored} fields "
            "restored."
        )
    last = done[-1]
    typer.echo(
        f"Round {text} reverted: {last.presences_closed} presences withdrawn, "
        f"{last.presences_reopened} put back, {last.fields_restored} fields restored."
    )
    for conflict in (c for step in done for c in step.conflicts):
        typer.echo(f"Left as it is (changed since): {conflict}", err=True)


@app.command("undo")
def undo_command(
    changeset: Annotated[
        int, typer.Argument(metavar="CHANGE", help="A change's id (an edit, a merge, a round's).")
    ],
    with_later: Annotated[
        bool,
        typer.Option(
            "--with-later", help="Also revert the later changes that touched the same facts."
        ),
    ] = False,
    by: Annotated[str, typer.Option("--by", help="Who reverts (default: your user name).")] = "",
    db: DbOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "en",
) -> None:
    """Undo any change (not only the latest). When later changes touched the same facts, it
    is refused naming them, unless --with-later reverts them too, newest first."""
    try:
        done = reverting.revert(ready_engine(db), changeset, with_later=with_later, by=by)
    except NgomapError as exc:
        raise _fail(exc, lang) from exc
    if as_json:
        _json([d.__dict__ for d in done])
        return
    for step in done:
        typer.echo(
            f"Reverted in change {step.changeset}: {step.presences_closed} presences withdrawn, "
            f"{step.presences_reopened} put back, {step.fields_restored} fields restored."
        )
        for conflict in step.conflicts:
            typer.echo(f"Left as it is (changed since): {conflict}", err=True)


@app.command("merge")
def merge_command(
    keep: Annotated[str, typer.Argument(metavar="KEEP", help="The organisation to keep.")],
    gone: Annotated[str, typer.Argument(metavar="GONE", help="The one merged into it.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Merge (else only show what it does).")
    ] = False,
    by: Annotated[str, typer.Option("--by", help="Who merges (default: your user name).")] = "",
    db: DbOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "en",
) -> None:
    """Show what merging GONE into KEEP does; with --yes, do it (one revertible change)."""
    try:
        engine = ready_engine(db)
        plan = merging.plan(
            engine, organisations.find(engine, keep), organisations.find(engine, gone)
        )
        changeset = merging.merge(engine, plan, by=by) if yes else None
    except NgomapError as exc:
        raise _fail(exc, lang) from exc
    data = {**plan.summary(), "changeset": changeset}
    if as_json:
        _json(data)
        return
    typer.echo(json.dumps(plan.summary(), ensure_ascii=False, indent=2, default=str))
    if changeset is None:
        typer.echo("Nothing merged: add --yes to merge.")
    else:
        typer.echo(f"Merged in change {changeset}; `ngomap registry undo {changeset}` reverts it.")


@app.command("history")
def history_command(
    org: Annotated[str, typer.Argument(metavar="ORG", help="A name, an acronym or an id.")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "en",
) -> None:
    """What happened to an organisation: changes with before and after, who, when, from where."""
    try:
        frame = organisations.history(ready_engine(db), org)
    except NgomapError as exc:
        raise _fail(exc, lang) from exc
    _table(frame, as_json)


@app.command("where")
def where_command(db: DbOpt = None) -> None:
    """Print the database URL that is used (password hidden)."""
    from sqlalchemy.engine import make_url

    typer.echo(make_url(database_url(db)).render_as_string(hide_password=True))
