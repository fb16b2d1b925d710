"""A commune map of cercle-level data says why it is grey and offers the cercles (AppTest)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import map_properties
from streamlit.testing.v1 import AppTest

from ngomap.ui.views import MATRIX_OPEN

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ADM3 = "boundaries/mali-codab-2021/mli_admbnda_adm3_1m_gov_20211220.geojson"

CERCLES_3W = (
    "Organisation;Secteur;admin2Pcode;Cercle\n"
    "Plan;EHA;ML0305;Sikasso\n"
    "Educo;Santé;ML0305;Sikasso\n"
    "Oxfam;EHA;ML0506;Mopti\n"
).encode()


def at_level(at: AppTest, level: str) -> AppTest:
    radio = next(r for r in at.radio if r.key and r.key.startswith("boundaries_level_"))
    radio.set_value(level).run()
    assert not at.exception, at.exception
    return at


def counts(at: AppTest) -> dict[str, int]:
    (component,) = at.get("component_instance")
    properties = map_properties(json.loads(component.proto.json_args)["script"])
    assert properties is not None
    return {str(p["code"]): int(p["count"] or 0) for p in properties}


def _cercles_on_communes(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *opened: str
) -> AppTest:
    """The page with COD-AB communes loaded and a 3W of cercles uploaded; ``opened``: the
    folded parts the planner has opened."""
    monkeypatch.setenv("NGOMAP_DATA_DIR", str(tmp_path / "data"))
    at = AppTest.from_file(APP, default_timeout=300).run()
    upload = (Path(ADM3).name, (shared_data / ADM3).read_bytes(), "application/geo+json")
    at.file_uploader(key="boundaries_upload").set_value([upload]).run()
    at.session_state["upload"] = {"name": "cercles.csv", "data": CERCLES_3W}
    for key in opened:
        at.session_state[key] = True
    return at.run()


def test_grey_commune_map_names_the_data_level_and_switches(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _cercles_on_communes(shared_data, tmp_path, monkeypatch)
    assert not at.exception, at.exception
    at = at_level(at, "adm2")
    assert not [w for w in at.warning if "niveau des" in w.value]  # cercles: drawn, no hint
    assert counts(at)["ML0305"] == 2
    at = at_level(at, "adm3")
    assert not any(counts(at).values())  # every commune grey: the rows name cercles
    (hint,) = [w for w in at.warning if "niveau des" in w.value]
    assert "niveau des cercles" in hint.value
    assert "« Cercles »" in hint.value
    at.button(key="coarser_switch").click().run()
    assert not at.exception, at.exception
    radio = next(r for r in at.radio if r.key and r.key.startswith("boundaries_level_"))
    assert radio.value == "adm2"
    assert counts(at)["ML0305"] == 2
    assert not [w for w in at.warning if "niveau des" in w.value]


def test_the_opened_matrix_of_a_grey_commune_map_says_it_is_empty(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _cercles_on_communes(shared_data, tmp_path, monkeypatch, MATRIX_OPEN)
    at = at_level(at, "adm3")  # the planner has opened "Secteurs × communes"
    said = [c.value for c in at.caption if c.value.startswith("Aucune organisation comptée")]
    assert said == ["Aucune organisation comptée sur les communes avec ces filtres."]
    at = at_level(at, "adm2")  # cercles: the matrix, no such sentence
    assert not [c for c in at.caption if c.value.startswith("Aucune organisation comptée")]
    assert any("Total" in d.value.columns for d in at.dataframe)  # the matrix itself
