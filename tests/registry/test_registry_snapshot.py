"""The registry as the page shows it: as of a date, fresh organisations only, as a Dataset."""

from __future__ import annotations

from datetime import date

import pytest
from registry_helpers import FIRST, SECOND, three_w
from sqlalchemy import Engine

from ngomap import schema as s
from ngomap.registry import db
from ngomap.registry.rounds import RoundInfo, apply_round, revert_round
from ngomap.registry.setup import init
from ngomap.registry.snapshot import bounds, months_before, snapshot


def _info(name: str, day: date) -> RoundInfo:
    return RoundInfo(file_name=name, sha256="0" * 64, data_date=day, by="tester")


def _two_rounds(db_url: str) -> Engine:
    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    apply_round(engine, three_w(*FIRST), _info("q1.csv", date(2024, 3, 31)))
    apply_round(engine, three_w(*SECOND), _info("q3.csv", date(2024, 9, 30)))
    return engine


def test_months_before_keeps_the_day_or_the_month_end() -> None:
    assert months_before(date(2025, 3, 31), 1) == date(2025, 2, 28)
    assert months_before(date(2025, 3, 15), 3) == date(2024, 12, 15)
    assert months_before(date(2024, 1, 31), 13) == date(2022, 12, 31)


def test_now_and_as_of_a_date(db_url: str) -> None:
    engine = _two_rounds(db_url)
    now = snapshot(engine, today=date(2024, 10, 1))
    assert set(now.dataset.records[s.ORG_NAME]) == {
        "Aide Sahel",
        "Eau Pour Tous",
        "Nouveaux Horizons",
        "Eaux Pour Tous",
        "Jardins Fleuve Niger",
    }
    assert now.dataset.updated == date(2024, 9, 30)
    assert now.label("fr", today=date(2024, 10, 1)) == "Registre (état au 01/10/2024)"
    assert "q3.csv" in now.dataset.source("fr")
    assert not now.sample_only
    assert not now.dataset.is_sample
    before = snapshot(engine, as_of=date(2024, 6, 30))
    assert len(before.dataset.records) == 5
    assert "Jardins du Fleuve" in set(before.dataset.records[s.ORG_NAME])
    assert before.dataset.updated == date(2024, 3, 31)
    assert before.label("en") == "Registry (as of 2024-06-30)"
    assert "q1.csv" in before.dataset.source("en")
    nothing = snapshot(engine, as_of=date(2023, 1, 1))
    assert nothing.dataset.records.empty
    assert nothing.changeset == 0
    known = bounds(engine)
    assert (known.first, known.last) == (date(2024, 3, 31), date(2024, 9, 30))
    assert known.changeset == 2


def test_freshness_hides_organisations_not_confirmed_recently(db_url: str) -> None:
    engine = _two_rounds(db_url)
    # Jardins du Fleuve, listed in the first round only, was last confirmed on 2024-03-31.
    fresh = snapshot(engine, as_of=date(2024, 9, 30), fresh_months=3)
    assert len(fresh.dataset.records) == 6  # the second round's rows: all confirmed on 09-30
    assert fresh.hidden == ()
    later = snapshot(engine, fresh_months=3, today=date(2025, 3, 1))
    assert later.dataset.records.empty  # nobody confirmed since 2024-12-01
    assert len(later.hidden) == 5
    year = snapshot(engine, fresh_months=12, today=date(2025, 3, 1))
    assert len(year.dataset.records) == 6
    assert "confirmées depuis moins de 12 mois" in year.dataset.title("fr")
    with pytest.raises(ValueError, match="at least 1"):
        snapshot(engine, fresh_months=0)


def test_a_reverted_round_is_no_longer_the_source(db_url: str) -> None:
    engine = _two_rounds(db_url)
    revert_round(engine, 2, by="tester")
    back = snapshot(engine)
    assert len(back.dataset.records) == 5
    assert "q1.csv" in back.dataset.source("en")


def test_the_sample_registry_says_it_is_the_sample(db_url: str) -> None:
    init(db_url)
    shown = snapshot(db.engine_for(db_url))
    assert shown.sample_only
    assert shown.dataset.is_sample
    assert "données d'exemple" in shown.dataset.source("fr")
    assert shown.dataset.report.organisations == shown.dataset.records[s.ORG_KEY].nunique()
