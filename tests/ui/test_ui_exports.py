"""The page's "Exporter" panel: one download button per format, built only on a click.

The panel runs only while its expander is open (closed at first), and the print settings
chosen in it are kept while it is closed.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from ngomap.ui.exports import EXPORT_OPEN

APP = Path(__file__).resolve().parents[2] / "app.py"


def _labels(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def test_export_panel_offers_every_format_once_opened() -> None:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception
    assert "Exporter" in [e.label for e in at.expander]
    assert "PNG" not in _labels(at)  # closed: nothing of it is sent to the browser
    at.session_state[EXPORT_OPEN] = True
    at.run()
    assert not at.exception
    labels = _labels(at)
    for label in ("PNG", "PDF", "SVG", "HTML", "XLSX", "GeoJSON", "GeoPackage"):
        assert label in labels
    assert "Atlas PDF (une page par secteur)" in labels
    assert "CSV — Enregistrements" in labels
    assert "CSV — Secteurs par zone" in labels


def test_print_settings_are_kept_while_the_panel_is_closed() -> None:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state[EXPORT_OPEN] = True
    at.run()
    at.radio(key="export_paper").set_value("A3")
    at.radio(key="export_orientation").set_value("portrait")
    at.select_slider(key="export_dpi").set_value(300)
    at.run()
    at.session_state[EXPORT_OPEN] = False  # closed: its widgets are not drawn
    at.run()
    assert not at.exception
    assert "export_paper" not in [r.key for r in at.radio]
    at.session_state[EXPORT_OPEN] = True  # opened again
    at.run()
    assert not at.exception
    assert at.radio(key="export_paper").value == "A3"
    assert at.radio(key="export_orientation").value == "portrait"
    assert at.select_slider(key="export_dpi").value == 300
