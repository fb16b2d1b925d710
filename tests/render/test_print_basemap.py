"""The basemap on print maps: context around the areas, town names clear of area labels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import shapely

from ngomap import analysis as a
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.files import load_boundaries
from ngomap.export import formats as ex
from ngomap.importer.threew import load_sample
from ngomap.render import printlayout as pl

ADM3 = "boundaries/mali-codab-2021/mli_admbnda_adm3_1m_gov_20211220.geojson"


def figure(boundaries: Boundaries, level: str, *, basemap: bool = True) -> Any:
    snap = ex.Snapshot.of(load_sample(boundaries), boundaries, a.ViewOptions(level=level), "fr")
    view = ex.view_of(snap)
    return ex.map_figure(snap, view, pl.PrintLayout(dpi=60, basemap=basemap))


def texts(fig: Any) -> list[Any]:
    return [t for t in fig.axes[0].texts if t.get_text() and t.get_color() != "white"]


def test_regions_get_neighbours_capitals_and_the_credit_but_no_second_bamako(
    regions: Boundaries,
) -> None:
    shown = [t.get_text() for t in texts(figure(regions, "adm1"))]
    assert "Natural Earth, GeoNames" in shown  # GeoNames is CC BY
    assert {"Niamey", "Ouagadougou"} <= set(shown)  # abroad, in the page's margins
    # Every region is labelled: the towns inside get a dot, not a second name.
    assert shown.count("Bamako") == 1
    assert shown.count("Tombouctou") == 1


def test_without_the_basemap_no_town_and_no_credit(regions: Boundaries) -> None:
    shown = [t.get_text() for t in texts(figure(regions, "adm1", basemap=False))]
    assert "Natural Earth, GeoNames" not in shown
    assert "Niamey" not in shown


def test_communes_name_the_capitals_and_no_label_overlaps_another(shared_data: Path) -> None:
    boundaries = load_boundaries([shared_data / ADM3], level="adm3")
    fig = figure(boundaries, "adm3")
    renderer = fig.canvas.get_renderer()
    labels = [t for t in texts(fig) if t.get_text() != "Natural Earth, GeoNames"]
    shown = [t.get_text() for t in labels]
    assert {"Bamako", "Tombouctou", "Gao", "Kidal"} <= set(shown)
    boxes = [shapely.box(*t.get_window_extent(renderer).extents) for t in labels]
    for i, one in enumerate(boxes):
        for other in boxes[i + 1 :]:
            assert one.intersection(other).area < 1.0, (shown[i], one.bounds, other.bounds)
