"""`ngomap registry presence ...`: list, add, close or change one presence of an organisation.

Each command that writes is one hand edit (a changeset of kind "edit", by ``--by``), shown
in the organisation's history and undone with ``ngomap registry undo CHANGESET``. Bad
arguments are refused before anything is written, with a message naming the argument and
what to give instead (exit 2).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Final

import pandas as pd
import typer

from ngomap import vocab
from ngomap.areas.boundaries import LEVEL, NAME_FR, PARENT, Boundaries
from ngomap.errors import NgomapError
from ngomap.messages import Msg, text
from ngomap.normalise import norm_text
from ngomap.registry import hand_edits as he
from ngomap.registry import organisations as orgs
from ngomap.registry.rounds import DEFAULT_SOURCE
from ngomap.registry.setup import ready_engine

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="One presence of an organisation: list, add, close, change (each one revertible edit).",
)

DbOpt = Annotated[str | None, typer.Option("--db", help="Database URL (as for every command).")]
LangOpt = Annotated[str, typer.Option("--lang", help="fr or en, for messages.")]
OrgArg = Annotated[str, typer.Argument(metavar="ORG", help="A name, an acronym or an id.")]
ByOpt = Annotated[
    str,
    typer.Option("--by", help="Who makes the change (kept in the history).", show_default=False),
]
NoteOpt = Annotated[str, typer.Option("--note", help="Where the change comes from.")]
PresenceArg = Annotated[
    int, typer.Argument(metavar="PRESENCE", help="The presence's id (see `presence list`).")
]
ModeOpt = Annotated[str | None, typer.Option("--mode", help="direct, partners, operator, ...")]
StatusOpt = Annotated[str | None, typer.Option("--status", help="e.g. ongoing, planned.")]
StartOpt = Annotated[str | None, typer.Option("--start", help="Start: 2025-03-31, 2025-03, 2025.")]
EndOpt = Annotated[str | None, typer.Option("--end", help="End: 2025-12-31, 2025-12, 2025.")]
PartnerOpt = Annotated[str | None, typer.Option("--partner", help="Local partner(s).")]
FunderOpt = Annotated[str | None, typer.Option("--funder", help="Funder(s).")]
_EXAMPLES: Final = 3


def _usage(kind: Msg, lang: str, **params: object) -> typer.Exit:
    typer.echo(text(kind, lang, **params), err=True)
    return typer.Exit(2)


def _failed(error: NgomapError, lang: str) -> typer.Exit:
    typer.echo(error.message(lang), err=True)
    return typer.Exit(1)


def _code(vocabulary: vocab.Vocabulary, value: str, kind: Msg, lang: str) -> str:
    """The code of ``value`` (a code, a label or an alias of the vocabulary)."""
    if value in vocabulary.labels:
        return value
    found = vocabulary.find(value)
    if found is not None:
        return found.code
    wanted = norm_text(value)
    for code, words in vocabulary.labels.items():
        if wanted in {norm_text(code), *(norm_text(w) for w in words)}:
            return code
    suggested = vocabulary.suggest(value)  # an alias written whole inside it
    if suggested is not None and suggested[2] >= 100.0:
        return suggested[0]
    known = ", ".join(vocabulary.codes)
    raise _usage(kind, lang, value=value, known=known)


def _day(option: str, value: str | None, lang: str) -> str | None:
    """A date as written (2025-03-31, 2025-03 or 2025), checked; None when not given."""
    if value is None or not value.strip():
        return None
    written = value.strip()
    padded = {4: "-01-01", 7: "-01"}.get(len(written), "")
    try:
        date.fromisoformat(written + padded)
    except ValueError:
        raise _usage(Msg.PRESENCE_CLI_BAD_DATE, lang, option=option, value=value) from None
    return written


def _period(start: str | None, end: str | None, lang: str) -> tuple[str | None, str | None]:
    first, last = _day("--start", start, lang), _day("--end", end, lang)
    if first and last and first > last:
        raise _usage(Msg.PRESENCE_CLI_PERIOD_BACKWARDS, lang, start=first, end=last)
    return first, last


def area_chain(boundaries: Boundaries, code: str) -> dict[str, Any]:
    """The level of P-code ``code`` and the codes and names of it and the areas above it."""
    areas = boundaries.areas
    chain: dict[str, Any] = {"area_level": str(areas.at[code, LEVEL])}
    current: Any = code
    while isinstance(current, str) and current in areas.index:
        level = str(areas.at[current, LEVEL])
        chain[f"{level}_code"] = current
        chain[f"{level}_name"] = str(areas.at[current, NAME_FR])
        parent = areas.at[current, PARENT]
        current = parent if isinstance(parent, str) and parent else None
    return chain


def _boundaries(engine: Any, paths: list[Path] | None) -> Boundaries:
    """``--boundaries`` files, else the newest boundary set kept in the registry, else the
    embedded regions."""
    from ngomap.areas.files import load_boundaries
    from ngomap.registry import boundary_sets

    if paths:
        return load_boundaries(paths)
    kept = boundary_sets.stored(engine)
    if kept:
        return boundary_sets.load(engine, kept[0].id)
    return load_boundaries(None)


def _find(engine: Any, org: str, lang: str) -> int:
    try:
        return orgs.find(engine, org)
    except NgomapError as error:
        raise _failed(error, lang) from error


def _save(
    engine: Any, organisation_id: int, *, lang: str, what: str, by: str, **kwargs: Any
) -> None:
    try:
        version = int(orgs.get(engine, organisation_id)["version"])
        saved = he.save(engine, organisation_id, version=version, by=by, **kwargs)
    except NgomapError as error:
        raise _failed(error, lang) from error
    name = orgs.get(engine, organisation_id)["name"]
    typer.echo(text(Msg.PRESENCE_CLI_SAVED, lang, changeset=saved.changeset, what=what, org=name))


def _open_ids(engine: Any, organisation_id: int, pid: int, org: str, lang: str) -> None:
    held = he.presences(engine, organisation_id)
    if pid not in set(held["id"].astype(int)):
        raise _usage(Msg.PRESENCE_CLI_UNKNOWN_PRESENCE, lang, pid=pid, org=org)


@app.command("list")
def list_command(
    org: OrgArg,
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    lang: LangOpt = "en",
) -> None:
    """The organisation's presences in force, with the ids the other commands take."""
    engine = ready_engine(db)
    held = he.presences(engine, _find(engine, org, lang))
    shown = held[["id", "list_source", "sector", "area_code", "national", "mode", "status"]]
    shown = pd.concat([shown, held[["start", "end"]]], axis=1)
    if as_json:
        records = shown.astype(object).where(shown.notna(), None).to_dict(orient="records")
        typer.echo(json.dumps(records, ensure_ascii=False, indent=2, default=str))
    elif shown.empty:
        typer.echo("(none)")
    else:
        typer.echo(shown.to_string(index=False))


@app.command("add")
def add_command(
    org: OrgArg,
    by: ByOpt,
    sector: Annotated[str, typer.Option("--sector", help="A sector code or name (EDU, Santé).")],
    area: Annotated[
        str | None,
        typer.Option("--area", help="A P-code at any level: region, cercle or commune."),
    ] = None,
    nationwide: Annotated[
        bool, typer.Option("--nationwide", help="Nationwide rather than one area.")
    ] = False,
    mode: ModeOpt = None,
    status: StatusOpt = None,
    start: StartOpt = None,
    end: EndOpt = None,
    partner: PartnerOpt = None,
    funder: FunderOpt = None,
    list_source: Annotated[
        str, typer.Option("--list", help="The registry's list it belongs to.")
    ] = DEFAULT_SOURCE,
    boundaries: Annotated[
        list[Path] | None,
        typer.Option("--boundaries", help="Boundary files, for areas finer than kept ones."),
    ] = None,
    note: NoteOpt = "",
    db: DbOpt = None,
    lang: LangOpt = "en",
) -> None:
    """Add a presence: a sector in an area (or nationwide), with its mode, status, period."""
    if area and nationwide:
        raise _usage(Msg.PRESENCE_CLI_AREA_AND_NATIONWIDE, lang)
    if not area and not nationwide:
        raise _usage(Msg.PRESENCE_CLI_AREA_NEEDED, lang)
    code = _code(vocab.sectors(), sector, Msg.PRESENCE_CLI_UNKNOWN_SECTOR, lang)
    mode_code = (
        _code(vocab.presence_modes(), mode, Msg.PRESENCE_CLI_UNKNOWN_MODE, lang) if mode else None
    )
    first, last = _period(start, end, lang)
    engine = ready_engine(db)
    organisation_id = _find(engine, org, lang)
    chain: dict[str, Any] = {}
    pcode = None
    if area:
        try:
            bounds = _boundaries(engine, boundaries)
        except NgomapError as error:
            raise _failed(error, lang) from error
        pcode = area.strip().upper()
        if pcode not in bounds.areas.index:
            example = ", ".join(str(c) for c in bounds.areas.index[:_EXAMPLES])
            raise _usage(
                Msg.PRESENCE_CLI_UNKNOWN_AREA,
                lang,
                value=area,
                source=bounds.source,
                example=example,
            )
        chain = area_chain(bounds, pcode)
    new = he.NewPresence(
        sector=code,
        area_code=pcode,
        area=chain,
        mode=mode_code,
        status=status,
        start=first,
        end=last,
        partner=partner,
        funder=funder,
        list_source=list_source,
    )
    where = pcode or "nationwide"
    _save(engine, organisation_id, lang=lang, what=f"+ {code} {where}", by=by, add=[new], note=note)


@app.command("close")
def close_command(
    org: OrgArg,
    presence: PresenceArg,
    by: ByOpt,
    note: NoteOpt = "",
    db: DbOpt = None,
    lang: LangOpt = "en",
) -> None:
    """Close a presence: the organisation is no longer there (kept in the history)."""
    engine = ready_engine(db)
    organisation_id = _find(engine, org, lang)
    _open_ids(engine, organisation_id, presence, org, lang)
    _save(
        engine,
        organisation_id,
        lang=lang,
        what=f"- {presence}",
        by=by,
        close=[presence],
        note=note,
    )


@app.command("change")
def change_command(
    org: OrgArg,
    presence: PresenceArg,
    by: ByOpt,
    mode: ModeOpt = None,
    status: StatusOpt = None,
    start: StartOpt = None,
    end: EndOpt = None,
    partner: PartnerOpt = None,
    funder: FunderOpt = None,
    note: NoteOpt = "",
    db: DbOpt = None,
    lang: LangOpt = "en",
) -> None:
    """Change a presence's mode, status, period, partner or funder (to move it to another
    sector or area, close it and add another)."""
    fields: dict[str, Any] = {}
    if mode is not None:
        fields["mode"] = _code(vocab.presence_modes(), mode, Msg.PRESENCE_CLI_UNKNOWN_MODE, lang)
    first, last = _period(start, end, lang)
    for name, value in (
        ("status", status),
        ("start", first),
        ("end", last),
        ("partner", partner),
        ("funder", funder),
    ):
        if value is not None:
            fields[name] = value
    if not fields:
        raise _usage(Msg.PRESENCE_CLI_NOTHING_TO_CHANGE, lang)
    engine = ready_engine(db)
    organisation_id = _find(engine, org, lang)
    _open_ids(engine, organisation_id, presence, org, lang)
    _save(
        engine,
        organisation_id,
        lang=lang,
        what=f"~ {presence}",
        by=by,
        change={presence: fields},
        note=note,
    )
