"""The page names Nigeria's levels as Nigeria does: states and LGAs, never régions and
cercles (AppTest). Mali's page is unchanged.

A Nigerian boundary set (adm2, its states derived) and a 3W are built here; the real
Nigeria 3W of ``../shared/data`` is shown with its own areas when present.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from helpers import open_tables
from streamlit.testing.v1 import AppTest

from ngomap.ui.exports import EXPORT_OPEN

APP = str(Path(__file__).resolve().parents[2] / "app.py")
REAL_NIGERIA = "3w/nigeria-apr-jun-2023/nga_3w_apr_jun_2023.xlsx"

LGAS = {  # code: (name, state code, state name)
    "NG036014": ("Potiskum", "NG036", "Yobe"),
    "NG036007": ("Gujba", "NG036", "Yobe"),
    "NG008017": ("Maiduguri", "NG008", "Borno"),
    "NG008001": ("Abadam", "NG008", "Borno"),
}
NIGERIA_3W = (
    b"Organization,Project Sector,State,State Pcode,LGA,LGA PCode\n"
    b"Action Against Hunger,WASH,Yobe,NG036,Potiskum,NG036014\n"
    b"Action Against Hunger,WASH,Yobe,NG036,Gujba,NG036007\n"
    b"Plan International,Education,Borno,NG008,Maiduguri,NG008017\n"
    b"Plan International,WASH,Borno,NG008,Maiduguri,NG008017\n"
)
MALI_WORDS = ("Cercle", "cercle", "Région", "région", "Commune", "commune")


def _nigeria_adm2(folder: Path) -> bytes:
    out = folder / "nga_admbnda_adm2.geojson"
    gpd.GeoDataFrame(
        {
            "ADM2_PCODE": list(LGAS),
            "ADM2_EN": [v[0] for v in LGAS.values()],
            "ADM1_PCODE": [v[1] for v in LGAS.values()],
            "ADM1_EN": [v[2] for v in LGAS.values()],
            "ADM0_PCODE": ["NG"] * len(LGAS),
        },
        geometry=[shapely.box(10 + x, 11, 11 + x, 12) for x in range(len(LGAS))],
        crs=4326,
    ).to_file(out)
    return out.read_bytes()


def _plain(markdown: object) -> str:
    """What the reader sees of a Markdown text: without its escapes ("\\(LGA\\)")."""
    return str(markdown).replace("\\", "")


def _shown(at: AppTest) -> list[str]:
    """The page's own words: headings, notes, choices, tables' headers, the line on how
    records became presences (not the data's names: "Cercle des ..." may be an NGO)."""
    parts = [str(e.value) for e in [*at.subheader, *at.title]]
    parts += [str(e.value) for e in [*at.info, *at.warning, *at.success]]
    parts += [str(c.value) for c in at.caption if str(c.value).startswith(("Par ", "By "))]
    for radio in at.radio:
        parts += [radio.label, *map(str, radio.options)]  # options as shown
    for box in at.selectbox:
        parts.append(box.label)
    for frame in at.dataframe:
        parts += [str(c) for c in frame.value.columns]
    parts += [str(getattr(b, "label", "")) for b in at.get("download_button")]
    parts += [str(e.label) for e in at.expander]  # folded parts show their titles
    return [_plain(p) for p in parts]


def _level_radio(at: AppTest, prefix: str) -> object:
    return next(r for r in at.radio if r.key and r.key.startswith(prefix))


@pytest.fixture
def nigeria_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The page with a Nigerian adm2 boundary file uploaded and a Nigerian 3W loaded."""
    monkeypatch.setenv("NGOMAP_DATA_DIR", str(tmp_path / "data"))
    at = AppTest.from_file(APP, default_timeout=300).run()
    assert not at.exception, at.exception
    upload = ("nga_admbnda_adm2.geojson", _nigeria_adm2(tmp_path), "application/geo+json")
    at.file_uploader(key="boundaries_upload").set_value([upload]).run()
    assert not at.exception, at.exception
    at.session_state["upload"] = {"name": "nga_3w.csv", "data": NIGERIA_3W}
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_nigerian_map_names_states_and_lgas(nigeria_page: AppTest) -> None:
    at = nigeria_page
    level = _level_radio(at, "boundaries_level_")
    assert list(level.options) == [  # type: ignore[attr-defined]
        "États",
        "Zones de gouvernement local (LGA)",
    ]
    assert level.value == "adm2"  # type: ignore[attr-defined]
    headings = [_plain(h.value) for h in at.subheader]
    assert headings[0].startswith("Organisations par zone de gouvernement local (LGA) — ")
    folded = [_plain(e.label) for e in at.expander]  # the table and matrix, folded under the map
    assert any(label.startswith("Zones de gouvernement local (LGA) (") for label in folded)
    assert "Secteurs × zones de gouvernement local (LGA) (organisations distinctes)" in folded
    open_tables(at).run()
    table = next(d.value for d in at.dataframe if "Noms" in d.value.columns)
    assert table.columns[0] == "Zone de gouvernement local (LGA)"
    (component,) = at.get("component_instance")
    script = json.loads(component.proto.json_args)["script"]
    assert '["name","Zone de gouvernement local (LGA)"]' in script  # the tooltip's first line
    shown = " ".join(_shown(at))
    assert "Potiskum" in shown or "Potiskum" in script
    assert not [w for w in MALI_WORDS if w in shown], [
        p for p in _shown(at) if any(w in p for w in MALI_WORDS)
    ]


def test_in_english_the_levels_are_lgas_and_states(nigeria_page: AppTest) -> None:
    at = nigeria_page
    at.radio(key="lang").set_value("en").run()
    assert not at.exception, at.exception
    level = _level_radio(at, "boundaries_level_")
    assert list(level.options) == ["States", "LGAs"]  # type: ignore[attr-defined]
    headings = [_plain(h.value) for h in at.subheader]
    assert headings[0].startswith("Organisations per LGA — ")
    assert "Sectors × LGAs (distinct organisations)" in [_plain(e.label) for e in at.expander]
    at.session_state[EXPORT_OPEN] = True  # the export buttons' words checked too
    level.set_value("adm1").run()  # type: ignore[attr-defined]
    assert not at.exception, at.exception
    assert _plain(at.subheader[0].value).startswith("Organisations per state — ")
    shown = " ".join(_shown(at))
    assert "Cercle" not in shown
    assert "Region" not in shown


def test_a_nigerian_file_without_boundaries_names_its_own_levels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NGOMAP_DATA_DIR", str(tmp_path / "data"))
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["upload"] = {"name": "nga_3w.csv", "data": NIGERIA_3W}
    at.run()
    assert not at.exception, at.exception
    level = _level_radio(at, "file_areas_level_")
    assert list(level.options) == [  # type: ignore[attr-defined]
        "États",
        "Zones de gouvernement local (LGA)",
    ]
    shown = " ".join(_shown(at))
    assert "Zones de gouvernement local (LGA)" in shown
    assert not [w for w in ("Cercle", "cercle") if w in shown]


def test_the_real_nigeria_3w_is_shown_in_nigeria_s_words(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = shared_data / REAL_NIGERIA
    if not path.is_file():
        pytest.skip(f"{REAL_NIGERIA} is not in ../shared/data")
    monkeypatch.setenv("NGOMAP_DATA_DIR", str(tmp_path / "data"))
    at = AppTest.from_file(APP, default_timeout=600)
    at.session_state["upload"] = {"name": path.name, "data": path.read_bytes()}
    at.run()
    assert not at.exception, at.exception
    shown = " ".join(_shown(at))
    assert "LGA" in shown
    assert "États" in shown
    assert not [w for w in ("Cercle", "cercle") if w in shown]


def test_mali_keeps_its_regions_and_cercles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NGOMAP_DATA_DIR", str(tmp_path / "data"))
    at = AppTest.from_file(APP, default_timeout=300).run()  # the sample, Natural Earth's regions
    assert not at.exception, at.exception
    assert _plain(at.subheader[0].value).startswith("Organisations par région — ")
    assert "Régions (9)" in [e.label for e in at.expander]
    open_tables(at).run()
    table = next(d.value for d in at.dataframe if "Noms" in d.value.columns)
    assert table.columns[0] == "Région"
