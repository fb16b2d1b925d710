"""Area matching: codes in any format, names in any spelling, every decision said."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from import_helpers import code_boundaries, mali_codab

from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.matching import AreaMatcher, area_key, assign_areas, is_nationwide
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


def test_finer_valid_code_wins_and_the_conflict_is_reported(tiny: Boundaries) -> None:
    decision = AreaMatcher(tiny).match({"adm1": "ML01", "adm2": "ML0702"}, {})
    assert decision.code == "ML0702"
    assert "area.conflict" in kinds(decision)
    named = AreaMatcher(tiny).match({"adm2": "ML0103"}, {"adm2": "Bourem"})
    assert named.code == "ML0103"  # the code wins over the name
    assert "area.conflict" in kinds(named)


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
    for value in ("Tout le Mali", "Ensemble du territoire", "National", "MALI", "nationwide"):
        assert is_nationwide(value), value
        decision = AreaMatcher(tiny).match({}, {"adm1": value})
        assert decision.national
        assert decision.code is None
    assert not is_nationwide("Kayes")


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
