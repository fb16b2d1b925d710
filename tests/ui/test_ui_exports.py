"""The page's "Exporter" panel: one download button per format, built only on a click."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"


def test_export_panel_offers_every_format() -> None:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception
    assert "Exporter" in [e.label for e in at.expander]
    labels = [b.proto.label for b in at.get("download_button")]
    for label in ("PNG", "PDF", "SVG", "HTML", "XLSX", "GeoJSON", "GeoPackage"):
        assert label in labels
    assert "Atlas PDF (une page par secteur)" in labels
    assert "CSV — Enregistrements" in labels
    assert "CSV — Secteurs par zone" in labels
