"""Every text of a print map stays on the paper, however long its words.

The source line names the boundary files, and COD-AB's names are long words
(``mli_admbnda_adm3_1m_gov_20211220.geojson``): wrapping by an average letter width let the
footer of a commune map run off the right edge of the A4 page.
"""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from matplotlib.text import Text

from ngomap import analysis as a
from ngomap import schema as s
from ngomap.render import printlayout as pl
from ngomap.render import staticmap as sm
from ngomap.render.classes import classify_counts

FILES = ", ".join(f"mli_admbnda_adm{level}_1m_gov_20211220.geojson" for level in (1, 2, 3))
TEXT = pl.PrintText(
    title="Organisations par commune — " + ", ".join(["Sécurité alimentaire"] * 6),
    subtitle="Données à jour au 2022-03-31",
    legend_title="Nombre d'organisations (" + "WASH, " * 8 + ")",
    zero="0 (aucune)",
    no_data="Pas de données",
    source_line=f"Sources : mali_5w_mar2022.xlsx ; limites : COD-AB ({FILES}), 2021-12-20 ; "
    "carte : ngomap, 2026-11-30 ; " + "W" * 300,
    disclaimer="Les limites et les noms indiqués ainsi que les désignations employées sur "
    "cette carte n'impliquent ni reconnaissance ni acceptation officielles.",
)


def _areas() -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    side = 200_000
    codes = ["A1", "A2"]
    areas = gpd.GeoDataFrame(
        {"name": ["Une", "Deux"]},
        geometry=[shapely.box(i * side, 0, (i + 1) * side, side) for i in range(2)],
        crs=32630,
        index=codes,
    )
    table = pd.DataFrame(
        {
            s.AREA_CODE: codes,
            a.AREA_NAME: ["Une", "Deux"],
            a.ORGANISATIONS: [["x"], ["y"]],
            a.VALUE: [1.0, 4.0],
        }
    )
    return areas, table


@pytest.mark.parametrize(("paper", "orientation"), [("A4", "landscape"), ("A4", "portrait")])
def test_every_text_fits_the_page(paper: str, orientation: str) -> None:
    areas, table = _areas()
    figure = sm.print_map(
        areas,
        table,
        classify_counts(table[a.VALUE].tolist()),
        text=TEXT,
        layout=pl.PrintLayout(paper=paper, orientation=orientation, dpi=72),
    )
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    page = figure.bbox
    texts = [t for t in figure.findobj(Text) if t.get_text().strip()]
    assert any("mli_admbnda_adm3" in t.get_text() for t in texts)
    for text in texts:
        box = text.get_window_extent(renderer)
        assert box.x0 >= page.x0 - 0.5, text.get_text()[:60]
        assert box.x1 <= page.x1 + 0.5, text.get_text()[:60]


def test_a_short_line_is_not_wrapped_and_a_long_word_is_cut() -> None:
    assert sm._wrap("Sources : test", 100, 8) == "Sources : test"
    lines = sm._wrap("X" * 400, 50, 8).splitlines()
    assert len(lines) > 1
    assert "".join(lines) == "X" * 400  # nothing lost
    assert all(sm._text_width_pt(line, 8, "normal") <= 50 / 25.4 * 72 for line in lines)


def test_bold_titles_are_measured_bold() -> None:
    title = replace(TEXT, title="W" * 30).title
    assert sm._text_width_pt(title, 12, "bold") > sm._text_width_pt(title, 12, "normal")
