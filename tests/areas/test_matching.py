"""Area matching: codes in any format, names in any spelling, every decision said."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from area_helpers import assign_areas
from import_helpers import code_boundaries, mali_codab

from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.matching import AreaMatcher, area_key, is_nationwide
from ngomap.schema import Severity

# A tiny Mali: two regions, three cercles, communes with a name found twice (Bamba).
TABLE = pd.DataFrame(
    [
        ("ML01", "Kayes", "ML0103", "Kayes", "ML010301", "Kayes"),
        ("ML01", "Kayes", "ML0103", "Kayes", "ML010302", "Bamba"),
        ("ML07", "Gao", "ML0702", "Bourem", "ML070201", "Bamba"),
        ("ML09", "Bamako", "ML0901", "Bamako", "ML090101", "Commune I"),
        ("ML09", "Bamako", "ML0901", "Bamako", "ML090105", "Commune V"),
    ],
    columns=["r", "rn", "c", "cn", "m", "mn"],
)


@pytest.fixture(scope="module")
def tiny() -> Boundaries:
    return code_boundaries(
        TABLE, {"adm1": ("r", "rn"), "adm2": ("c", "cn"), "adm3": ("m", "mn")}, "tiny"
    )


def kinds(decision: object) -> set[str]:
    return {n.kind for n in decision.notes}  # type: ignore[attr-defined]


def test_area_names_ignore_case_accents_spacing_and_roman_numerals() -> None:
    assert area_key("Commune - I") == area_key("Commune I") == area_key("COMMUNE 1")
    assert area_key("Ségou ") == area_key("SEGOU")
    assert area_key("Commune V") != area_key("Commune I")


def test_codes_in_any_format(tiny: Boundaries) -> None:
    matcher = AreaMatcher(tiny)
    for code in ("ML01", "MLI01", "ml01 ", " ML01"):
        decision = matcher.match({"adm1": code}, {})
        assert (decision.code, decision.level, decision.notes) == ("ML01", "adm1", ())
    assert matcher.match({"adm1": "MLI01"}, {}).rule == "normalised"
    assert matcher.match({"adm1": "ML01"}, {}).rule == "exact"


def test_commune_forms_and_names_found_twice(tiny: Boundaries) -> None:
    matcher = AreaMatcher(tiny)
    for name in ("Commune - I", "Commune 1", "COMMUNE I"):
        assert matcher.match({}, {"adm3": name, "adm1": "Bamako"}).code == "ML090101"
    # Bamba exists in Kayes and in Gao: the parent tells them apart...
    assert matcher.match({"adm1": "ML07"}, {"adm3": "Bamba"}).code == "ML070201"
    assert matcher.match({}, {"adm2": "Kayes", "adm3": "Bamba"}).code == "ML010302"
    # ...and without it the record stays at the level it can be sure of, and says why.
    alone = matcher.match({}, {"adm3": "Bamba"})
    assert alone.code is None
    assert "area.ambiguous" in kinds(alone)


def test_a_lone_code_never_outvotes_the_rest_of_the_row(tiny: Boundaries) -> None:
    # The region code was typed from the wrong line; cercle code and both names agree.
    decision = AreaMatcher(tiny).match(
        {"adm1": "ML01", "adm2": "ML0702"}, {"adm1": "Gao", "adm2": "Bourem"}
    )
    assert (decision.code, decision.level) == ("ML0702", "adm2")
    (note,) = [n for n in decision.notes if n.kind == "area.conflict"]
    assert (note.field, note.value, note.severity) == ("adm1_code", "ML01", Severity.WARNING)
    assert "Gao (ML07)" in note.en
    assert "3 other columns" in note.en
    # Two codes that disagree, nothing else: split, the row is left out with both places.
    split = AreaMatcher(tiny).match({"adm1": "ML01", "adm2": "ML0702"}, {})
    assert split.code is None
    (error,) = split.notes
    assert (error.kind, error.severity) == ("area.split", Severity.ERROR)
    assert "Kayes (ML01)" in error.en
    assert "Gao (ML07)" in error.en
    # A code and a name of the same level that disagree: the same, not "the code wins".
    named = AreaMatcher(tiny).match({"adm2": "ML0103"}, {"adm2": "Bourem"})
    assert named.code is None
    assert "area.split" in kinds(named)


def test_a_commune_code_of_a_namesake_elsewhere_is_overruled(tiny: Boundaries) -> None:
    # Bamba of Bourem (Gao) coded on a row whose region, cercle and names say Kayes.
    decision = AreaMatcher(tiny).match(
        {"adm1": "ML01", "adm2": "ML0103", "adm3": "ML070201"},
        {"adm1": "Kayes", "adm3": "Bamba"},
    )
    assert decision.code == "ML010302"  # Bamba within Kayes, by its name and parents
    (note,) = [n for n in decision.notes if n.kind == "area.conflict"]
    assert (note.field, note.value) == ("adm3_code", "ML070201")


def test_split_below_the_region_keeps_the_region(tiny: Boundaries) -> None:
    matcher = AreaMatcher(tiny)
    decision = matcher.match({"adm1": "ML07", "adm2": "ML0702"}, {"adm2": "Kayes"})
    # ML07 (code) and ML0702 agree on Gao; the cercle name Kayes is in another region:
    # one against two, overruled.
    assert decision.code == "ML0702"
    two_cercles = code_boundaries(
        pd.DataFrame(
            [("ML07", "Gao", "ML0702", "Bourem"), ("ML07", "Gao", "ML0703", "Gao")],
            columns=["r", "rn", "c", "cn"],
        ),
        {"adm1": ("r", "rn"), "adm2": ("c", "cn")},
        "two cercles",
    )
    split = AreaMatcher(two_cercles).match(
        {"adm1": "ML07", "adm2": "ML0702"}, {"adm1": "Gao", "adm2": "Gao"}
    )
    assert (split.code, split.level) == ("ML07", "adm1")
    (note,) = split.notes
    assert (note.kind, note.severity) == ("area.split", Severity.WARNING)
    assert "Bourem (ML0702, Gao)" in note.en
    assert "Gao (ML0703, Gao)" in note.en


def test_region_boundaries_weigh_finer_codes_too() -> None:
    regions_only = code_boundaries(
        TABLE.drop_duplicates("r"), {"adm1": ("r", "rn")}, "regions only"
    )
    matcher = AreaMatcher(regions_only)
    # The cercle code and the region name say Gao; the region code alone says Kayes.
    decision = matcher.match({"adm1": "ML01", "adm2": "ML0702"}, {"adm1": "Gao"})
    assert decision.code == "ML07"
    assert "area.conflict" in kinds(decision)


def test_unknown_code_is_reported_with_where_the_row_went(tiny: Boundaries) -> None:
    decision = AreaMatcher(tiny).match({"adm1": "MLI11", "adm2": "ML0702"}, {"adm1": "Menaka"})
    assert decision.code == "ML0702"
    (note,) = [n for n in decision.notes if n.kind == "area.unknown_code"]
    assert note.value == "MLI11"
    assert "Bourem" in note.en
    assert "Bourem" in note.fr
    alone = AreaMatcher(tiny).match({"adm1": "MLI11"}, {})
    assert alone.code is None
    assert [n.severity for n in alone.notes] == [Severity.ERROR]


def test_cercle_code_in_the_region_column(tiny: Boundaries) -> None:
    decision = AreaMatcher(tiny).match({"adm1": "ML0901"}, {"adm1": "Bamako"})
    assert (decision.code, decision.level) == ("ML0901", "adm2")
    (note,) = decision.notes
    assert note.kind == "area.wrong_column"
    assert note.suggestion == "adm2_code = ML0901"


def test_nationwide_values_make_one_national_record(tiny: Boundaries) -> None:
    matcher = AreaMatcher(tiny)
    assert matcher.country == "ML"
    for value in ("Tout le Mali", "Ensemble du territoire", "National", "MALI", "nationwide"):
        assert matcher.is_nationwide(value), value
        assert is_nationwide(value, "ML"), value
        decision = matcher.match({}, {"adm1": value})
        assert decision.national
        assert decision.code is None
    assert not matcher.is_nationwide("Kayes")
    # Another country's name is not nationwide here: it is an unknown area, reported.
    for value in ("Niger", "Tout le Niger", "Burkina Faso"):
        assert not matcher.is_nationwide(value), value
        assert not matcher.match({}, {"adm1": value}).national


def test_a_country_name_that_is_an_area_is_that_area() -> None:
    nigeria = code_boundaries(
        pd.DataFrame(
            [("NG027", "Niger"), ("NG002", "Adamawa"), ("NG008", "Borno")], columns=["c", "n"]
        ),
        {"adm1": ("c", "n")},
        "Nigeria states",
    )
    matcher = AreaMatcher(nigeria)
    assert matcher.country == "NG"
    niger_state = matcher.match({}, {"adm1": "Niger"})
    assert (niger_state.code, niger_state.national) == ("NG027", False)
    assert matcher.match({}, {"adm1": "Nigeria"}).national
    assert matcher.match({}, {"adm1": "All of Nigeria"}).national
    assert not matcher.is_nationwide("Niger")


def test_fuzzy_names_are_suggestions_until_accepted(tiny: Boundaries) -> None:
    asked = AreaMatcher(tiny).match({}, {"adm1": "Kays"})
    assert asked.code is None
    suggestion = next(n for n in asked.notes if n.kind == "area.suggestion")
    assert suggestion.suggestion == "Kays → Kayes ?"
    accepted = AreaMatcher(tiny, accept_suggestions=True).match({}, {"adm1": "Kays"})
    assert (accepted.code, accepted.rule) == ("ML01", "fuzzy")


def test_finer_codes_roll_up_to_coarser_boundaries(regions: Boundaries) -> None:
    decision = AreaMatcher(regions).match({"adm2": "ML0501"}, {})
    assert (decision.code, decision.rule, decision.notes) == ("ML05", "prefix", ())
    menaka = AreaMatcher(regions).match({"adm1": "ML10"}, {"adm1": "Ménaka"})
    assert menaka.code == "ML07"  # the embedded boundaries predate Ménaka: crosswalk
    assert "area.moved" in kinds(menaka)


def test_assign_areas_works_per_distinct_combination(tiny: Boundaries) -> None:
    records = pd.DataFrame(
        {
            s.ADM1_CODE: ["ML01", "MLI01", "", "", "ML99"],
            s.ADM1_NAME: ["", "", "National", "Gao", ""],
        }
    )
    out, decisions = assign_areas(records, tiny)
    assert out[s.AREA_CODE].fillna("-").tolist() == ["ML01", "ML01", "-", "ML07", "-"]
    assert out[s.NATIONAL].tolist() == [False, False, True, False, False]
    assert out[s.AREA_LEVEL].fillna("-").tolist() == ["adm1", "adm1", "-", "adm1", "-"]
    assert len(decisions) == 5


@pytest.mark.shared_data
def test_real_mali_communes(shared_data: Path) -> None:
    matcher = AreaMatcher(mali_codab(shared_data))
    bamako = matcher.match({}, {"adm2": "Bamako", "adm3": "Commune - IV"})
    assert bamako.code == "ML090104"
    assert matcher.match({"adm1": "ML05", "adm2": "MLI0506"}, {"adm2": "MOPTI"}).code == "ML0506"


def test_words_around_area_names_are_set_aside(tiny: Boundaries) -> None:
    matcher = AreaMatcher(tiny)
    assert matcher.match({}, {"adm1": "District de Bamako"}).code == "ML09"
    assert matcher.match({}, {"adm1": "Région de Kayes"}).code == "ML01"
    assert matcher.match({}, {"adm1": "Gao Region"}).code == "ML07"
    assert matcher.match({}, {"adm2": "Cercle de Bourem"}).code == "ML0702"
    decision = matcher.match({}, {"adm2": "Cercle de Kayes", "adm3": "commune rurale de Bamba"})
    assert decision.code == "ML010302"
    assert decision.rule == "words"
    assert matcher.match({}, {"adm3": "Commune I", "adm1": "Bamako"}).code == "ML090101"
