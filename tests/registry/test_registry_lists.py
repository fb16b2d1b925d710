"""One registry, two lists: the embassy's list of French NGOs and OCHA's 3W, told apart by
list and by the organisations' country of origin, in the library and on the command line;
and the freshness view read from the registry's confirmation dates. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
from registry_helpers import three_w
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from ngomap import analysis as a
from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.cli import cli
from ngomap.registry import db, organisations, state, statecache
from ngomap.registry.models import Organisation
from ngomap.registry.rounds import RoundInfo, apply_round, revert_round
from ngomap.registry.setup import init

runner = CliRunner()
EMBASSY = (  # the embassy's list: French NGOs
    "Aide Sahel,AIS,ONG internationale,Présence directe,Santé,ML01,2024-01-01,",
    "Eau Pour Tous,EPT,ONG internationale,Via partenaires locaux,EHA,ML03,2024-01-01,",
)
OCHA = (  # OCHA's 3W: every nationality, one organisation in both lists
    "Aide Sahel,AIS,ONG internationale,Présence directe,Santé,ML01,2024-01-01,",
    "Sahel Relief,SRF,ONG internationale,Présence directe,Nutrition,ML01,2024-01-01,",
    "Jigiya,JIG,ONG nationale,Présence directe,Santé,ML05,2024-01-01,",
)


def _info(name: str, source: str, day: date, origin: str = "") -> RoundInfo:
    return RoundInfo(
        file_name=name, sha256="0" * 64, source=source, data_date=day, by="t", origin=origin
    )


def _set_country(engine: Engine, name: str, country: str) -> None:
    with engine.connect() as connection:
        row = connection.execute(
            select(Organisation.id, Organisation.version).where(Organisation.name == name)
        ).one()
    organisations.edit(engine, row.id, version=row.version, changes={"country": country}, by="t")


def _two_lists(db_url: str) -> Engine:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    embassy = _info("ong_fr.csv", "embassy", date(2024, 3, 31), origin="France")
    apply_round(engine, three_w(*EMBASSY), embassy)  # its organisations are French
    apply_round(engine, three_w(*OCHA), _info("3w_q1.csv", "ocha-3w", date(2025, 3, 31)))
    _set_country(engine, "Sahel Relief", "Royaume-Uni")
    return engine


def test_records_name_their_list_origin_and_confirmation(db_url: str, regions: Boundaries) -> None:
    engine = _two_lists(db_url)
    records = state.records(engine)
    lists = records.groupby(s.ORG_NAME)[s.LIST_SOURCE].agg(lambda v: sorted(set(v)))
    assert lists.to_dict() == {
        "Aide Sahel": ["embassy", "ocha-3w"],
        "Eau Pour Tous": ["embassy"],
        "Jigiya": ["ocha-3w"],
        "Sahel Relief": ["ocha-3w"],
    }
    origin = dict(zip(records[s.ORG_NAME], records[s.ORG_COUNTRY], strict=True))
    assert origin == {
        "Aide Sahel": "France",
        "Eau Pour Tous": "France",
        "Sahel Relief": "Royaume-Uni",
        "Jigiya": "",
    }
    confirmed = dict(zip(records[s.ORG_NAME], records[s.CONFIRMED], strict=True))
    assert confirmed["Eau Pour Tous"] == pd.Timestamp("2024-03-31")  # listed once, long ago
    assert confirmed["Jigiya"] == pd.Timestamp("2025-03-31")
    # The kept state (statecache) and a fresh read agree, columns included.
    statecache.forget()
    with engine.connect() as connection:
        fresh = state.records(connection)
    assert list(fresh.columns) == list(records.columns)
    # As of the embassy's round: one list, its organisations French already.
    with engine.connect() as connection:
        before = state.records(connection, as_of="R1")
    assert set(before[s.LIST_SOURCE]) == {"embassy"}
    assert set(before[s.ORG_COUNTRY]) == {"France"}


def test_a_list_s_origin_fills_only_missing_ones_and_is_undone_with_its_round(
    db_url: str,
) -> None:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    apply_round(engine, three_w(*OCHA), _info("3w.csv", "ocha-3w", date(2025, 3, 31)))
    _set_country(engine, "Sahel Relief", "Royaume-Uni")
    with engine.connect() as connection:  # R2: one edit, the origin as written before
        before = state.records(connection)
    again = (*OCHA[:2], EMBASSY[1])  # the embassy's list names two known organisations
    done = apply_round(
        engine, three_w(*again), _info("ong_fr.csv", "embassy", date(2025, 4, 30), "France")
    )
    assert done.round is not None
    with engine.connect() as connection:
        after = state.records(connection)
    origin = dict(zip(after[s.ORG_NAME], after[s.ORG_COUNTRY], strict=True))
    assert origin == {
        "Aide Sahel": "France",  # known, without an origin: the list gives it
        "Sahel Relief": "Royaume-Uni",  # known with another: kept
        "Jigiya": "",  # not in the embassy's list
        "Eau Pour Tous": "France",  # new
    }
    history = runner.invoke(cli, ["registry", "history", "Aide Sahel", "--db", db_url])
    assert history.exit_code == 0, history.output
    assert "France" in history.output
    revert_round(engine, done.round, by="t")
    with engine.connect() as connection:
        undone = state.records(connection)
    assert dict(zip(undone[s.ORG_NAME], undone[s.ORG_COUNTRY], strict=True)) == dict(
        zip(before[s.ORG_NAME], before[s.ORG_COUNTRY], strict=True)
    )


def test_registry_import_gives_the_list_s_origin(db_url: str, tmp_path: Path) -> None:
    init(db_url, empty=True)
    path = tmp_path / "ong_fr.csv"
    path.write_text(
        "Nom,Secteur,Code région\n#org+name,#sector,#adm1+code\nAide Sahel,Santé,ML01\n",
        encoding="utf-8",
    )
    args = ["registry", "import", str(path), "--db", db_url, "--source", "embassy"]
    done = runner.invoke(cli, [*args, "--origin", "France", "--apply"])
    assert done.exit_code == 0, done.output
    records = state.records(db.engine_for(db_url))
    assert list(records[s.ORG_COUNTRY]) == ["France"]
    assert list(records[s.LIST_SOURCE]) == ["embassy"]


def test_filters_by_list_and_origin_change_the_counts(db_url: str, regions: Boundaries) -> None:
    records = state.records(_two_lists(db_url))

    def actors(
        lists: tuple[str, ...] | None = None, origins: tuple[str, ...] | None = None
    ) -> dict[str, int]:
        chosen = a.Filters(lists=lists, origins=origins)
        table = a.actors_by_area(records, regions, filters=chosen, level="adm1")
        return {k: int(v) for k, v in zip(table[s.AREA_CODE], table[a.ACTORS], strict=True) if v}

    # Both lists by default: Aide Sahel, in both, counts once.
    assert actors() == {"ML01": 2, "ML03": 1, "ML05": 1}
    assert actors(lists=("embassy",)) == {"ML01": 1, "ML03": 1}
    assert actors(lists=("ocha-3w",)) == {"ML01": 2, "ML05": 1}
    assert actors(origins=("France",)) == {"ML01": 1, "ML03": 1}
    assert actors(origins=("",)) == {"ML05": 1}  # origin not given
    assert actors(lists=("ocha-3w",), origins=("France",)) == {"ML01": 1}


def test_command_line_filters_by_list_and_origin(db_url: str, tmp_path: Path) -> None:
    _two_lists(db_url)
    base = ["summary", "--db", db_url, "--format", "json", "--lang", "en"]
    everything = runner.invoke(cli, base)
    assert everything.exit_code == 0, everything.output
    one = runner.invoke(cli, [*base, "--list", "ocha-3w"])
    assert one.exit_code == 0, one.output
    names = {o for row in json.loads(one.stdout) for o in row["organisations"].split(", ")}
    assert names == {"Aide Sahel", "Sahel Relief", "Jigiya"}
    french = runner.invoke(cli, [*base, "--origin", "france", "--list", "ocha-3w"])
    assert french.exit_code == 0, french.output
    assert [r["organisations"] for r in json.loads(french.stdout)] == ["Aide Sahel"]
    assert len(json.loads(everything.stdout)) > len(json.loads(french.stdout))

    unknown = runner.invoke(cli, [*base, "--list", "ocha"])
    assert unknown.exit_code == 2
    assert "embassy, ocha-3w" in unknown.output
    on_a_file = runner.invoke(cli, ["summary", "--origin", "France"])
    assert on_a_file.exit_code == 2
    assert "--db" in on_a_file.output

    out = tmp_path / "lists.csv"
    export = ["export", "--db", db_url, "--list", "embassy", "--lang", "en", "--out", str(out)]
    done = runner.invoke(cli, [*export, "--table", "summary"])
    assert done.exit_code == 0, done.output
    written = out.read_text(encoding="utf-8-sig")
    assert "Eau Pour Tous" in written
    assert "Jigiya" not in written
    pdf = tmp_path / "lists.html"
    done = runner.invoke(cli, [*export[:-1], str(pdf)])
    assert done.exit_code == 0, done.output
    assert "(lists: embassy)" in pdf.read_text(encoding="utf-8")  # the source line says so


def test_command_line_freshness_view_from_the_registry(db_url: str, tmp_path: Path) -> None:
    _two_lists(db_url)
    out = tmp_path / "fresh.csv"
    args = ["export", "--db", db_url, "--view", "freshness", "--table", "view", "--lang", "en"]
    done = runner.invoke(cli, [*args, "--as-of", "2025-06-30", "--out", str(out)])
    assert done.exit_code == 0, done.output
    table = pd.read_csv(out, encoding="utf-8-sig")
    ml01 = table.loc[table["P-code"] == "ML01"].iloc[0]
    # On 30 June 2025, with 12 months: everyone was confirmed by the 3W of March 2025.
    assert ml01["To confirm again"] == 0
    done = runner.invoke(
        cli, [*args, "--as-of", "2025-06-30", "--stale-months", "3", "--out", str(out)]
    )
    assert done.exit_code == 0, done.output
    table = pd.read_csv(out, encoding="utf-8-sig")
    ml03 = table.loc[table["P-code"] == "ML03"].iloc[0]
    assert ml03["To confirm again"] == 1  # Eau Pour Tous, confirmed in March 2024 only
    assert "2024-03-31" in ml03["Oldest confirmation"]
    on_a_file = runner.invoke(
        cli, ["export", "--view", "freshness", "--table", "view", "--out", str(out)]
    )
    assert on_a_file.exit_code == 1
    assert "registre" in on_a_file.output
