"""The page's boundary upload: a shapefile without its .prj, then the system the user states."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def utm_zip_without_prj(tmp_path: Path) -> bytes:
    folder = tmp_path / "shp"
    folder.mkdir()
    gpd.GeoDataFrame(
        {
            "ADM2_PCODE": ["XX0101", "XX0102"],
            "ADM2_FR": ["Est", "Ouest"],
            "ADM1_PCODE": ["XX01", "XX01"],
            "ADM1_FR": ["Centre", "Centre"],
        },
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)],
        crs=4326,
    ).to_crs(32630).to_file(folder / "cercles.shp")
    out = tmp_path / "cercles.zip"
    with zipfile.ZipFile(out, "w") as archive:
        for file in folder.iterdir():
            if file.suffix != ".prj":
                archive.write(file, file.name)
    return out.read_bytes()


def test_a_shapefile_without_prj_is_read_once_its_system_is_chosen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NGOMAP_DATA_DIR", str(tmp_path / "data"))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    upload = ("cercles.zip", utm_zip_without_prj(tmp_path), "application/zip")
    at.file_uploader(key="boundaries_upload").set_value([upload]).run()
    assert not at.exception, at.exception
    assert any(".prj" in e.value for e in at.sidebar.error)  # said, nothing assumed
    crs = at.selectbox(key="boundaries_crs")
    assert crs.label == "Système de coordonnées, si le fichier ne le dit pas"
    crs.set_value("EPSG:32630").run()
    assert not at.exception, at.exception
    assert not at.sidebar.error
    assert "cercles.zip" in str(
        at.selectbox(key="boundaries_choice").format_func(
            at.selectbox(key="boundaries_choice").value
        )
    )
    level = at.radio(key="boundaries_level_adm1_adm2")  # the cercles, and regions derived
    # XX is no country: the levels get neutral words (ngomap.levels), not Mali's
    assert (list(level.options), level.value) == (
        ["Zones de niveau 1", "Zones de niveau 2"],
        "adm2",
    )
    notes = " ".join(c.value for c in at.sidebar.caption).replace("\\", "")  # markdown escapes
    assert "cercles.zip : pas de système de coordonnées dans le fichier ; lu en EPSG:32630" in notes
