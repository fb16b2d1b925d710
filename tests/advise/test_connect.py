"""Who to meet: the ranking, its reasons in words, neighbours, and the data files."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from connect_fixtures import people, row, strip
from helpers import make_records

from ngomap import analysis
from ngomap import schema as s
from ngomap.advise import connect as c
from ngomap.errors import InputFileError


def test_neighbours_are_areas_that_touch_computed_once() -> None:
    bounds = strip()
    near = c.neighbours(bounds, "adm2")
    assert near == {
        "C1": {"C2"},
        "C2": {"C1", "C3"},
        "C3": {"C2", "C4"},  # C4 lies a sliver away: it touches all the same
        "C4": {"C3"},
        "C5": set(),
    }
    assert c.neighbours(bounds, "adm1")["R2"] == {"R1", "R3"}
    assert c.neighbours(bounds, "adm2") is near  # cached on the boundaries


def test_ranking_for_an_organisation_with_ties_by_name() -> None:
    found = c.meet(people(), strip(), c.focus_of(people(), "focal"))
    ranked = [(x.org_name, x.score) for x in found]
    assert ranked == [
        ("Gamma", 20.0),
        ("Cèdre", 14.0),
        ("Acacia", 13.0),
        ("Baobab", 7.0),
        ("Ara", 5.0),
        ("Hirondelle", 5.0),
        ("Jade", 5.0),
        ("Dune", 1.0),
    ]  # Focal is never suggested to itself; Epi shares nothing that counts
    kinds = {x.org_name: [r.kind for r in x.reasons] for x in found}
    assert kinds["Cèdre"] == [c.SAME_AREA_SECTOR, c.SAME_PARTNER]
    assert kinds["Acacia"] == [c.SAME_AREA_SECTOR, c.SAME_FUNDER]
    assert kinds["Baobab"] == [c.SAME_AREA_COMPLEMENTARY, c.NEIGHBOUR_SAME_SECTOR]
    # Jade's health in C2 is next to Focal's water there and near Focal's health in C1:
    # counted once, for the stronger reason.
    assert kinds["Jade"] == [c.SAME_AREA_COMPLEMENTARY]
    assert kinds["Dune"] == [c.NATIONWIDE_SAME_SECTOR]
    assert found[0].reason(c.SAME_AREA_SECTOR) == c.Reason(
        c.SAME_AREA_SECTOR, 2, 20.0, ("C1", "C2"), ("HEA", "WSH")
    )


def test_reason_texts_in_english_and_french() -> None:
    bounds = strip()
    found = {x.org_name: x for x in c.meet(people(), bounds, c.focus_of(people(), "focal"))}
    assert found["Acacia"].texts(bounds, "en") == [
        "Same sector in the same area: Health in Area C1",
        "Same funder: AFD",  # as Focal writes it
    ]
    assert found["Cèdre"].texts(bounds, "fr") == [
        "Même secteur dans la même zone : Santé à Zone C1",
        "Même partenaire local : Asso Locale",
    ]
    baobab = found["Baobab"].texts(bounds, "en")
    assert baobab[0].startswith(
        "Complementary sector in the same area: Nutrition, next to Health, in Area C1 ("
    )
    assert "malnutrition" in baobab[0]  # the pair's rationale, from the data file
    assert baobab[1] == (
        "Same sector in a neighbouring area: Water, Sanitation and Hygiene in Area C3"
    )
    assert found["Dune"].texts(bounds, "fr") == ["Même secteur, dans tout le pays : Santé"]


def test_places_and_sectors_as_focus_compare_through_the_hierarchy() -> None:
    bounds = strip()
    focus = c.Focus.of_places(["R1"], ["HEA"], funders=["AFD"])
    found = c.meet(people(), bounds, focus)
    # Records in cercles C1 and C2 count in region R1; water is complementary to health.
    assert [(x.org_name, x.score) for x in found] == [
        ("Focal", 18.0),  # health in C1 (10), water in C2 (5), AFD (3)
        ("Gamma", 15.0),
        ("Acacia", 13.0),
        ("Cèdre", 10.0),  # recorded for R1 itself
        ("Jade", 10.0),
        ("Ara", 5.0),
        ("Baobab", 5.0),  # water in C3 is next door, but not health: nothing
        ("Hirondelle", 5.0),
        ("Dune", 1.0),
    ]
    acacia = found[2]
    assert acacia.reason(c.SAME_AREA_SECTOR).areas == ("C1",)  # type: ignore[union-attr]
    # A focus on a cercle finds an organisation recorded for its whole region.
    at_c2 = c.meet(people(), bounds, c.Focus.of_places(["C2"], ["HEA"]))
    cedre = next(x for x in at_c2 if x.org_name == "Cèdre")
    assert cedre.reason(c.SAME_AREA_SECTOR).areas == ("C2",)  # type: ignore[union-attr]


def test_weights_come_from_the_data_file_and_change_the_ranking(tmp_path: Path) -> None:
    weights = c.default_weights()
    assert weights.of(c.SAME_AREA_SECTOR) == 10.0
    assert "fonds propres" in weights.not_a_funder
    heavy = replace(weights, points={**weights.points, c.SAME_FUNDER: 30.0})
    found = c.meet(people(), strip(), c.focus_of(people(), "focal"), weights=heavy)
    assert [x.org_name for x in found[:2]] == ["Acacia", "Gamma"]
    bad = tmp_path / "weights.toml"
    bad.write_text('[points]\nsame_area_sector = "ten"\nsame_city = 2\n', encoding="utf-8")
    with pytest.raises(InputFileError, match=r"weights\.toml.*unknown: same_city.*missing"):
        c.read_weights(bad)


def test_complementary_pairs_are_known_sectors_with_a_source(tmp_path: Path) -> None:
    pairs = c.default_complements()
    health_nutrition = pairs.between("NUT", "HEA")
    assert health_nutrition is not None
    assert health_nutrition is pairs.between("HEA", "NUT")
    assert health_nutrition.source
    every = {id(x): x for sector in pairs.pairs.values() for x in sector.values()}
    assert all(x.source and x.rationale_fr and x.rationale_en for x in every.values())
    bad = tmp_path / "pairs.csv"
    bad.write_text(
        "sector_a,sector_b,rationale_en,rationale_fr,source\nHEA,NUT,a,b,c\nHEA,Santé,a,b,c\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError, match=r"pairs\.csv: row 3, sector_b: 'Santé'"):
        c.read_complements(bad)


def test_pair_reasons_agree_with_the_overlap_views_pairs() -> None:
    """analysis.pairs counts shared area x sector cells: the same as the first reason."""
    records = people()
    at_cercles = records.loc[records[s.AREA_CODE].str.startswith("C", na=False)]
    bounds = strip()
    table = analysis.pairs(at_cercles, bounds, level="adm2")
    assert len(table) > 3
    keys = analysis.organisation_names(at_cercles)
    by_name = {name: key for key, name in keys.items()}
    for first, second, shared in table[[analysis.ORG_A, analysis.ORG_B, analysis.SHARED]].values:
        found = c.pair_reasons(at_cercles, bounds, by_name[first], by_name[second])
        assert found is not None
        reason = found.reason(c.SAME_AREA_SECTOR)
        assert reason is not None
        assert reason.count == shared, (first, second)


def test_introduced_pairs_are_marked() -> None:
    log = c.MemoryIntroductions()
    log.add(c.Introduction("acacia", "focal", date(2026, 3, 1), by="Cooperation office"))
    log.add(c.Introduction("focal", "acacia", date(2026, 6, 1), outcome="joint project"))
    found = c.meet(people(), strip(), c.focus_of(people(), "focal"), introductions=log)
    marked = {x.org_name: x.introduced for x in found if x.introduced}
    assert list(marked) == ["Acacia"]
    assert marked["Acacia"] is not None
    assert marked["Acacia"].outcome == "joint project"
    frame = c.suggestions_frame(found, strip(), "en")
    assert frame.set_index(s.ORG_NAME).at["Acacia", c.INTRODUCED] == "2026-06-01"
    assert frame.set_index(s.ORG_NAME).at["Gamma", c.INTRODUCED] == ""


def test_nothing_shared_gives_no_suggestion() -> None:
    records = make_records([row("Seul", "EDU", "C5"), row("Autre", "LOG", "C1")])
    assert c.meet(records, strip(), c.focus_of(records, "seul")) == []
    assert c.meet(records.iloc[:0], strip(), c.Focus.of_places(["C1"], ["LOG"])) == []


def test_long_lists_are_cut_in_words() -> None:
    reason = c.Reason(c.SAME_PARTNER, 7, 28.0, names=tuple(f"P{i}" for i in range(7)))
    assert reason.text(None, "en") == "Same local partner: P0, P1, P2, P3, P4 (+2)"


def test_a_record_for_a_whole_region_meets_each_cercle_of_the_focus() -> None:
    found = c.meet(people(), strip(), c.Focus.of_places(["C1", "C2"], ["HEA"]))
    cedre = next(x for x in found if x.org_name == "Cèdre")
    reason = cedre.reason(c.SAME_AREA_SECTOR)
    assert reason is not None
    assert (reason.areas, reason.count, cedre.score) == (("C1", "C2"), 2, 20.0)


def test_neighbours_across_levels_compare_at_the_coarser_level() -> None:
    records = make_records([row("Cercle voisin", "HEA", "C3"), row("Région voisine", "HEA", "R2")])
    bounds = strip()
    # A region as focus: C3 lies in R2, next to R1.
    found = c.meet(records, bounds, c.Focus.of_places(["R1"], ["HEA"]))
    assert {x.org_name: x.reason(c.NEIGHBOUR_SAME_SECTOR).areas for x in found} == {  # type: ignore[union-attr]
        "Cercle voisin": ("R2",),
        "Région voisine": ("R2",),
    }
    # A cercle as focus: C2's region R1 is next to R2; C3 is next to C2 itself.
    found = c.meet(records, bounds, c.Focus.of_places(["C2"], ["HEA"]))
    assert {x.org_name: x.reason(c.NEIGHBOUR_SAME_SECTOR).areas for x in found} == {  # type: ignore[union-attr]
        "Cercle voisin": ("C3",),
        "Région voisine": ("R2",),
    }
    # C1 is next to C2 only: C3 is two cercles away, but R2 borders C1's region.
    found = c.meet(records, bounds, c.Focus.of_places(["C1"], ["HEA"]))
    assert [x.org_name for x in found] == ["Région voisine"]
