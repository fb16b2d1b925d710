"""Registry speed on SQLite and PostgreSQL: 10,000 organisations and 500,000 presences.

The registry is built directly (bulk insert / COPY), as 20 lists of 500 organisations with
25,000 presences each. Measured on each database, next to a baseline in the same run:
- the current state as records for the map (``state.records``) against a bare
  ``pandas.read_sql`` of the presences and organisations tables;
- comparing a 25,000-row round with its list (``compare_file``: organisations matched among
  all 10,000) against a bare pandas merge of the two rounds;
- applying it (one transaction; reverted between runs, untimed) against a bare
  ``DataFrame.to_sql`` of its rows;
- the history of one organisation against a bare ``pandas.read_sql`` of its presences.
PostgreSQL is a throwaway cluster (ngomap.registry.throwaway); without it, its rows say so.
"""

from __future__ import annotations

import gc
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, text

from benchmarks._runner import time_pair
from ngomap import schema as s
from ngomap.registry import db, organisations, rounds, state, statecache, statestore, throwaway
from ngomap.registry.compare import Comparison
from ngomap.registry.db import RegistryError
from ngomap.registry.setup import init

SECTORS = [
    "WSH",
    "FSC",
    "HEA",
    "NUT",
    "EDU",
    "PRO",
    "SHL",
    "CCM",
    "LOG",
    "TEL",
    "ERY",
    "CSS",
    "AGR",
    "GOV",
    "ECO",
    "ENV",
    "CUL",
    "ENE",
    "GEN",
    "HRI",
]
AREAS = [f"ML{r:02d}{c:02d}" for r in range(1, 11) for c in range(1, 6)]  # 50 adm2 codes
MODES = ["DIRECT", "PARTNER", "OPERATOR", "OCCASIONAL"]
STATUSES = ["En cours", "Terminé", "Planifié"]
TYPES = ["INGO", "NNGO", "UN", "RCRC"]
LISTS = 20
_PRESENCE_COLUMNS = (
    "organisation_id",
    "list_source",
    "sector",
    "area_code",
    "area_level",
    "area_rule",
    "national",
    "adm1_code",
    "adm2_code",
    "mode",
    "status",
    "start",
    "end",
    "partner",
    "funder",
    "origin",
    "source",
    "row",
    "opened_in",
)


def _organisations(count: int) -> pd.DataFrame:
    ids = np.arange(1, count + 1)
    names = [f"Organisation {i:05d} {('Sahel', 'Niger', 'Bani', 'Delta')[i % 4]}" for i in ids]
    return pd.DataFrame(
        {
            "id": ids,
            "name": names,
            "key": [n.lower() for n in names],
            "acronym": [f"O{i:05d}" for i in ids],
            "org_type": [TYPES[i % 4] for i in ids],
        }
    )


def _presences(orgs: pd.DataFrame, per_org: int) -> pd.DataFrame:
    """``per_org`` distinct (sector, area) per organisation, lists of ``len/LISTS`` orgs."""
    count = len(orgs)
    org = np.repeat(orgs["id"].to_numpy(), per_org)
    step = np.tile(np.arange(per_org), count)
    combo = (org * 37 + step * 7) % (len(SECTORS) * len(AREAS))
    rng = np.random.default_rng(13)
    area = np.array(AREAS, dtype=object)[combo % len(AREAS)]
    return pd.DataFrame(
        {
            "organisation_id": org,
            "list_source": [f"list{(o - 1) * LISTS // count + 1:02d}" for o in org],
            "sector": np.array(SECTORS, dtype=object)[combo // len(AREAS)],
            "area_code": area,
            "area_level": "adm2",
            "area_rule": "exact",
            "national": False,
            "adm1_code": [a[:4] for a in area],
            "adm2_code": area,
            "mode": np.array(MODES, dtype=object)[rng.integers(0, 4, len(org))],
            "status": np.array(STATUSES, dtype=object)[rng.integers(0, 3, len(org))],
            "start": "2024-01-01",
            "end": "2025-12-31",
            "partner": "",
            "funder": "AFD",
            "origin": "round",
            "source": "bench.csv",
            "row": np.arange(len(org)) + 3,
            "opened_in": 1,
        }
    )


def _fill(engine: Engine, orgs: pd.DataFrame, presences: pd.DataFrame) -> None:
    """Bulk-load the registry: one changeset, organisations, aliases, presences."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO changesets (id, kind, at, effective, by, note) "
                "VALUES (1, 'init', :at, :day, 'bench', 'bench')"
            ),
            {"at": pd.Timestamp.now(tz="UTC").to_pydatetime(), "day": date(2024, 1, 1)},
        )
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        org_rows = [
            (
                int(str(r.id)),
                r.key,
                r.name,
                r.acronym,
                r.org_type,
                "",
                "",
                "",
                "[]",
                "[]",
                "[]",
                True,
                1,
                1,
            )
            for r in orgs.itertuples()
        ]
        alias_rows = [
            (int(str(r.id)), r.name, r.key, "name", "bench", 1) for r in orgs.itertuples()
        ]
        alias_rows += [
            (int(str(r.id)), r.acronym, str(r.acronym).lower(), "acronym", "bench", 1)
            for r in orgs.itertuples()
        ]
        presence_rows = list(presences[list(_PRESENCE_COLUMNS)].itertuples(index=False))
        org_columns = (
            "id, key, name, acronym, org_type, country, headquarters, website, "
            "contacts_public, contacts_staff, funders, active, created_in, version"
        )
        alias_columns = "organisation_id, spelling, norm, kind, met_in, changeset_id"
        presence_columns = ", ".join(f'"{c}"' for c in _PRESENCE_COLUMNS)
        if engine.dialect.name == "postgresql":
            for table, columns, rows in (
                ("organisations", org_columns, org_rows),
                ("aliases", alias_columns, alias_rows),
                ("presences", presence_columns, presence_rows),
            ):
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(
                            tuple(v.item() if isinstance(v, np.generic) else v for v in row)
                        )
            for table in ("organisations", "changesets"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
        else:
            for table, columns, rows in (
                ("organisations", org_columns, org_rows),
                ("aliases", alias_columns, alias_rows),
                ("presences", presence_columns, presence_rows),
            ):
                marks = ", ".join("?" * len(columns.split(",")))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                    [
                        tuple(v.item() if isinstance(v, np.generic) else v for v in row)
                        for row in rows
                    ],
                )
        raw.commit()
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def _round(presences: pd.DataFrame, orgs: pd.DataFrame, rows: int) -> pd.DataFrame:
    """A new round of list01: most presences again, some with a new mode, some withdrawn,
    new ones for known and new organisations; as records, like read_3w's."""
    rng = np.random.default_rng(7)
    current = presences[presences["list_source"] == "list01"].reset_index(drop=True)
    keep = current.sample(frac=0.97, random_state=1).reset_index(drop=True)
    changed = rng.random(len(keep)) < 0.05
    keep.loc[changed, "mode"] = "OPERATOR"
    by_id = orgs.set_index("id")
    frame = pd.DataFrame(
        {
            s.ORG_NAME: by_id.loc[keep["organisation_id"], "name"].to_numpy(),
            s.ORG_ACRONYM: by_id.loc[keep["organisation_id"], "acronym"].to_numpy(),
            s.ORG_TYPE: by_id.loc[keep["organisation_id"], "org_type"].to_numpy(),
            s.PRESENCE: keep["mode"],
            s.PARTNER: "",
            s.FUNDER: "AFD",
            s.SECTOR: keep["sector"],
            s.ADM1_CODE: keep["adm1_code"],
            s.ADM2_CODE: keep["adm2_code"],
            s.STATUS: keep["status"],
            s.START: keep["start"],
            s.END: keep["end"],
            s.ORG_KEY: by_id.loc[keep["organisation_id"], "key"].to_numpy(),
            s.AREA_CODE: keep["area_code"],
            s.AREA_LEVEL: "adm2",
            s.AREA_RULE: "exact",
            s.NATIONAL: False,
        }
    )
    missing = rows - len(frame)
    extra = frame.sample(n=missing, replace=True, random_state=2).reset_index(drop=True)
    new_orgs = np.arange(missing) % 40
    extra[s.ORG_NAME] = [f"Nouvelle organisation {i:02d}" for i in new_orgs]
    extra[s.ORG_KEY] = [f"nouvelle organisation {i:02d}" for i in new_orgs]
    extra[s.ORG_ACRONYM] = [f"NEW{i:02d}" for i in new_orgs]
    extra[s.AREA_CODE] = np.array(AREAS, dtype=object)[np.arange(missing) % len(AREAS)]
    extra[s.SECTOR] = np.array(SECTORS, dtype=object)[(np.arange(missing) // 50) % 20]
    extra = extra.drop_duplicates([s.ORG_KEY, s.SECTOR, s.AREA_CODE])
    out = pd.concat([frame, extra], ignore_index=True)
    out[s.ROW] = np.arange(len(out)) + 3
    out[s.SOURCE] = "round.csv"
    return out


@contextmanager
def _databases(quick: bool) -> Iterator[list[tuple[str, str | None, str]]]:
    """(label, url or None, why not) for SQLite and a throwaway PostgreSQL."""
    with tempfile.TemporaryDirectory(prefix="ngomap-registry-bench-") as folder:
        sqlite = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        try:
            with throwaway.cluster() as cluster:
                yield [("SQLite", sqlite, ""), ("PostgreSQL", cluster.new_database(), "")]
                return
        except RegistryError as exc:
            reason = str(exc)
        yield [("SQLite", sqlite, ""), ("PostgreSQL", None, reason)]


def _seconds(fn: Callable[[], Any]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _measures(
    label: str, url: str, *, org_count: int, per_org: int, runs: int, round_rows: int
) -> dict[str, dict[str, Any]]:
    init(url, empty=True)
    engine = db.engine_for(url)
    orgs = _organisations(org_count)
    presences = _presences(orgs, per_org)
    started = time.perf_counter()
    _fill(engine, orgs, presences)
    fill_s = round(time.perf_counter() - started, 1)
    size = f"{org_count:,} organisations, {len(presences):,} presences"
    details = {"database": label, "registry": size, "fill_s": fill_s}
    out: dict[str, dict[str, Any]] = {}

    def bare_read() -> None:
        with engine.connect() as connection:
            pd.read_sql(text("SELECT * FROM presences WHERE closed_in IS NULL"), connection)
            pd.read_sql(text("SELECT * FROM organisations"), connection)

    def never_read() -> None:
        with engine.begin() as connection:  # as a registry no process has read yet
            connection.execute(delete(statestore.StoredState))
        statecache.forget()
        state.records(engine)
        assert statecache.last_read == {"how": "read", "stored": "written"}

    def first_read() -> None:
        statecache.forget()  # as a process that has not read the registry yet
        state.records(engine)
        assert statecache.last_read["how"] == "stored"

    whole = time_pair(never_read, bare_read, runs=1, warmup=0)
    out[f"current state, a registry never read: read whole, copy stored ({label})"] = {
        "value": whole.value,
        "baseline": whole.baseline,
        "unit": "s",
        "baseline_name": "pandas.read_sql of the tables",
        "goal": "once",
        "runs": 1,
        "details": {**details, "samples": whole.samples},
    }
    loaded = time_pair(first_read, bare_read, runs=runs, warmup=0)
    out[f"current state, first read in a process, {len(presences):,} presences ({label})"] = {
        "value": loaded.value,
        "baseline": loaded.baseline,
        "unit": "s",
        "baseline_name": "pandas.read_sql of the tables",
        "goal": "≤ 1 s",
        "goal_value": 1.0,
        "runs": runs,
        "details": {**details, "samples": loaded.samples},
    }
    state.records(engine)
    kept = time_pair(lambda: state.records(engine), runs=runs, warmup=0)
    assert statecache.last_read["how"] == "kept"
    out[f"current state, kept: nothing committed since ({label})"] = {
        "value": kept.value,
        "baseline": loaded.baseline,  # the same read as the first row's
        "unit": "s",
        "baseline_name": "pandas.read_sql of the tables",
        "goal": "≤ 1 s",
        "goal_value": 1.0,
        "runs": runs,
        "details": {**details, "samples": kept.samples},
    }

    records = _round(presences, orgs, round_rows)
    previous = presences[presences["list_source"] == "list01"]

    def bare_merge() -> None:
        prev = previous.merge(orgs[["id", "key"]], left_on="organisation_id", right_on="id")
        prev.merge(
            records,
            left_on=["key", "sector", "area_code"],
            right_on=[s.ORG_KEY, s.SECTOR, s.AREA_CODE],
            how="outer",
            indicator=True,
        )

    def compare() -> Comparison:
        return rounds.compare_file(engine, records, list_source="list01")

    compared = time_pair(compare, bare_merge, runs=runs, warmup=1)
    found = compare().as_dict()
    counts = {k: found[k] for k in found if k.startswith("presences_")}
    out[f"compare a {len(records):,}-row round ({label})"] = {
        "value": compared.value,
        "baseline": compared.baseline,
        "unit": "s",
        "baseline_name": "bare pandas merge of the two rounds",
        "goal": "≤ 2 s",
        "goal_value": 2.0,
        "runs": runs,
        "details": {
            **details,
            **counts,
            "organisations_new": len(found["organisations_new"]),
            "samples": compared.samples,
        },
    }

    info = rounds.RoundInfo(file_name="round.csv", sha256="0" * 64, source="list01", by="bench")
    applied, written = [], []
    done_rounds: list[Comparison] = []

    def apply() -> None:
        done_rounds.append(rounds.apply_round(engine, records, info))

    caught: list[float] = []
    started_after: list[float] = []

    def new_process() -> None:
        statecache.forget()
        state.records(engine)
        assert statecache.last_read["how"] == "stored, caught up"

    for _ in range(max(1, runs)):
        state.records(engine)  # the page's state, kept before the round
        applied.append(_seconds(apply))
        caught.append(_seconds(lambda: state.records(engine)))
        assert statecache.last_read["how"] == "caught up"
        started_after.append(_seconds(new_process))
        done = done_rounds.pop().round
        assert done is not None
        rounds.revert_round(engine, done, by="bench")
        with engine.begin() as connection:
            written.append(
                _seconds(
                    partial(
                        records.to_sql,
                        "bench_scratch",
                        connection,
                        index=False,
                        if_exists="replace",
                    )
                )
            )
    out[f"apply a {len(records):,}-row round ({label})"] = {
        "value": statistics.median(applied),
        "baseline": statistics.median(written),
        "unit": "s",
        "baseline_name": "DataFrame.to_sql of its rows",
        "goal": "≤ 5 s",
        "goal_value": 5.0,
        "runs": runs,
        "details": {**details, "samples": applied, "baseline_samples": written},
    }

    out[f"current state after a {len(records):,}-row round was applied ({label})"] = {
        "value": statistics.median(caught),
        "baseline": loaded.baseline,
        "unit": "s",
        "baseline_name": "pandas.read_sql of the tables",
        "goal": "≤ 1 s",
        "goal_value": 1.0,
        "runs": runs,
        "details": {**details, "samples": caught},
    }

    out[f"current state after a {len(records):,}-row round, first read in a process ({label})"] = {
        "value": statistics.median(started_after),
        "baseline": loaded.baseline,
        "unit": "s",
        "baseline_name": "pandas.read_sql of the tables",
        "goal": "≤ 1 s",
        "goal_value": 1.0,
        "runs": runs,
        "details": {**details, "samples": started_after},
    }

    org_id = int(orgs["id"].iloc[0])  # in list01: its rounds applied and reverted above

    def bare_history() -> None:
        with engine.connect() as connection:
            pd.read_sql(
                text("SELECT * FROM presences WHERE organisation_id = :o"),
                connection,
                params={"o": org_id},
            )

    story = time_pair(
        lambda: organisations.history(engine, org_id), bare_history, runs=max(runs, 5)
    )
    events = len(organisations.history(engine, org_id))
    out[f"history of one organisation ({label})"] = {
        "value": story.value,
        "baseline": story.baseline,
        "unit": "s",
        "baseline_name": "pandas.read_sql of its presences",
        "goal": "≤ 0.1 s",
        "goal_value": 0.1,
        "runs": max(runs, 5),
        "details": {**details, "events": events},
    }
    engine.dispose()
    return out


def run(*, quick: bool = False) -> dict[str, dict[str, Any]]:
    """The registry measures on SQLite and PostgreSQL."""
    org_count, per_org, round_rows, runs = (200, 20, 500, 1) if quick else (10_000, 50, 25_000, 3)
    out: dict[str, dict[str, Any]] = {}
    with _databases(quick) as databases:
        for label, url, why in databases:
            if url is None:
                out[f"registry ({label})"] = {"value": None, "status": f"not available ({why})"}
                continue
            out.update(
                _measures(
                    label,
                    url,
                    org_count=org_count,
                    per_org=per_org,
                    runs=runs,
                    round_rows=round_rows,
                )
            )
    return out


def _verdict(row: dict[str, Any]) -> str:
    value, goal = row.get("value"), row.get("goal_value")
    if value is None or goal is None:
        return ""
    return "pass" if value <= goal else "FAIL"


if __name__ == "__main__":
    import sys

    print(f"{'measure':<72} {'value s':>8} {'base s':>8} {'ratio':>7}  goal     result")
    for name, row in run(quick="--quick" in sys.argv).items():
        value, baseline = row.get("value"), row.get("baseline")
        ratio = f"{value / baseline:.2f}x" if value and baseline else ""
        print(
            f"{name:<72} {'' if value is None else f'{value:.3f}':>8} "
            f"{'' if baseline is None else f'{baseline:.3f}':>8} {ratio:>7}  "
            f"{row.get('goal', ''):<8} {_verdict(row) or row.get('status', '')}"
        )
