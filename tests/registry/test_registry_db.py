"""Storage: one URL, created and migrated by init, the sample in a new registry."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import shapely
from sqlalchemy import insert, inspect, select

from ngomap import analysis
from ngomap.areas.boundaries import Boundaries
from ngomap.importer.threew import load_sample
from ngomap.registry import db, state
from ngomap.registry.models import BoundaryArea, BoundarySet
from ngomap.registry.setup import init


def test_init_creates_migrates_and_fills_the_sample(db_url: str) -> None:
    first = init(db_url)
    assert first.created
    assert first.revision_before is None
    assert first.revision == db.head_revision()
    assert first.sample_round == 1
    again = init(db_url)  # a second run migrates nothing and adds nothing
    assert not again.created
    assert again.revision_before == db.head_revision()
    assert again.sample_round is None
    engine = db.engine_for(db_url)
    assert len(state.rounds_frame(engine)) == 1
    tables = set(inspect(engine).get_table_names())
    assert {"organisations", "presences", "rounds", "changesets", "changes", "aliases"} <= tables


def test_empty_registry_has_no_records(db_url: str, regions: Boundaries) -> None:
    init(db_url, empty=True)
    records = state.records(db.engine_for(db_url))
    assert records.empty
    assert analysis.summary(records, regions).empty


def test_registry_records_read_like_the_file(db_url: str, regions: Boundaries) -> None:
    """The registry's records have the file's columns (then its own: list, origin, last
    confirmation), and every view gives the same table."""
    init(db_url)
    sample = load_sample().records
    records = state.records(db.engine_for(db_url))
    own = ["list_source", "org_country", "org_confirmed"]
    assert list(records.columns) == [*sample.columns, *own]
    assert set(records["list_source"]) == {"main"}
    assert records["org_confirmed"].notna().all()
    records = records.drop(columns=own)
    assert len(records) == len(sample)
    order = ["org_key", "sector", "area_code", "start", "row"]
    pd.testing.assert_frame_equal(
        records.sort_values(order).reset_index(drop=True).astype(object).fillna(""),
        sample.sort_values(order).reset_index(drop=True).astype(object).fillna(""),
        check_dtype=False,
    )
    expected = (
        analysis.summary(sample, regions)
        .sort_values(["area_code", "sector"])
        .reset_index(drop=True)
    )
    got = (
        analysis.summary(records, regions)
        .sort_values(["area_code", "sector"])
        .reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_default_registry_is_a_file_in_the_data_folder(tmp_path: Path) -> None:
    assert db.database_url(None) == f"sqlite:///{tmp_path / 'data' / db.SQLITE_FILE}"
    ready = init()
    assert ready.sample_round == 1
    assert (tmp_path / "data" / db.SQLITE_FILE).is_file()


def test_environment_names_the_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(db.ENV_URL, f"sqlite:///{tmp_path / 'team.sqlite'}")
    assert db.database_url(None).endswith("team.sqlite")
    assert db.database_url("sqlite:///other.sqlite") == "sqlite:///other.sqlite"
    assert db.database_url("postgresql://u:p@h/d") == "postgresql+psycopg://u:p@h/d"


@pytest.mark.parametrize("url", ["nonsense", "mysql://u@h/d"])
def test_unusable_url_says_what_to_use(url: str) -> None:
    with pytest.raises(db.RegistryError, match=r"sqlite|SQLite"):
        db.database_url(url)


def test_unreachable_server_is_said() -> None:
    engine = db.engine_for("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(db.RegistryError, match="cannot be reached"):
        db.migrate(engine)


def test_geometry_round_trips_as_wkb(db_url: str) -> None:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    square = shapely.box(-5.0, 10.0, -4.0, 11.0)
    with engine.begin() as connection:
        set_id = connection.scalar(
            insert(BoundarySet)
            .values(
                key="k",
                name="n",
                source="s",
                added=pd.Timestamp("2025-01-01").date(),
                levels=["adm1"],
                files=["a.geojson"],
            )
            .returning(BoundarySet.id)
        )
        connection.execute(
            insert(BoundaryArea).values(
                set_id=set_id,
                level="adm1",
                pcode="ML01",
                name="Kayes",
                parent=None,
                geometry=shapely.to_wkb(square),
            )
        )
    with engine.connect() as connection:
        wkb = connection.scalar(select(BoundaryArea.geometry))
        if connection.dialect.name == "postgresql":  # a real PostGIS geometry, in EPSG:4326
            area, srid = connection.exec_driver_sql(
                "SELECT ST_Area(geometry), ST_SRID(geometry) FROM boundary_areas"
            ).one()
            assert (area, srid) == (1.0, 4326)
    assert shapely.from_wkb(wkb).equals(square)
