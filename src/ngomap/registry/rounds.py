"""Import as a round: compare a file with the registry, apply it in one transaction, revert it,
and compare any two rounds or dates."""

from __future__ import annotations

import getpass
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from sqlalchemy import Connection, Engine, delete, insert, select, update

from ngomap import schema as s
from ngomap.messages import Msg, pair
from ngomap.normalise import clean_text, norm_text
from ngomap.registry import compare as c
from ngomap.registry import links
from ngomap.registry.db import RegistryError
from ngomap.registry.models import (
    REVERT,
    ROUND,
    Alias,
    Change,
    Changeset,
    Organisation,
    Presence,
    Round,
)
from ngomap.registry.state import (
    PRESENCE_TYPES,
    changeset_at,
    fast_frame,
    open_at,
    organisations_at,
)

DEFAULT_SOURCE: Final = "main"
FUZZY_CUTOFF: Final = 88.0  # rapidfuzz ratio from which two spellings may be the same
CHUNK: Final = 5000  # ids per IN (...) list
Progress = Callable[[float, str], None]
# Presence columns filled from a records frame column of the same meaning.
_FROM_RECORDS: Final[dict[str, str]] = {
    "sector": s.SECTOR,
    "area_code": s.AREA_CODE,
    "area_level": s.AREA_LEVEL,
    "area_rule": s.AREA_RULE,
    "adm1_code": s.ADM1_CODE,
    "adm1_name": s.ADM1_NAME,
    "adm2_code": s.ADM2_CODE,
    "adm2_name": s.ADM2_NAME,
    "adm3_code": s.ADM3_CODE,
    "adm3_name": s.ADM3_NAME,
    "mode": s.PRESENCE,
    "status": s.STATUS,
    "start": s.START,
    "end": s.END,
    "partner": s.PARTNER,
    "funder": s.FUNDER,
    "targeted": s.TARGETED,
    "reached": s.REACHED,
    "sector_raw": s.SECTOR_RAW,
    "source": s.SOURCE,
    "row": s.ROW,
}


@dataclass(frozen=True)
class RoundInfo:
    """What is known of the file imported as a round."""

    file_name: str
    sha256: str
    source: str = DEFAULT_SOURCE  # the list the round updates
    data_date: date | None = None  # the date the data describe (today when unknown)
    by: str = ""
    rows_read: int = 0
    period: tuple[date | None, date | None] = (None, None)
    # The country of origin of every organisation the list names (France for the embassy's
    # list of French NGOs): given to its new organisations and to known ones without one,
    # never over an origin already given.
    origin: str = ""

    @staticmethod
    def of_bytes(data: bytes, file_name: str, **kwargs: Any) -> RoundInfo:
        return RoundInfo(file_name=file_name, sha256=hashlib.sha256(data).hexdigest(), **kwargs)


def current_user() -> str:
    """Who runs this process, for the record of who changed what."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


# ---------------------------------------------------------------- matching organisations


@dataclass
class _FileOrgs:
    frame: pd.DataFrame  # per file organisation key: name, acronym, org_type
    ids: dict[str, int]  # file key -> registry id (matched or chosen)
    new: list[str]  # file keys to create
    ambiguous: list[c.Ambiguity]
    removed: set[int]  # matched organisations that a revert had removed: back as new ones


def _file_organisations(records: pd.DataFrame) -> pd.DataFrame:
    """One row per organisation of the file: its key, name, acronym and type (the most said)."""
    columns = [col for col in (s.ORG_NAME, s.ORG_ACRONYM, s.ORG_TYPE) if col in records]
    first = records.drop_duplicates(s.ORG_KEY).set_index(s.ORG_KEY)[[s.ORG_NAME]]
    for column in columns[1:]:
        pairs = records[[s.ORG_KEY, column]]
        pairs = pairs[pairs[column].notna() & (pairs[column].astype(str).str.strip() != "")]
        counted = pairs.groupby([s.ORG_KEY, column], sort=False).size().reset_index(name="n")
        counted = counted.sort_values("n", ascending=False, kind="stable")
        most = counted.drop_duplicates(s.ORG_KEY).set_index(s.ORG_KEY)[column]
        first[column] = most.reindex(first.index).fillna("")
    for column in (s.ORG_ACRONYM, s.ORG_TYPE):
        if column not in first:
            first[column] = ""
    return first


def _match(
    connection: Connection, records: pd.DataFrame, decisions: Mapping[str, int | None]
) -> _FileOrgs:
    """Which known organisation each organisation of the file is: exact spelling (name or
    alias, normalised) first; else the user's decision; else new, listed as ambiguous when a
    known one has the same acronym or a close spelling."""
    orgs = _file_organisations(records)
    known = connection.execute(
        select(
            Alias.norm,
            Alias.kind,
            Alias.organisation_id,
            Organisation.name,
            Organisation.removed_in,
        )
        .join(Organisation, Organisation.id == Alias.organisation_id)
        .where(Organisation.merged_into.is_(None))
    ).all()
    by_name: dict[str, int] = {}
    by_acronym: dict[str, list[tuple[int, str]]] = {}
    names: dict[int, str] = {}
    removed: set[int] = set()
    for norm, kind, org_id, name, removed_in in known:
        names[org_id] = name
        if removed_in is not None:
            removed.add(org_id)
        if kind == "acronym":
            by_acronym.setdefault(norm, []).append((org_id, name))
        else:
            by_name.setdefault(norm, org_id)
    chosen = {norm_text(k): v for k, v in decisions.items()}
    ids: dict[str, int] = {}
    new: list[str] = []
    unmatched: list[str] = []
    for index, org_name in zip(orgs.index.tolist(), orgs[s.ORG_NAME].tolist(), strict=True):
        key = str(index)
        decided = chosen.get(key, chosen.get(norm_text(org_name), -1))
        if decided is None:
            new.append(key)
            continue
        if decided != -1:
            if decided not in names:
                raise RegistryError(
                    *pair(Msg.ROUNDS_ORGANISATION_CHOSEN_NOT, decided=decided, row=org_name),
                )
            ids[key] = decided
            continue
        found = by_name.get(key, by_name.get(norm_text(org_name)))
        if found is not None:
            ids[key] = found
        else:
            unmatched.append(key)
    ambiguous: list[c.Ambiguity] = []
    if unmatched:
        choices = [name for name, org_id in by_name.items() if org_id not in removed]
        scores = (
            process.cdist(
                unmatched,
                choices,
                scorer=fuzz.ratio,
                score_cutoff=FUZZY_CUTOFF,
                dtype=np.uint8,
                workers=-1,
            )
            if choices
            else np.zeros((len(unmatched), 0), dtype=np.uint8)
        )
        for position, key in enumerate(unmatched):
            new.append(key)
            candidates: dict[int, c.Candidate] = {}
            acronym = norm_text(orgs.at[key, s.ORG_ACRONYM])
            for org_id, name in by_acronym.get(acronym, []) if acronym else []:
                if org_id in removed:
                    continue
                candidates[org_id] = c.Candidate(org_id, name, "acronym", 100.0)
            row_scores = scores[position]
            for index in np.flatnonzero(row_scores)[:20]:
                org_id = by_name[choices[index]]
                if org_id not in candidates:
                    candidates[org_id] = c.Candidate(
                        org_id, names[org_id], "spelling", float(row_scores[index])
                    )
            if candidates:
                best = sorted(candidates.values(), key=lambda x: -x.score)[:5]
                ambiguous.append(c.Ambiguity(str(orgs.at[key, s.ORG_NAME]), key, tuple(best)))
    back = {org_id for org_id in ids.values() if org_id in removed}
    return _FileOrgs(frame=orgs, ids=ids, new=new, ambiguous=ambiguous, removed=back)


# ---------------------------------------------------------------- comparing


_STATE_COLUMNS: Final = (
    "sector",
    "area_code",
    "national",
    "mode",
    "status",
    "start",
    "end",
    "partner",
    "funder",
    "targeted",
    "reached",
)


def _registry_state(
    connection: Connection, changeset: int | None, list_source: str | None
) -> pd.DataFrame:
    """Presences holding at ``changeset`` (None: now), with their row id, as a state."""
    query = select(
        Presence.id, Presence.organisation_id, *(getattr(Presence, col) for col in _STATE_COLUMNS)
    ).where(open_at(changeset))
    if list_source is not None:
        query = query.where(Presence.list_source == list_source)
    rows = fast_frame(connection, query, types=PRESENCE_TYPES)
    out = c.state(rows["organisation_id"].to_numpy(), rows)
    out["id"] = rows["id"].to_numpy()
    return out


def _file_state(records: pd.DataFrame, orgs: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame(
        {name: records[column] for name, column in _FROM_RECORDS.items() if column in records}
    )
    if s.NATIONAL in records:
        frame["national"] = records[s.NATIONAL]
    return c.state(orgs.to_numpy(), frame)


def _org_ids(records: pd.DataFrame, matched: _FileOrgs) -> pd.Series:
    """Each record's organisation: its registry id, or a temporary negative one when new."""
    temp = {key: -(position + 1) for position, key in enumerate(matched.new)}
    lookup = {**matched.ids, **temp}
    return records[s.ORG_KEY].map(lookup).astype("int64")


def _organisation_changes(connection: Connection, matched: _FileOrgs) -> list[c.OrgChange]:
    if not matched.ids:
        return []
    ids = list(set(matched.ids.values()))
    current = {
        row.id: row
        for chunk in _chunks(ids)
        for row in connection.execute(
            select(
                Organisation.id, Organisation.name, Organisation.acronym, Organisation.org_type
            ).where(Organisation.id.in_(chunk))
        )
    }
    changes = []
    for key, org_id in matched.ids.items():
        row = current[org_id]
        for field_name, column in (("org_type", s.ORG_TYPE), ("acronym", s.ORG_ACRONYM)):
            given = clean_text(matched.frame.at[key, column])
            if given and given != (getattr(row, field_name) or ""):
                changes.append(
                    c.OrgChange(org_id, row.name, field_name, getattr(row, field_name), given)
                )
    return changes


def _chunks(values: list[int]) -> list[list[int]]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def _absent(connection: Connection, before: pd.DataFrame, after_orgs: set[int]) -> list[str]:
    gone = sorted(set(before[c.ORG].tolist()) - after_orgs)
    return _names(connection, gone)


def _names(connection: Connection, ids: list[int]) -> list[str]:
    names: list[str] = []
    for chunk in _chunks(ids):
        names += connection.scalars(select(Organisation.name).where(Organisation.id.in_(chunk)))
    return sorted(names, key=norm_text)


def _compare(
    connection: Connection,
    records: pd.DataFrame,
    *,
    list_source: str,
    decisions: Mapping[str, int | None],
) -> tuple[c.Comparison, _FileOrgs, pd.Series, pd.DataFrame, pd.DataFrame]:
    matched = _match(connection, records, decisions)
    org_ids = _org_ids(records, matched)
    before = _registry_state(connection, None, list_source)
    after = _file_state(records, org_ids)
    keys = c.compare_states(before, after)
    found = c.counts(keys)
    comparison = c.Comparison(
        organisations_new=sorted(
            [str(matched.frame.at[k, s.ORG_NAME]) for k in matched.new]
            + [
                str(matched.frame.at[k, s.ORG_NAME])
                for k, i in matched.ids.items()
                if i in matched.removed
            ],
            key=norm_text,
        ),
        organisations_absent=_absent(connection, before, set(matched.ids.values())),
        organisations_ambiguous=matched.ambiguous,
        organisations_changed=_organisation_changes(connection, matched),
        presences_new=found[c.NEW],
        presences_withdrawn=found[c.WITHDRAWN],
        presences_changed=found[c.CHANGED],
        presences_updated=found[c.UPDATED],
        presences_unchanged=found[c.UNCHANGED],
        by_area=c.by_area(keys),
        keys=keys,
        links_changed=links.preview_round(
            connection, records, org_ids.to_numpy(), _org_names(connection, matched)
        ),
    )
    return comparison, matched, org_ids, before, after


def _org_names(connection: Connection, matched: _FileOrgs) -> dict[int, str]:
    """Each organisation's name by the id the comparison gives it (negative: a new one)."""
    names = {
        -(position + 1): str(matched.frame.at[key, s.ORG_NAME])
        for position, key in enumerate(matched.new)
    }
    ids = sorted(set(matched.ids.values()))
    for chunk in _chunks(ids):
        names.update(
            (int(i), str(n))
            for i, n in connection.execute(
                select(Organisation.id, Organisation.name).where(Organisation.id.in_(chunk))
            )
        )
    return names


def compare_file(
    engine: Engine,
    records: pd.DataFrame,
    *,
    list_source: str = DEFAULT_SOURCE,
    decisions: Mapping[str, int | None] | None = None,
) -> c.Comparison:
    """How the records of a file compare with the registry's list ``list_source``.

    ``decisions`` maps an organisation of the file (its name or key) to a known organisation's
    id (the same one) or to None (a new one): for the ambiguous ones.
    """
    _check_records(records)
    with engine.connect() as connection:
        return _compare(connection, records, list_source=list_source, decisions=decisions or {})[0]


def _check_records(records: pd.DataFrame) -> None:
    missing = [col for col in (s.ORG_KEY, s.ORG_NAME, s.SECTOR) if col not in records]
    if missing:
        raise RegistryError(
            *pair(Msg.ROUNDS_THESE_RECORDS_LACK, missing=", ".join(missing)),
        )


# ---------------------------------------------------------------- applying


def _new_changeset(
    connection: Connection,
    kind: str,
    *,
    by: str,
    effective: date | None = None,
    round_id: int | None = None,
    reverts: int | None = None,
    note: str = "",
) -> int:
    now = datetime.now(UTC)
    return _scalar_int(
        connection.scalar(
            insert(Changeset)
            .values(
                kind=kind,
                at=now,
                effective=effective or now.date(),
                by=by or current_user(),
                note=note,
                round_id=round_id,
                reverts_id=reverts,
            )
            .returning(Changeset.id)
        )
    )


def _scalar_int(value: Any) -> int:
    if value is None:  # pragma: no cover - an INSERT ... RETURNING always returns
        raise RegistryError(*pair(Msg.ROUNDS_NO_ID_RETURNED))
    return int(value)


def _none(value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _presence_rows(
    records: pd.DataFrame,
    org_ids: np.ndarray[Any, Any],
    *,
    list_source: str,
    changeset: int,
    origin: str = ROUND,
) -> list[dict[str, Any]]:
    columns = {name: col for name, col in _FROM_RECORDS.items() if col in records}
    data = {name: records[col].astype(object).to_numpy() for name, col in columns.items()}
    for name in ("targeted", "reached"):
        if name in data:
            numbers = pd.to_numeric(records[columns[name]], errors="coerce")
            data[name] = np.asarray(numbers.astype(object), dtype=object)
    national = (
        records[s.NATIONAL].astype(bool).to_numpy()
        if s.NATIONAL in records
        else np.zeros(len(records), dtype=bool)
    )
    out = []
    for position in range(len(records)):
        row = {name: _none(values[position]) for name, values in data.items()}
        row.update(
            organisation_id=int(org_ids[position]),
            national=bool(national[position]),
            list_source=list_source,
            origin=origin,
            opened_in=changeset,
        )
        if row.get("row") is not None:
            row["row"] = int(row["row"])
        if isinstance(row.get("start"), date | datetime):
            row["start"] = row["start"].isoformat()
        if isinstance(row.get("end"), date | datetime):
            row["end"] = row["end"].isoformat()
        for text_field in ("start", "end"):
            if row.get(text_field) is not None:
                row[text_field] = str(row[text_field])
        out.append(row)
    return out


def _close(connection: Connection, ids: list[int], changeset: int) -> None:
    for chunk in _chunks(ids):
        connection.execute(
            update(Presence).where(Presence.id.in_(chunk)).values(closed_in=changeset)
        )


def _unique_key(connection: Connection, key: str) -> str:
    taken = set(
        connection.scalars(select(Organisation.key).where(Organisation.key.like(f"{key}%")))
    )
    if key not in taken:
        return key
    number = 2
    while f"{key} ({number})" in taken:
        number += 1
    return f"{key} ({number})"


def apply_round(
    engine: Engine,
    records: pd.DataFrame,
    info: RoundInfo,
    *,
    decisions: Mapping[str, int | None] | None = None,
    progress: Progress | None = None,
) -> c.Comparison:
    """Keep a file as a round of the list ``info.source``, in one transaction: new
    organisations created, spellings kept as aliases, changed types and acronyms edited,
    presences withdrawn, changed and new; returns the comparison with its round id.

    Either all of it is kept, or (on any error, or the process killed) none of it.
    """
    _check_records(records)

    def step(fraction: float, what: str) -> None:
        if progress is not None:
            progress(fraction, what)

    with engine.begin() as connection:
        step(0.05, "compare")
        comparison, matched, org_ids, before, after = _compare(
            connection, records, list_source=info.source, decisions=decisions or {}
        )
        effective = info.data_date or datetime.now(UTC).date()
        by = info.by or current_user()
        round_id = _scalar_int(
            connection.scalar(
                insert(Round)
                .values(
                    file_name=info.file_name,
                    sha256=info.sha256,
                    source=info.source,
                    period_start=info.period[0],
                    period_end=info.period[1],
                    data_date=info.data_date,
                    imported_at=datetime.now(UTC),
                    imported_by=by,
                    rows_read=info.rows_read or len(records),
                    rows_kept=len(records),
                    summary={},
                )
                .returning(Round.id)
            )
        )
        changeset = _new_changeset(
            connection,
            ROUND,
            by=by,
            effective=effective,
            round_id=round_id,
            note=info.file_name,
        )
        step(0.2, "organisations")
        ids = dict(matched.ids)
        if matched.new:
            rows = []
            for key in matched.new:
                org = matched.frame.loc[key]
                rows.append(
                    {
                        "key": _unique_key(connection, key),
                        "name": clean_text(org[s.ORG_NAME]),
                        "acronym": clean_text(org[s.ORG_ACRONYM]),
                        "org_type": clean_text(org[s.ORG_TYPE]),
                        "country": clean_text(info.origin),
                        "created_in": changeset,
                        "last_confirmed": effective,
                        "version": 1,
                        "active": True,
                        "contacts_public": [],
                        "contacts_staff": [],
                        "funders": [],
                    }
                )
            created = (
                connection.execute(
                    insert(Organisation).returning(Organisation.id, sort_by_parameter_order=True),
                    rows,
                )
                .scalars()
                .all()
            )
            ids.update(zip(matched.new, created, strict=True))
        restored = (
            list(
                connection.scalars(
                    select(Organisation.id).where(
                        Organisation.id.in_(list(matched.ids.values())),
                        Organisation.removed_in.is_not(None),
                    )
                )
            )
            if matched.ids
            else []
        )
        if restored:
            connection.execute(
                update(Organisation)
                .where(Organisation.id.in_(restored))
                .values(removed_in=None, version=Organisation.version + 1)
            )
        for change in comparison.organisations_changed:
            connection.execute(
                update(Organisation)
                .where(Organisation.id == change.organisation_id)
                .values({change.field: change.after, "version": Organisation.version + 1})
            )
        if comparison.organisations_changed:
            connection.execute(
                insert(Change),
                [
                    {
                        "changeset_id": changeset,
                        "organisation_id": ch.organisation_id,
                        "field": ch.field,
                        "before": ch.before,
                        "after": ch.after,
                    }
                    for ch in comparison.organisations_changed
                ],
            )
        confirmed = sorted(set(matched.ids.values()))
        for chunk in _chunks(confirmed):
            connection.execute(
                update(Organisation)
                .where(Organisation.id.in_(chunk))
                .values(last_confirmed=effective)
            )
        _give_origin(connection, confirmed, clean_text(info.origin), changeset)
        step(0.35, "aliases")
        _add_aliases(connection, matched, ids, changeset, info.file_name)
        step(0.5, "presences")
        keys = comparison.keys
        replaced = keys[keys["what"].isin([c.WITHDRAWN, c.CHANGED, c.UPDATED])]
        closing = before.merge(replaced[list(c.KEY)], on=list(c.KEY))["id"].tolist()
        _close(connection, [int(i) for i in closing], changeset)
        step(0.65, "presences")
        adding = keys[keys["what"].isin([c.NEW, c.CHANGED, c.UPDATED])][list(c.KEY)]
        chosen = after[list(c.KEY)].reset_index().merge(adding, on=list(c.KEY))["index"]
        positions = np.sort(chosen.to_numpy())
        temp = org_ids.to_numpy()[positions]
        lookup = {-(i + 1): ids[k] for i, k in enumerate(matched.new)}
        final = np.array([lookup.get(int(t), int(t)) for t in temp], dtype=np.int64)
        rows = _presence_rows(
            records.iloc[positions], final, list_source=info.source, changeset=changeset
        )
        if rows:
            connection.execute(insert(Presence), rows)
        step(0.9, "partners and funders")
        every = org_ids.to_numpy().copy()
        every[every < 0] = [lookup[int(t)] for t in every[every < 0]]
        links.record_round(connection, records, every, changeset=changeset, where=info.file_name)
        step(0.95, "round")
        comparison.round = round_id
        connection.execute(
            update(Round).where(Round.id == round_id).values(summary=_summary(comparison))
        )
    step(1.0, "done")
    return comparison


def _give_origin(connection: Connection, known: list[int], origin: str, changeset: int) -> None:
    """The list's country of origin to its known organisations that have none, each a change
    of the round (shown in history, undone with it)."""
    if not origin or not known:
        return
    without: list[int] = []
    for chunk in _chunks(known):
        without += connection.scalars(
            select(Organisation.id).where(Organisation.id.in_(chunk), Organisation.country == "")
        ).all()
    if not without:
        return
    for chunk in _chunks(without):
        connection.execute(
            update(Organisation)
            .where(Organisation.id.in_(chunk))
            .values(country=origin, version=Organisation.version + 1)
        )
    connection.execute(
        insert(Change),
        [
            {
                "changeset_id": changeset,
                "organisation_id": org_id,
                "field": "country",
                "before": "",
                "after": origin,
            }
            for org_id in without
        ],
    )


def _summary(comparison: c.Comparison) -> dict[str, Any]:
    return {
        key: value if isinstance(value, int) or value is None else len(value)
        for key, value in comparison.as_dict().items()
        if key not in ("by_area", "organisations_ambiguous_candidates")
    }


def _add_aliases(
    connection: Connection,
    matched: _FileOrgs,
    ids: Mapping[str, int],
    changeset: int,
    where: str,
) -> None:
    known = {
        tuple(row)
        for row in connection.execute(select(Alias.organisation_id, Alias.norm, Alias.kind))
    }
    rows = []
    for key, org in matched.frame.iterrows():
        org_id = ids[str(key)]
        for kind, spelling in (
            ("name", org[s.ORG_NAME]),
            ("name", key),
            ("acronym", org[s.ORG_ACRONYM]),
        ):
            spelling = clean_text(spelling)
            norm = norm_text(spelling)
            if norm and (org_id, norm, kind) not in known:
                known.add((org_id, norm, kind))
                rows.append(
                    {
                        "organisation_id": org_id,
                        "spelling": spelling,
                        "norm": norm,
                        "kind": kind,
                        "met_in": where,
                        "changeset_id": changeset,
                    }
                )
    if rows:
        connection.execute(insert(Alias), rows)


# ---------------------------------------------------------------- reverting, comparing rounds


@dataclass(frozen=True)
class Reverted:
    """What reverting did: the revert's changeset, and what could not be undone."""

    changeset: int
    presences_closed: int
    presences_reopened: int
    fields_restored: int
    conflicts: list[str]


def revert_round(engine: Engine, round_id: int, *, by: str = "") -> Reverted:
    """Undo a round in one new changeset: its presences closed, those it withdrew reopened,
    its field edits put back, organisations it created removed. What a later change touched
    since is left as it is and listed as a conflict."""
    with engine.begin() as connection:
        target = connection.execute(
            select(Changeset.id, Changeset.reverted_by_id).where(
                Changeset.round_id == round_id, Changeset.kind == ROUND
            )
        ).first()
        if target is None:
            raise RegistryError(
                *pair(Msg.ROUNDS_THERE_NO_ROUND, round_id=round_id),
            )
        if target.reverted_by_id is not None:
            raise RegistryError(
                *pair(
                    Msg.ROUNDS_ROUND_ALREADY_REVERTED,
                    round_id=round_id,
                    reverted_by_id=target.reverted_by_id,
                ),
            )
        return _revert(connection, target.id, by=by, note=f"revert round {round_id}")


# What makes a presence row the same fact as another (all but its id and changesets).
_FACT: Final = (
    "organisation_id",
    "list_source",
    "sector",
    "area_code",
    "national",
    "mode",
    "status",
    "start",
    "end",
    "partner",
    "funder",
)


def put_back_copies(connection: Connection, target: int) -> list[int]:
    """Open presences that carry a row ``target`` opened, put back under a new id: a later
    changeset closed the row, then reverting that changeset opened a copy of it. Reverting
    ``target`` must close these too, or its presences would stay."""
    return [int(row.id) for row in lineage(connection, target) if row.closed_in is None]


def lineage(connection: Connection, target: int) -> list[Any]:
    """The copies of rows ``target`` opened that reverts put back (open or closed since):
    id, opened_in, closed_in and the fact's columns."""
    columns = [Presence.id, Presence.opened_in, Presence.closed_in] + [
        getattr(Presence, name) for name in _FACT
    ]
    frontier = connection.execute(select(*columns).where(Presence.opened_in == target)).all()
    found: list[Any] = []
    for _ in range(20):  # a chain of withdraw-and-revert, followed to its end
        closers = sorted({row.closed_in for row in frontier if row.closed_in is not None})
        if not closers:
            break
        reverts = connection.execute(
            select(Changeset.id, Changeset.reverts_id).where(
                Changeset.kind == REVERT, Changeset.reverts_id.in_(closers)
            )
        ).all()
        if not reverts:
            break
        wanted = {(row.closed_in, tuple(getattr(row, name) for name in _FACT)) for row in frontier}
        undone_by = {int(rv): int(c) for rv, c in reverts if c is not None}
        copies = connection.execute(
            select(*columns).where(Presence.opened_in.in_(list(undone_by)))
        ).all()
        frontier = [
            row
            for row in copies
            if (undone_by[row.opened_in], tuple(getattr(row, name) for name in _FACT)) in wanted
        ]
        found += frontier
    return found


def _revert(connection: Connection, target: int, *, by: str, note: str) -> Reverted:
    changeset = _new_changeset(connection, REVERT, by=by, reverts=target, note=note)
    connection.execute(
        update(Changeset).where(Changeset.id == target).values(reverted_by_id=changeset)
    )
    conflicts: list[str] = []
    opened = list(
        connection.scalars(
            select(Presence.id).where(Presence.opened_in == target, Presence.closed_in.is_(None))
        )
    )
    opened += put_back_copies(connection, target)
    _close(connection, opened, changeset)
    closed = connection.execute(
        select(Presence.__table__).where(Presence.closed_in == target)
    ).all()
    columns = [col.key for col in Presence.__table__.columns if col.key not in ("id",)]
    reopen = []
    open_keys = {
        (row.organisation_id, row.list_source, row.sector, row.area_code, row.national)
        for row in connection.execute(
            select(
                Presence.organisation_id,
                Presence.list_source,
                Presence.sector,
                Presence.area_code,
                Presence.national,
            ).where(Presence.closed_in.is_(None))
        )
    }
    for presence in closed:
        key = (
            presence.organisation_id,
            presence.list_source,
            presence.sector,
            presence.area_code,
            presence.national,
        )
        if key in open_keys:
            conflicts.append(f"presence {presence.id} ({presence.sector} {presence.area_code})")
            continue
        row = {col: getattr(presence, col) for col in columns}
        row.update(opened_in=changeset, closed_in=None)
        reopen.append(row)
    if reopen:
        connection.execute(insert(Presence), reopen)
    created = select(Organisation.id).where(Organisation.created_in == target)
    connection.execute(  # spellings the round tied to organisations that stay
        delete(Alias).where(Alias.changeset_id == target, Alias.organisation_id.not_in(created))
    )
    restored = 0
    for change in connection.execute(
        select(Change.__table__).where(
            Change.changeset_id == target, Change.reverted_by_id.is_(None)
        )
    ).all():
        if change.field == links.PARTNERS:
            if links.revert_partners(
                connection,
                organisation_id=change.organisation_id,
                target=target,
                changeset=changeset,
            ):
                connection.execute(
                    update(Change).where(Change.id == change.id).values(reverted_by_id=changeset)
                )
                restored += 1
            else:
                conflicts.append(f"organisation {change.organisation_id} partners")
            continue
        current = connection.scalar(
            select(getattr(Organisation, change.field)).where(
                Organisation.id == change.organisation_id
            )
        )
        if current != change.after:
            conflicts.append(f"organisation {change.organisation_id} {change.field}")
            continue
        connection.execute(
            update(Organisation)
            .where(Organisation.id == change.organisation_id)
            .values({change.field: change.before, "version": Organisation.version + 1})
        )
        connection.execute(
            insert(Change).values(
                changeset_id=changeset,
                organisation_id=change.organisation_id,
                field=change.field,
                before=change.after,
                after=change.before,
            )
        )
        connection.execute(
            update(Change).where(Change.id == change.id).values(reverted_by_id=changeset)
        )
        restored += 1
    still_present = select(Presence.organisation_id).where(Presence.closed_in.is_(None))
    connection.execute(
        update(Organisation)
        .where(Organisation.created_in == target, Organisation.id.not_in(still_present))
        .values(removed_in=changeset, version=Organisation.version + 1)
    )
    return Reverted(changeset, len(opened), len(reopen), restored, conflicts)


def diff(
    engine: Engine,
    first: int | str | date | None,
    second: int | str | date | None,
    *,
    list_source: str | None = None,
) -> c.Comparison:
    """How the registry at ``second`` compares with it at ``first`` (rounds "R3", dates,
    changeset ids; None for now): the same fields as an import's comparison."""
    with engine.connect() as connection:
        a = changeset_at(connection, first)
        b = changeset_at(connection, second)
        before = _registry_state(connection, a, list_source)
        after = _registry_state(connection, b, list_source)
        keys = c.compare_states(before, after)
        found = c.counts(keys)
        orgs_a, orgs_b = set(before[c.ORG].tolist()), set(after[c.ORG].tolist())
        names_b = organisations_at(connection, b)
        names_a = organisations_at(connection, a)
        changed = []
        for org_id in sorted(orgs_a & orgs_b):
            for field_name in ("org_type", "acronym", "name"):
                old = str(names_a.at[org_id, field_name])
                new = str(names_b.at[org_id, field_name])
                if old != new:
                    name = str(names_b.at[org_id, "name"])
                    changed.append(c.OrgChange(org_id, name, field_name, old, new))
        return c.Comparison(
            organisations_new=sorted(
                (str(names_b.at[i, "name"]) for i in orgs_b - orgs_a), key=norm_text
            ),
            organisations_absent=sorted(
                (str(names_a.at[i, "name"]) for i in orgs_a - orgs_b), key=norm_text
            ),
            organisations_ambiguous=[],
            organisations_changed=changed,
            presences_new=found[c.NEW],
            presences_withdrawn=found[c.WITHDRAWN],
            presences_changed=found[c.CHANGED],
            presences_updated=found[c.UPDATED],
            presences_unchanged=found[c.UNCHANGED],
            by_area=c.by_area(keys),
            keys=keys,
            links_changed=links.between(connection, a, b),
        )
