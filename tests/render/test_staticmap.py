"""Print layouts: page size, colours shared with the interactive map, legend, labels."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from matplotlib.colors import to_rgb
from PIL import Image

from ngomap import analysis as a
from ngomap import schema as s
from ngomap.areas.boundaries import embedded_regions
from ngomap.render import printlayout as pl
from ngomap.render import staticmap as sm
from ngomap.render.classes import classify_counts
from ngomap.render.webmap import P_COLOR, choropleth_features

TEXT = pl.PrintText(
    title="Organisations par zone — tous les secteurs",
    subtitle="Données à jour au 2026-11-29",
    legend_title="Nombre d'organisations",
    zero="0 (aucune)",
    no_data="Pas de données",
    source_line="Sources : test ; limites : Natural Earth ; carte : ngomap, 2026-11-29",
    disclaimer="Les limites et les noms indiqués n'impliquent ni reconnaissance.",
)


def _tiny() -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Four squares of 200 km (in metres): values 0, 3, 9 and "no data"."""
    side = 200_000
    codes = ["A1", "A2", "A3", "A4"]
    squares = [shapely.box(i * side, 0, (i + 1) * side, side) for i in range(4)]
    areas = gpd.GeoDataFrame(
        {"name": ["Alpha", "Beta", "Gamma", "Delta"]}, geometry=squares, crs=32630, index=codes
    )
    table = pd.DataFrame(
        {
            s.AREA_CODE: codes,
            a.AREA_NAME: ["Alpha", "Beta", "Gamma", "Delta"],
            a.ORGANISATIONS: [[], ["x"], ["y"], []],
            a.VALUE: [0.0, 3.0, 9.0, float("nan")],
        }
    )
    return areas, table


def _colours(png: bytes) -> set[tuple[int, int, int]]:
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    return {(int(r), int(g), int(b)) for r, g, b in np.unique(image.reshape(-1, 3), axis=0)}


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    r, g, b = to_rgb(hex_colour)
    return round(r * 255), round(g * 255), round(b * 255)


@pytest.mark.parametrize(
    ("paper", "orientation", "dpi", "size"),
    [
        ("A4", "landscape", 150, (1753, 1240)),
        ("A4", "portrait", 100, (826, 1169)),
        ("A3", "landscape", 72, (1190, 841)),
    ],
)
def test_png_has_the_paper_size_in_pixels(
    paper: str, orientation: str, dpi: int, size: tuple[int, int]
) -> None:
    areas, table = _tiny()
    layout = pl.PrintLayout(paper=paper, orientation=orientation, dpi=dpi)
    png = sm.render(
        sm.print_map(
            areas, table, classify_counts(table[a.VALUE].tolist()), text=TEXT, layout=layout
        ),
        "png",
    )
    assert layout.size_px == size
    assert Image.open(io.BytesIO(png)).size == size


def test_png_is_not_blank_and_shows_every_class_colour_of_the_interactive_map() -> None:
    areas, table = _tiny()
    classes = classify_counts(table[a.VALUE].tolist())
    png = sm.render(sm.print_map(areas, table, classes, text=TEXT), "png")
    colours = _colours(png)
    assert len(colours) > 20  # not blank: text, lines, fills
    # The colours the web map gives each area (webmap.choropleth_features) are in the image.
    web = choropleth_features(areas, table, classes, value_column=a.VALUE)
    for colour in {*web[P_COLOR], classes.zero_color, classes.no_data_color, *classes.colors}:
        assert _rgb(colour) in colours, colour
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    white = (image == 255).all(axis=2).mean()
    assert white < 0.9


def test_sample_map_uses_the_same_classes_and_colours_as_the_page() -> None:
    boundaries = embedded_regions()
    from ngomap.importer.threew import load_sample

    records = load_sample(boundaries).records
    table = a.density(records, boundaries)
    classes = classify_counts(table[a.VALUE].tolist())
    png = sm.render(
        sm.print_map(
            sm.projected_areas(boundaries), table, classes, text=TEXT, layout=pl.PrintLayout(dpi=60)
        ),
        "png",
    )
    colours = _colours(png)
    for colour in table[a.VALUE].map(classes.color):
        assert _rgb(colour) in colours


def _label_boxes(fig: Any) -> dict[str, Any]:
    renderer = fig.canvas.get_renderer()
    return {
        t.get_text(): t.get_window_extent(renderer)
        for ax in fig.axes[:1]
        for t in ax.texts
        if t.get_color() != "white" and t.get_zorder() == 5  # area labels, not their halos
    }


def test_labels_never_overlap_and_small_areas_that_matter_get_a_leader_line() -> None:
    side = 200_000
    big = [shapely.box(i * side, 0, (i + 1) * side, side) for i in range(2)]
    tiny = [
        shapely.box(side * 0.5 + i * 100, side * 0.5, side * 0.5 + i * 100 + 50, side * 0.5 + 50)
        for i in range(3)
    ]
    codes = ["B1", "B2", "T1", "T2", "T3"]
    areas = gpd.GeoDataFrame(geometry=[*big, *tiny], crs=32630, index=codes)
    table = pd.DataFrame(
        {
            s.AREA_CODE: codes,
            a.AREA_NAME: ["Grande zone", "Autre zone", "Minuscule", "Petite", "Mini"],
            a.ORGANISATIONS: [[]] * 5,
            a.VALUE: [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    fig = sm.print_map(areas, table, classify_counts(table[a.VALUE].tolist()), text=TEXT)
    fig.canvas.draw()
    boxes = _label_boxes(fig)
    assert {"Grande zone", "Autre zone"} <= set(boxes)
    tiny_shown = {"Minuscule", "Petite", "Mini"} & set(boxes)
    assert tiny_shown  # few areas: each matters, beside its area when it does not fit
    assert len(fig.axes[0].lines) >= len(tiny_shown)  # one leader line each
    names = list(boxes)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            assert not boxes[first].overlaps(boxes[second]), (first, second)


def test_with_many_areas_the_highest_values_are_labelled_first() -> None:
    side = 20_000
    n = 40
    codes = [f"C{i:02d}" for i in range(n)]
    areas = gpd.GeoDataFrame(
        geometry=[shapely.box(i * side, 0, i * side + side * 0.02, side * 0.02) for i in range(n)],
        crs=32630,
        index=codes,
    )  # slivers: no name fits inside any of them
    table = pd.DataFrame(
        {
            s.AREA_CODE: codes,
            a.AREA_NAME: [f"Zone {i}" for i in range(n)],
            a.ORGANISATIONS: [[]] * n,
            a.VALUE: [float(i) for i in range(n)],
        }
    )
    fig = sm.print_map(areas, table, classify_counts(table[a.VALUE].tolist()), text=TEXT)
    fig.canvas.draw()
    shown = {name for name in _label_boxes(fig) if name.startswith("Zone")}
    assert shown, "the highest values are labelled beside their areas"
    assert shown <= {f"Zone {i}" for i in range(n - sm.LABEL_TOP, n)}  # only the top ones
    assert "Zone 39" in shown  # the highest first
    no_labels = sm.print_map(
        areas,
        table,
        classify_counts(table[a.VALUE].tolist()),
        text=TEXT,
        layout=pl.PrintLayout(labels=False),
    )
    assert "Zone 39" not in {t.get_text() for ax in no_labels.axes for t in ax.texts}


def test_legend_lists_zero_classes_and_no_data_apart() -> None:
    areas, table = _tiny()
    classes = classify_counts(table[a.VALUE].tolist())
    fig = sm.print_map(areas, table, classes, text=TEXT)
    legend = fig.axes[-1]
    texts = [t.get_text() for t in legend.texts]
    assert texts[0] == TEXT.legend_title
    assert texts[1:] == [TEXT.zero, *classes.labels(), TEXT.no_data]
    fills = [to_rgb(p.get_facecolor()) for p in legend.patches]
    expected = [classes.zero_color, *classes.colors, classes.no_data_color]
    assert [tuple(round(v, 3) for v in f) for f in fills] == [
        tuple(round(v, 3) for v in to_rgb(c)) for c in expected
    ]


def test_scale_bar_length_is_true_in_the_local_projection() -> None:
    boundaries = embedded_regions()
    areas = sm.projected_areas(boundaries)
    # Bamako to Gao (about 950 km): the projected distance is within 1 % of the geodesic.
    bamako = gpd.GeoSeries(gpd.points_from_xy([-8.0], [12.65]), crs=4326).to_crs(areas.crs)
    gao = gpd.GeoSeries(gpd.points_from_xy([-0.04], [16.27]), crs=4326).to_crs(areas.crs)
    projected = float(bamako.distance(gao).iloc[0])
    geodesic = pyproj.Geod(ellps="WGS84").inv(-8.0, 12.65, -0.04, 16.27)[2]
    assert abs(projected - geodesic) / geodesic < 0.01
    assert sm._nice_length(1234_000) == 1_000_000
    assert sm._nice_length(260_000) == 200_000


def test_pdf_and_svg_render_text_as_text() -> None:
    areas, table = _tiny()
    fig = sm.print_map(areas, table, classify_counts(table[a.VALUE].tolist()), text=TEXT)
    svg = sm.render(fig, "svg")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "Données à jour au 2026-11-29" in svg.decode("utf-8")
    pdf = sm.render(fig, "pdf")
    assert pdf.startswith(b"%PDF")


def test_layout_refuses_unknown_paper_and_format() -> None:
    with pytest.raises(ValueError, match="paper"):
        pl.PrintLayout(paper="Letter")
    with pytest.raises(ValueError, match="orientation"):
        pl.PrintLayout(orientation="sideways")
    areas, table = _tiny()
    fig = sm.print_map(areas, table, classify_counts(table[a.VALUE].tolist()), text=TEXT)
    with pytest.raises(ValueError, match="format"):
        sm.render(fig, "bmp")
