"""Each country's level words: Mali's cercles are Nigeria's LGAs and Burkina's provinces.

The country comes from the boundaries' P-codes (``Boundaries.country``); headings,
tooltips, selectors, exports and messages use its words (``data/vocab/admin_levels.csv``),
neutral words for a country the file does not list.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pandas as pd
import pycountry
import shapely
from hypothesis import given
from hypothesis import strategies as st
from import_helpers import code_boundaries
from pypdf import PdfReader

from ngomap import analysis as a
from ngomap import levels
from ngomap import views as v
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.matching import AreaMatcher
from ngomap.export import formats as ex
from ngomap.importer.threew import import_dataset
from ngomap.messages import Msg, Text
from ngomap.render import captions

NIGERIA = pd.DataFrame(
    [
        ("NG036", "Yobe", "NG036014", "Potiskum"),
        ("NG036", "Yobe", "NG036007", "Gujba"),
        ("NG008", "Borno", "NG008017", "Maiduguri"),
    ],
    columns=["s", "sn", "l", "ln"],
)
BURKINA = pd.DataFrame(
    [("BF46", "Boucle du Mouhoun", "BF4601", "Balé"), ("BF47", "Cascades", "BF4702", "Léraba")],
    columns=["s", "sn", "l", "ln"],
)
MALI = pd.DataFrame(
    [("ML05", "Mopti", "ML0503", "Bankass"), ("ML07", "Gao", "ML0702", "Bourem")],
    columns=["s", "sn", "l", "ln"],
)
PAIRS = {"adm1": ("s", "sn"), "adm2": ("l", "ln")}


def _bounds(table: pd.DataFrame, prefix: str = "") -> Boundaries:
    if prefix:
        table = table.assign(
            s=[prefix + c[2:] for c in table["s"]], l=[prefix + c[2:] for c in table["l"]]
        )
    return code_boundaries(table, PAIRS, "tiny")


def test_the_file_names_real_countries_with_three_levels_each() -> None:
    with levels.LEVELS_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    by_country: dict[str, set[str]] = {}
    for row in rows:
        assert all(row[k].strip() for k in ("fr_one", "fr_many", "en_one", "en_many")), row
        by_country.setdefault(row["iso2"], set()).add(row["level"])
        if row["iso2"] == levels.ANY:
            continue
        country = pycountry.countries.get(alpha_2=row["iso2"])
        assert country is not None, row
        assert country.alpha_3 == row["iso3"], row
    assert all(found == {"adm1", "adm2", "adm3"} for found in by_country.values()), by_country
    wanted = {"ML", "BF", "NE", "NG", "TD", "MR", "SN", "GN", "CI", "CM"}
    assert wanted <= set(levels.countries())


def test_the_country_comes_from_the_p_codes_and_gives_its_words() -> None:
    nigeria, burkina, mali = _bounds(NIGERIA), _bounds(BURKINA), _bounds(MALI)
    assert (nigeria.country, burkina.country, mali.country) == ("NG", "BF", "ML")
    assert captions.areas_word("adm1", "fr", country=nigeria.country) == "États"
    assert captions.area_word("adm2", "fr", country=nigeria.country) == (
        "Zone de gouvernement local (LGA)"
    )
    assert captions.areas_word("adm2", "en", country=nigeria.country) == "LGAs"
    assert captions.area_word("adm3", "en", country=nigeria.country) == "Ward"
    assert captions.areas_word("adm2", "fr", country=burkina.country) == "Provinces"
    assert captions.area_word("adm2", "fr", country=mali.country) == "Cercle"  # unchanged
    assert captions.areas_word("adm3", "fr", country="NE") == "Communes"
    assert captions.area_word("adm2", "fr", country="NE") == "Département"
    assert captions.area_word("adm2", "en", country="CM") == "Division"


def test_a_country_not_listed_or_none_gets_neutral_words() -> None:
    unknown = _bounds(MALI, prefix="XX")  # XX is no country
    assert unknown.country == ""
    assert captions.area_word("adm2", "fr", country=unknown.country) == "Zone de niveau 2"
    assert captions.areas_word("adm1", "en", country="BR") == "Admin 1 areas"  # not listed
    assert levels.words("adm4", "ML").one("fr") == "adm4"  # a level ngomap does not map


def test_words_inside_a_sentence_keep_acronyms_and_french_elides() -> None:
    assert levels.in_sentence("Zones de gouvernement local (LGA)") == (
        "zones de gouvernement local (LGA)"
    )
    assert levels.in_sentence("LGAs") == "LGAs"
    assert levels.in_sentence("États") == "états"
    said = Text(Msg.MATCHING_SAID_CODE, {"of_level": levels.of_one("adm1", "NG"), "value": "X"})
    assert said("fr") == "le code d'état « X »"
    assert said("en") == "the state code 'X'"
    said = Text(Msg.MATCHING_SAID_CODE, {"of_level": levels.of_one("adm2", "ML"), "value": "X"})
    assert said("fr") == "le code de cercle « X »"


@given(
    st.sampled_from(["NG", "BF", "ML", "SN"]),
    st.lists(st.from_regex(r"[0-9]{2,8}", fullmatch=True), min_size=1, max_size=30),
    st.lists(st.text(max_size=8), max_size=3),
)
def test_the_country_is_the_prefix_most_codes_carry(
    country: str, digits: list[str], noise: list[str]
) -> None:
    codes = [country + d for d in digits] * 4 + noise  # messy cells (3 at most) are outvoted
    assert levels.country_of(codes) == country


def test_headings_tooltips_and_titles_name_the_country_s_level() -> None:
    nigeria = _bounds(NIGERIA)
    options = a.ViewOptions(level="adm2").in_country_of(nigeria)
    assert v.headline(options, "fr", {}) == "Organisations par zone de gouvernement local (LGA)"
    assert v.headline(options, "en", {}) == "Organisations per LGA"
    assert v.map_labels(options, "fr", "").area == "Zone de gouvernement local (LGA)"
    gaps = a.ViewOptions(view="gaps", level="adm1", country="NG")
    assert v.headline(gaps, "fr", {}) == "États où aucune organisation ne travaille"
    assert v.headline(replace(gaps, max_gap=3), "fr", {}) == "États avec moins de 3 organisations"
    mali = a.ViewOptions(level="adm2").in_country_of(_bounds(MALI))
    assert v.headline(mali, "fr", {}) == "Organisations par cercle"
    assert v.map_labels(mali, "en", "").area == "Cercle"


def _snapshot(table: pd.DataFrame, level: str = "adm2") -> ex.Snapshot:
    boundaries = _bounds(table)
    csv_text = "Organisation,Secteur,Admin2 Pcode\n" + "".join(
        f"ONG {i},WASH,{code}\n" for i, code in enumerate(table["l"])
    )
    dataset = import_dataset(csv_text.encode(), "liste.csv", boundaries=boundaries)
    assert len(dataset.records) == len(table)  # every row found its area
    return ex.Snapshot.of(dataset, boundaries, a.ViewOptions(level=level), "fr")


def test_exports_say_the_country_s_words() -> None:
    snap = _snapshot(NIGERIA)
    assert snap.options.country == "NG"  # filled from the boundaries
    headers = list(ex.records_table(snap).columns)
    assert {"État", "Code état", "Zone de gouvernement local (LGA)"} <= set(headers)
    assert not any("Cercle" in h or "Région" in h for h in headers)
    view = ex.view_csv(snap).decode("utf-8-sig")
    assert "Cercle" not in view
    mali = list(ex.records_table(_snapshot(MALI)).columns)
    assert {"Région", "Code région", "Cercle", "Code cercle"} <= set(mali)  # Mali unchanged


def test_the_gaps_table_names_the_level_in_the_country_s_words() -> None:
    snap = _snapshot(BURKINA)
    gaps = ex.Snapshot(
        records=snap.records,
        boundaries=snap.boundaries,
        options=a.ViewOptions(view="gaps", level="adm2", max_gap=5),
    )
    first_line = ex.view_csv(gaps).decode("utf-8-sig").splitlines()[0]
    assert first_line.split(",")[1] == "Province"


def test_matching_messages_name_the_country_s_levels() -> None:
    matcher = AreaMatcher(_bounds(NIGERIA))
    unknown = matcher.match({}, {"adm1": "Kanoo-Zzz"})
    said = " ".join(note.fr for note in unknown.notes)
    assert "parmi les états des limites" in said, said
    english = " ".join(note.en for note in unknown.notes)
    assert "the boundaries' states" in english, english
    moved = matcher.match({"adm1": "NG036014"}, {})  # an LGA's code in the state column
    said = " ".join(note.fr for note in moved.notes)
    assert "dans la colonne état est un code des zones de gouvernement local (LGA)" in said, said
    assert "cercle" not in said.lower()


def _drawn(table: pd.DataFrame) -> Boundaries:
    """The tiny boundaries with a square per area, for print maps."""
    bare = _bounds(table)
    areas = bare.areas.copy()
    areas = areas.set_geometry([shapely.box(i, 0, i + 1, 1) for i in range(len(areas))], crs=4326)
    return Boundaries(areas=areas, level="adm2", source="tiny")


def test_print_maps_and_atlas_name_the_country_s_level() -> None:
    boundaries = _drawn(NIGERIA)
    csv_text = "Organisation,Secteur,Admin2 Pcode\n" + "".join(
        f"ONG {i},{sector},{code}\n"
        for i, code in enumerate(NIGERIA["l"])
        for sector in ("WASH", "Santé")
    )
    dataset = import_dataset(csv_text.encode(), "liste.csv", boundaries=boundaries)
    snap = ex.Snapshot.of(dataset, boundaries, a.ViewOptions(level="adm2"), "fr")
    assert ex.file_name(snap, "pdf").startswith("nga_3w_density_adm2_")
    page = PdfReader(io.BytesIO(ex.export(snap, "pdf"))).pages[0]
    text = " ".join(page.extract_text().split())
    assert "Organisations par zone de gouvernement local (LGA) — tous les secteurs" in text
    assert "Cercle" not in text
    assert "cercle" not in text
    atlas = PdfReader(io.BytesIO(ex.export(snap, "pdf", atlas=True)))
    titles = [" ".join(p.extract_text().split()) for p in atlas.pages]
    assert len(titles) == 3
    assert all("Organisations par zone de gouvernement local (LGA) — " in t for t in titles)
