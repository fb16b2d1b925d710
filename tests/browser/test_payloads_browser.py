"""The offline HTML export in Chromium: template payloads in names show exactly as written."""

from __future__ import annotations

from pathlib import Path

import _harness
import pytest
from payloads import payloads
from playwright.sync_api import Page
from test_template_injection import boundary_bytes, data_bytes

from ngomap import analysis as a
from ngomap.areas.files import load_boundaries
from ngomap.export import formats as ex
from ngomap.importer.threew import import_dataset

pytestmark = pytest.mark.browser


def test_tooltips_of_the_html_export_show_payloads_as_text(page: Page, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    names = payloads(marker)
    borders = tmp_path / "limites.geojson"
    borders.write_bytes(boundary_bytes(names))
    boundaries = load_boundaries(borders)
    dataset = import_dataset(data_bytes(names), "3w.csv", boundaries=boundaries)
    snap = ex.Snapshot.of(dataset, boundaries, a.ViewOptions(), "fr")
    page.set_content(ex.export(snap, "html").decode("utf-8"), wait_until="load")
    frame = page.main_frame
    frame.wait_for_function(
        "n => document.querySelectorAll('path.leaflet-interactive').length >= n",
        arg=len(names),
    )
    seen = {}
    for shape in _harness.shapes(frame):
        tip = _harness.tooltip_of(frame, shape)
        seen[tip.area] = tip.names
    assert sorted(seen) == sorted(names)  # area names, as written
    assert all(seen[name] == name for name in names)  # each area's one organisation
    assert not marker.exists()
