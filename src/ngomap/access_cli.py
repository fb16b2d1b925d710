"""`ngomap users ...` (accounts, roles, domain rules) and `ngomap api` (the public read feed).

Whoever can run these holds the database URL, and so the registry itself: the command line
is an administrator's tool, the roles govern the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ngomap.errors import NgomapError
from ngomap.registry import accounts
from ngomap.registry.setup import ready_engine

users_app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Accounts and roles (viewer, editor, validator, admin) of the page. Without any "
    "account the page has one local editor. The database is --db URL, else "
    "$NGOMAP_DATABASE_URL, else the default SQLite file.",
)

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL: sqlite:///path/registry.sqlite or postgresql://user:pw@host/db.",
    ),
]
LangOpt = Annotated[str, typer.Option("--lang", help="fr or en, for messages.")]


def _fail(exc: NgomapError, lang: str) -> typer.Exit:
    typer.echo(exc.message(lang), err=True)
    return typer.Exit(1)


@users_app.command("add")
def add_command(
    email: Annotated[str, typer.Argument(help="The person's e-mail address.")],
    role: Annotated[str, typer.Option("--role", help="viewer, editor, validator or admin.")],
    oidc_only: Annotated[
        bool,
        typer.Option("--oidc-only", help="No password: the person logs in with OpenID Connect."),
    ] = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="Change the role (and password) of an account.")
    ] = False,
    db: DbOpt = None,
    lang: LangOpt = "en",
) -> None:
    """Add an account; asks for its password (hidden, twice) unless --oidc-only."""
    password = None
    if not oidc_only:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        if len(password) < 10:
            typer.echo("A password needs at least 10 characters.", err=True)
            raise typer.Exit(1)
    try:
        accounts.add(ready_engine(db), email, role=role, password=password, replace=replace)
    except NgomapError as exc:
        raise _fail(exc, lang) from exc
    typer.echo(f"{email.strip().lower()}: {role.strip().lower()}")


@users_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="CSV with columns email, role, password.")],
    db: DbOpt = None,
    lang: LangOpt = "en",
) -> None:
    """Add or update accounts from a CSV (email, role, password optional); every bad row is
    said, and then nothing is written."""
    try:
        done = accounts.import_csv(ready_engine(db), file.read_bytes(), name=file.name)
    except OSError as exc:
        typer.echo(f"{file}: {exc.strerror}", err=True)
        raise typer.Exit(1) from exc
    except NgomapError as exc:
        raise _fail(exc, lang) from exc
    typer.echo(f"{done.added} added, {done.updated} updated")


@users_app.command("domain")
def domain_command(
    domain: Annotated[str, typer.Argument(help="e.g. embassy.example")],
    role: Annotated[
        str, typer.Option("--role", help="viewer, editor, validator, admin; 'none' removes.")
    ],
    db: DbOpt = None,
    lang: LangOpt = "en",
) -> None:
    """Give a role to everyone logging in (OpenID Connect) with an e-mail at DOMAIN."""
    try:
        chosen = None if role.strip().lower() == "none" else role
        accounts.set_domain_rule(ready_engine(db), domain, role=chosen)
    except NgomapError as exc:
        raise _fail(exc, lang) from exc
    typer.echo(f"@{domain.strip().lower().lstrip('@')}: {role.strip().lower()}")


@users_app.command("list")
def list_command(db: DbOpt = None) -> None:
    """Every account and domain rule, with its role."""
    for row in accounts.listing(ready_engine(db)):
        kind = "local" if row["local"] else "oidc"
        locked = (
            f" locked until {row['locked_until']:%Y-%m-%d %H:%M}" if row["locked_until"] else ""
        )
        typer.echo(f"{row['email']}\t{row['role']}\t{kind}{locked}")


@users_app.command("remove")
def remove_command(email: str, db: DbOpt = None, lang: LangOpt = "en") -> None:
    """Delete an account."""
    try:
        accounts.remove(ready_engine(db), email)
    except NgomapError as exc:
        raise _fail(exc, lang) from exc


def api_command(
    db: DbOpt = None,
    port: Annotated[int, typer.Option(help="Port.")] = 8600,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    lang: LangOpt = "en",
) -> None:
    """Serve the registry's public data: /organisations.json, /organisations.csv (HXL),
    /presences.geojson, with ETag and Last-Modified; never staff-only fields."""
    from ngomap.api import serve_forever
    from ngomap.areas.boundaries import embedded_regions

    try:
        engine = ready_engine(db)
    except NgomapError as exc:
        raise _fail(exc, lang) from exc
    serve_forever(engine, host=host, port=port, boundaries=embedded_regions())
