"""Accounts and roles: who may do what, local logins with lock-out, rules by e-mail domain.

Roles, each with the rights of those before it: viewer (maps and public fields), editor
(edit, import rounds), validator (the queue of requests), admin (accounts, settings).
Without any account or domain rule, a deployment has one local editor: the person at the
keyboard, as before accounts existed (``auth_mode`` says "open"). Nobody else could treat
the listing requests then, so that local editor also reviews them (``LOCAL_EDITOR_ALSO``);
accounts are not managed on the page in that mode: the first ``ngomap users add`` on the
server turns sign-in on.

The command line is the server operator's: whoever can reach the database URL already
holds every right (the database's own credentials are the gate), so ``ngomap registry``
and ``ngomap users`` ask for no sign-in; they record the operator's user name as "by".

``visible`` is the one function that decides which fields of an organisation, a presence
or a request a role may see: the feed, the exports, the public form and the page all go
through it, so staff-only contacts and notes never reach a viewer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, func, insert, select, update

from ngomap.messages import Msg, Text, pair
from ngomap.registry.access_models import Account, DomainRule
from ngomap.registry.db import RegistryError
from ngomap.registry.rounds import _scalar_int

PUBLIC: Final = "public"  # nobody logged in: the public directory and form
VIEWER: Final = "viewer"
EDITOR: Final = "editor"
VALIDATOR: Final = "validator"
ADMIN: Final = "admin"
ROLES: Final = (VIEWER, EDITOR, VALIDATOR, ADMIN)
_RANK: Final = {PUBLIC: 0, VIEWER: 1, EDITOR: 2, VALIDATOR: 3, ADMIN: 4}

# What each action needs, at least. The page asks ``ngomap.ui.access.allowed(action)``
# before it shows an action's widget, and the action's own code asks again.
ACTIONS: Final[dict[str, str]] = {
    "view": PUBLIC,  # the maps, the charts and the public directory
    "request": PUBLIC,  # send a listing request
    "export": PUBLIC,  # download what one may see (public fields only for the public)
    "staff_fields": EDITOR,  # see staff-only contacts and notes
    "edit": EDITOR,  # edit an organisation (its profile, its presences)
    "import": EDITOR,  # upload a file as a round, and apply it
    "revert": EDITOR,  # undo a round or a change
    "history": EDITOR,  # the changes view: who changed what, with values staff-only
    "boundaries": EDITOR,  # keep boundary files on the server, offered to every user
    "review": VALIDATOR,  # the queue of listing requests
    "accounts": ADMIN,  # accounts, roles and domain rules
}
# What the single local editor of an open deployment (no account configured) may do beyond
# an editor's rights: review the requests, as nobody else could.
LOCAL_EDITOR_ALSO: Final = frozenset({"review"})

# Fields only staff see, wherever they appear (organisations, presences, requests).
STAFF_FIELDS: Final = frozenset(
    {"contacts_staff", "notes", "note_staff", "contact", "message", "session_hash", "address_hash"}
)

MAX_FAILURES: Final = 5
LOCK_MINUTES: Final = 15
OPEN: Final = "open"  # no account configured: one local editor (LOCAL_ROLE)
LOCAL: Final = "local"  # local accounts (and perhaps OpenID Connect)
LOCAL_ROLE: Final = EDITOR  # the role of the person at the page of an open deployment

_hasher = PasswordHasher()


class LoginError(RegistryError):
    """A login refused: wrong e-mail or password, or the account locked for a while."""


def can(role: str, action: str, *, open_mode: bool = False) -> bool:
    """True when ``role`` may do ``action`` (see ACTIONS); ``open_mode``: the person is the
    single local editor of a deployment without accounts (see LOCAL_EDITOR_ALSO)."""
    if action not in ACTIONS:
        raise RegistryError(*pair(Msg.ACCOUNTS_UNKNOWN_ACTION, action=action))
    if open_mode and role == EDITOR and action in LOCAL_EDITOR_ALSO:
        return True
    return _RANK.get(role, 0) >= _RANK[ACTIONS[action]]


def visible(record: Mapping[str, Any], role: str) -> dict[str, Any]:
    """The fields of ``record`` that ``role`` may see: staff-only ones only for staff."""
    if can(role, "staff_fields"):
        return dict(record)
    return {key: value for key, value in record.items() if key not in STAFF_FIELDS}


def visible_columns(columns: Iterable[str], role: str) -> list[str]:
    """The columns of a table that ``role`` may see, in order."""
    return list(visible(dict.fromkeys(columns), role))


def _role(role: str) -> str:
    chosen = role.strip().lower()
    if chosen not in ROLES:
        raise RegistryError(
            *pair(Msg.ACCOUNTS_NOT_ROLE, role=role, roles=", ".join(ROLES)),
        )
    return chosen


def _email(email: str) -> str:
    chosen = email.strip().lower()
    local, _, domain = chosen.partition("@")
    if not local or "." not in domain or " " in chosen or len(chosen) > 254:
        raise RegistryError(*pair(Msg.ACCOUNTS_NOT_MAIL_ADDRESS, email=email))
    return chosen


def _domain(domain: str) -> str:
    chosen = domain.strip().lower().lstrip("@")
    if "." not in chosen or " " in chosen or "@" in chosen:
        raise RegistryError(
            *pair(Msg.ACCOUNTS_NOT_DOMAIN_EMBASSY, domain=domain),
        )
    return chosen


def add(
    engine: Engine, email: str, *, role: str, password: str | None = None, replace: bool = False
) -> int:
    """Create an account (a password for a local login; None for OpenID Connect only);
    ``replace`` updates an existing one's role and password. Its id."""
    address, chosen = _email(email), _role(role)
    hashed = _hasher.hash(password) if password else None
    with engine.begin() as connection:
        known = connection.scalar(select(Account.id).where(Account.email == address))
        if known is not None:
            if not replace:
                raise RegistryError(*pair(Msg.ACCOUNTS_ALREADY_ACCOUNT, address=address))
            values: dict[str, Any] = {"role": chosen, "failed_logins": 0, "locked_until": None}
            if hashed:
                values["password_hash"] = hashed
            connection.execute(update(Account).where(Account.id == known).values(values))
            return int(known)
        return _scalar_int(
            connection.scalar(
                insert(Account)
                .values(
                    email=address,
                    role=chosen,
                    password_hash=hashed,
                    failed_logins=0,
                    created_at=datetime.now(UTC),
                )
                .returning(Account.id)
            )
        )


def remove(engine: Engine, email: str) -> None:
    """Delete an account."""
    with engine.begin() as connection:
        connection.execute(delete(Account).where(Account.email == _email(email)))


def listing(engine: Engine) -> list[dict[str, Any]]:
    """Every account (no password hash), and every domain rule as ``@domain``."""
    with engine.connect() as connection:
        accounts = [
            {
                "email": r.email,
                "role": r.role,
                "local": r.password_hash is not None,
                "locked_until": r.locked_until,
                "last_login": r.last_login,
            }
            for r in connection.execute(select(Account.__table__).order_by(Account.email))
        ]
        rules = [
            {
                "email": f"@{r.domain}",
                "role": r.role,
                "local": False,
                "locked_until": None,
                "last_login": None,
            }
            for r in connection.execute(select(DomainRule.__table__).order_by(DomainRule.domain))
        ]
    return accounts + rules


@dataclass(frozen=True)
class Imported:
    """A CSV of accounts imported: how many added, how many updated."""

    added: int
    updated: int


def import_csv(engine: Engine, data: bytes, *, name: str = "accounts.csv") -> Imported:
    """Add or update accounts from a CSV (columns email, role, and password, optional).

    Every bad row is reported at once, with its row number, and then nothing is written.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegistryError(
            *pair(Msg.ACCOUNTS_NOT_UTF_TEXT, name=name),
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    columns = {c.strip().lower() for c in reader.fieldnames or []}
    if not {"email", "role"} <= columns:
        raise RegistryError(
            *pair(
                Msg.ACCOUNTS_COLUMNS_NEEDED,
                name=name,
                found=", ".join(sorted(columns)) or Text(Msg.ACCOUNTS_NONE),
            ),
        )
    rows: list[tuple[str, str, str | None]] = []
    problems: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(reader, start=2):
        row = {str(k).strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        try:
            address, chosen = _email(row["email"]), _role(row["role"])
        except RegistryError as exc:
            problems.append(
                pair(Msg.ACCOUNTS_ROW_PROBLEM, name=name, number=number, problem=exc.message)
            )
            continue
        if address in seen:
            problems.append(
                pair(
                    Msg.ACCOUNTS_ROW_ALREADY_ROW,
                    name=name,
                    number=number,
                    address=address,
                    seen=seen[address],
                )
            )
            continue
        seen[address] = number
        rows.append((address, chosen, row.get("password") or None))
    if problems:
        raise RegistryError(" ".join(p[0] for p in problems), " ".join(p[1] for p in problems))
    with engine.connect() as connection:
        known = set(connection.scalars(select(Account.email)))
    for address, chosen, password in rows:
        add(engine, address, role=chosen, password=password, replace=True)
    updated = sum(1 for address, _, _ in rows if address in known)
    return Imported(added=len(rows) - updated, updated=updated)


def set_domain_rule(engine: Engine, domain: str, *, role: str | None) -> None:
    """Everyone logging in with an e-mail at ``domain`` gets ``role`` (None removes the rule)."""
    chosen_domain = _domain(domain)
    with engine.begin() as connection:
        connection.execute(delete(DomainRule).where(DomainRule.domain == chosen_domain))
        if role is not None:
            connection.execute(insert(DomainRule).values(domain=chosen_domain, role=_role(role)))


def auth_mode(engine: Engine) -> str:
    """ "open" when no account and no domain rule exist (one local editor), else "local"."""
    with engine.connect() as connection:
        accounts = connection.scalar(select(func.count()).select_from(Account)) or 0
        rules = connection.scalar(select(func.count()).select_from(DomainRule)) or 0
    return OPEN if not accounts and not rules else LOCAL


def role_for_email(engine: Engine, email: str, *, verified: bool = True) -> str:
    """The role of someone who proved this e-mail (OpenID Connect): their account's role,
    else the rule of the longest matching domain (``ml.embassy.example`` matches a rule for
    ``embassy.example``), else viewer. An address the identity provider says it has not
    verified (``email_verified`` false) gets viewer: anyone may type any address there."""
    address = _email(email)
    if not verified:
        return VIEWER
    with engine.connect() as connection:
        role = connection.scalar(select(Account.role).where(Account.email == address))
        if role is not None:
            return str(role)
        rules = {
            str(d): str(r)
            for d, r in connection.execute(select(DomainRule.domain, DomainRule.role))
        }
    domain = address.partition("@")[2]
    parts = domain.split(".")
    for start in range(len(parts) - 1):
        candidate = ".".join(parts[start:])
        if candidate in rules:
            return rules[candidate]
    return VIEWER


def login(engine: Engine, email: str, password: str, *, now: datetime | None = None) -> str:
    """Check a local login; the account's role. After MAX_FAILURES wrong passwords in a row
    the account is locked for LOCK_MINUTES, even to the right password."""
    now = now or datetime.now(UTC)
    refused = LoginError(*pair(Msg.ACCOUNTS_WRONG_MAIL_PASSWORD))
    try:
        address = _email(email)
    except RegistryError:
        raise refused from None
    with engine.begin() as connection:
        account = connection.execute(
            select(Account.__table__).where(Account.email == address)
        ).first()
        if account is None or account.password_hash is None:
            raise refused
        locked = account.locked_until
        if locked is not None and (locked if locked.tzinfo else locked.replace(tzinfo=UTC)) > now:
            minutes = max(
                1,
                int(
                    (
                        (locked if locked.tzinfo else locked.replace(tzinfo=UTC)) - now
                    ).total_seconds()
                    // 60
                )
                + 1,
            )
            raise LoginError(
                *pair(Msg.ACCOUNTS_LOCKED_FOR_MORE, minutes=minutes),
            )
        try:
            _hasher.verify(account.password_hash, password)
        except (VerificationError, InvalidHashError):
            failures = account.failed_logins + 1
            values: dict[str, Any] = {"failed_logins": failures}
            if failures >= MAX_FAILURES:
                values.update(locked_until=now + timedelta(minutes=LOCK_MINUTES), failed_logins=0)
            connection.execute(update(Account).where(Account.id == account.id).values(values))
            failure: LoginError | None = refused
            if failures >= MAX_FAILURES:
                failure = LoginError(
                    *pair(Msg.ACCOUNTS_LOCKED_FOR, lock_minutes=LOCK_MINUTES),
                )
        else:
            failure = None
            values = {"failed_logins": 0, "locked_until": None, "last_login": now}
            if _hasher.check_needs_rehash(account.password_hash):
                values["password_hash"] = _hasher.hash(password)
            connection.execute(update(Account).where(Account.id == account.id).values(values))
    if failure is not None:  # raised once the count is saved
        raise failure
    return str(account.role)
