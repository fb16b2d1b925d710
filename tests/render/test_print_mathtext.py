"""Names with dollar signs are printed as written: matplotlib's mathtext never reads them.

An organisation or area called ``$\\frac{1}{0}$ ONG`` used to be drawn as a fraction on the
print map, and a name matplotlib cannot parse as a formula (``$x^2$ et $$y$$``) raised and
lost the whole page.
"""

from __future__ import annotations

import csv
import io

import geopandas as gpd
import pytest
import shapely
from matplotlib.text import Text
from pypdf import PdfReader

from ngomap import analysis as a
from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.areas.files import read_boundary_uploads
from ngomap.export import formats as ex
from ngomap.importer.threew import Dataset, import_dataset

NAMES = ("$\\frac{1}{0}$ ONG", "$x^2$ et $$y$$", "Coût 5$ et 10$", "Asso $\\alpha$")


@pytest.fixture(scope="module")
def boundaries() -> Boundaries:
    frame = gpd.GeoDataFrame(
        {
            "ADM1_PCODE": [f"XX{i + 1:02d}" for i in range(len(NAMES))],
            "ADM1_FR": list(NAMES),
            "ADM0_PCODE": ["XX"] * len(NAMES),
        },
        geometry=[shapely.box(2 * i, 10, 2 * i + 2, 12) for i in range(len(NAMES))],
        crs=4326,
    )
    return read_boundary_uploads([("dollars.geojson", str(frame.to_json()).encode())])


@pytest.fixture(scope="module")
def dataset(boundaries: Boundaries) -> Dataset:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Organisation", "Secteur", "Code région"])
    writer.writerow(["#org+name", "#sector", "#adm1+code"])
    for i, name in enumerate(NAMES):
        writer.writerow([name, "Santé", f"XX{i + 1:02d}"])
    return import_dataset(out.getvalue().encode(), "dollars.csv", boundaries=boundaries)


def _snapshot(dataset: Dataset, boundaries: Boundaries) -> ex.Snapshot:
    keys = tuple(dict.fromkeys(dataset.records[s.ORG_KEY]))
    return ex.Snapshot.of(dataset, boundaries, a.ViewOptions(view="zones", zone_orgs=keys), "fr")


def test_the_pdf_holds_the_names_as_written(dataset: Dataset, boundaries: Boundaries) -> None:
    pdf = PdfReader(io.BytesIO(ex.export(_snapshot(dataset, boundaries), "pdf")))
    text = " ".join(pdf.pages[0].extract_text().split())
    for name in NAMES:  # the title lists the organisations; the legend and labels too
        assert name in text, name


def test_the_svg_holds_the_names_as_text(dataset: Dataset, boundaries: Boundaries) -> None:
    svg = ex.export(_snapshot(dataset, boundaries), "svg").decode("utf-8")
    for name in NAMES:
        escaped = name.replace("&", "&amp;")
        assert escaped in svg, name


def test_every_text_artist_of_the_page_is_plain_text(
    dataset: Dataset, boundaries: Boundaries
) -> None:
    snapshot = _snapshot(dataset, boundaries)
    figure = ex.map_figure(snapshot, ex.view_of(snapshot))
    texts = [t for t in figure.findobj(Text) if t.get_text()]
    assert texts
    assert not [t.get_text() for t in texts if t.get_parse_math()]
    drawn = " ".join(t.get_text() for t in texts)
    for name in NAMES:
        assert name in drawn, name
