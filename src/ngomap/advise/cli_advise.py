"""The commands `ngomap notify` (the digests of the rounds, by e-mail) and `ngomap remind`
(organisations asked to confirm their entry). Both read the registry (--db URL, else
$NGOMAP_DATABASE_URL, else the default file) and send through the SMTP server configured
by $NGOMAP_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM and _TLS."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ngomap.errors import NgomapError
from ngomap.messages import Msg, pair, text

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL: sqlite:///path/registry.sqlite or postgresql://user:pw@host/db.",
    ),
]
LangOpt = Annotated[str, typer.Option("--lang", help="fr or en.")]
BoundariesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--boundaries",
        help="Boundary files naming the areas in the digests (repeatable); the embedded "
        "regions when left out.",
    ),
]


def _lang(lang: str) -> str:
    if lang not in ("fr", "en"):
        raise typer.BadParameter("use fr or en", param_hint="--lang")
    return lang


def notify(
    db: DbOpt = None,
    round_id: Annotated[
        list[int] | None,
        typer.Option("--round", help="Only this round (repeatable); every round when left out."),
    ] = None,
    boundaries: BoundariesOpt = None,
    lang: LangOpt = "fr",
) -> None:
    """Make the digests of arrivals and departures for the subscriptions after each round,
    keep them in the registry and send them (run it after `ngomap registry import`)."""
    from ngomap.advise.notify import SmtpSettings
    from ngomap.advise.subscribe import digest_rounds
    from ngomap.areas.files import load_boundaries
    from ngomap.registry.setup import ready_engine

    _lang(lang)
    try:
        settings = SmtpSettings.from_env()
        engine = ready_engine(db)
        bounds = load_boundaries(boundaries or None)
        done = digest_rounds(engine, bounds, settings=settings, rounds=round_id or None)
    except NgomapError as exc:
        typer.echo(exc.message(lang), err=True)
        raise typer.Exit(1) from exc
    typer.echo(text(Msg.CLI_ADVISE_DIGESTS_MADE, lang, made=done.made, sent=done.sent))
    if done.unsent:
        typer.echo(text(Msg.CLI_ADVISE_DIGESTS_UNSENT, lang, unsent=done.unsent), err=True)


def remind(
    base_url: Annotated[
        str,
        typer.Option(
            "--url", help="The page's public address; the message links to its request form."
        ),
    ],
    db: DbOpt = None,
    months: Annotated[
        int, typer.Option("--months", min=1, help="Remind entries not confirmed for N months.")
    ] = 12,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List who is due; send nothing.")
    ] = False,
    by: Annotated[str, typer.Option("--by", help="Who sends (kept with each reminder).")] = "",
    lang: LangOpt = "fr",
) -> None:
    """Ask the organisations whose entry has not been confirmed for some months to check it
    through the public request form (a link opens it on their entry)."""
    from ngomap.advise import reminders as rm
    from ngomap.advise.notify import SmtpSettings
    from ngomap.registry.rounds import current_user
    from ngomap.registry.setup import ready_engine

    _lang(lang)
    try:
        engine = ready_engine(db)
        if dry_run:
            rm.request_link(base_url, 0)  # the address checked all the same
            found = rm.due(engine, months=months)
            for name, confirmed, email in zip(
                found["name"].tolist(),
                found["last_confirmed"].tolist(),
                found["email"].tolist(),
                strict=True,
            ):
                typer.echo(f"{name}\t{confirmed or '—'}\t{email or '—'}")
            return
        settings = SmtpSettings.from_env()
        if settings is None:
            raise NgomapError(
                *pair(Msg.CLI_ADVISE_NO_SMTP_SERVER),
            )
        done = rm.remind(
            engine, settings, base_url=base_url, by=by or current_user(), months=months, lang=lang
        )
    except NgomapError as exc:
        typer.echo(exc.message(lang), err=True)
        raise typer.Exit(1) from exc
    typer.echo(text(Msg.CLI_ADVISE_REMINDERS_SENT, lang, sent=done.sent))
    for name in done.without_address:
        typer.echo(text(Msg.CLI_ADVISE_NO_ADDRESS, lang, name=name), err=True)
