"""One view spec: the registry of views, and one function that builds a view for the page,
the exports and the command line alike."""

from __future__ import annotations

import html
import os
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from ngomap import analysis as a
from ngomap import cli as cli_module
from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries, embedded_regions
from ngomap.cli import cli
from ngomap.export import formats as ex
from ngomap.i18n import LANGUAGES, labels, t
from ngomap.importer.threew import Dataset, import_dataset, load_sample
from ngomap.render.webinert import data_json
from ngomap.views import VIEWS, ViewSpec, build_view

APP = str(Path(__file__).resolve().parents[1] / "app.py")
runner = CliRunner()
CSV = (
    "Organisation,Secteur,Région,Début,Fin\n"
    "Educo,EDU,Mopti,2025-01-01,2025-12-31\n"
    "Plan,NUT,Gao,2025-01-01,2025-06-30\n"
    "Plan,EDU,Gao,2025-01-01,2025-06-30\n"
)


def _options(key: str, dataset: Dataset) -> a.ViewOptions:
    orgs = tuple(a.organisation_names(dataset.records))[:2]
    return a.ViewOptions(view=key, zone_orgs=orgs if VIEWS[key].needs_organisations else ())


def test_every_view_has_its_words_in_both_languages() -> None:
    assert list(VIEWS) == ["density", "overlap", "gaps", "zones", "changes", "freshness"]
    for key, spec in VIEWS.items():
        assert spec.key == key
        for lang in LANGUAGES:
            for label in (spec.label_key, spec.legend_key, spec.details_key):
                assert label in labels(lang), (key, lang, label)
            words = spec.headline(a.ViewOptions(view=key, zone_orgs=("k",)), lang, {"k": "Org"})
            assert words
            assert "{" not in words


@pytest.mark.parametrize("key", list(VIEWS))
def test_build_view_gives_table_classes_words_and_source_line(key: str) -> None:
    regions = embedded_regions()
    sample = load_sample(regions)
    options = _options(key, sample)
    records = sample.records
    if not VIEWS[key].available(records):  # freshness: the registry's confirmation dates
        records = records.assign(**{s.CONFIRMED: pd.Timestamp("2025-06-30")})
    view = build_view(
        records,
        regions,
        options,
        lang="en",
        data_source="Test data",
        data_updated=date(2026, 1, 31),
        today=date(2026, 11, 29),
    )
    assert sorted(str(c) for c in view.table[s.AREA_CODE]) == sorted(regions.codes("adm1"))
    values = [float(v) for v in view.table[a.VALUE] if v == v]
    assert values
    assert max(values) <= view.classes.bounds[-1][1]
    assert view.title.startswith(view.headline + " — ")
    assert view.subtitle == t("data_date", "en", date="2026-01-31")
    assert view.source_line.startswith("Sources: Test data;")
    assert "2026-11-29" in view.source_line
    assert view.labels.boundaries_credit == view.source_line
    assert view.spec is VIEWS[key]
    if VIEWS[key].details_words is not None:  # DETAILS in words, not codes or dicts
        assert all(isinstance(d, str) for d in view.table[a.DETAILS])


def test_unknown_view_is_refused_naming_the_known_ones() -> None:
    regions = embedded_regions()
    records = load_sample(regions).records
    with pytest.raises(ValueError, match="density"):
        build_view(records, regions, a.ViewOptions(view="nope"), lang="fr")
    result = runner.invoke(cli, ["export", "--view", "nope", "--out", "x.csv"])
    assert result.exit_code == 2
    assert "density, overlap, gaps, zones, changes" in result.output


def test_page_export_and_command_line_show_the_same_view(tmp_path: Path) -> None:
    regions = embedded_regions()
    sample = load_sample(regions)
    options = a.ViewOptions(view="overlap", min_overlap=2)
    view = build_view(
        sample.records,
        regions,
        options,
        lang="fr",
        data_source=sample.source("fr") or sample.title("fr"),
        data_updated=sample.updated,
    )
    out = tmp_path / "overlap.html"
    result = runner.invoke(cli, ["export", "--view", "overlap", "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    snap = ex.Snapshot.of(sample, regions, options, "fr")
    from_export = ex.export(snap, "html").decode("utf-8")
    for text in (view.title, view.subtitle, view.source_line):
        # as HTML (the title box) or as JSON text (the sources' note on the map)
        written = (html.escape(text), str(data_json(text)))
        assert any(w in page for w in written), text
        assert any(w in from_export for w in written), text

    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["view"] = "overlap"
    at.run()
    assert not at.exception
    assert view.title in [h.value for h in at.subheader]


def test_command_line_dates_a_csv_as_the_page_does(tmp_path: Path, regions: Boundaries) -> None:
    """The data's date is the last date its own columns give, never the file's modification
    time on disk (a copy's), on the command line as on the page."""
    path = tmp_path / "liste.csv"
    path.write_text(CSV, encoding="utf-8")
    old = date(2001, 5, 4)
    stamp = float((old - date(1970, 1, 1)).days * 86_400 + 43_200)  # noon, whatever the time zone
    os.utime(path, (stamp, stamp))
    out = tmp_path / "map.html"
    result = runner.invoke(cli, ["export", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    printed = out.read_text(encoding="utf-8")
    assert "2001-05-04" not in printed
    assert "2025-12-31" in html.unescape(printed)  # the data's last end date
    page = import_dataset(CSV.encode(), "liste.csv", boundaries=regions)  # what the page does
    assert page.updated == date(2025, 12, 31)
    snap = ex.Snapshot.of(page, regions, a.ViewOptions(), "fr")
    assert "2025-12-31" in ex.view_of(snap).subtitle
    undated = CSV.replace(",Début,Fin", "").replace(",2025-01-01,2025-12-31", "")
    undated = undated.replace(",2025-01-01,2025-06-30", "")
    none = import_dataset(undated.encode(), "liste.csv", boundaries=regions)
    assert none.updated is None
    assert ex.view_of(ex.Snapshot.of(none, regions, a.ViewOptions(), "fr")).subtitle == t(
        "data_date_unknown", "fr"
    )


def test_export_of_the_sample_imports_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []

    def counted(boundaries: Boundaries | None = None) -> Dataset:
        calls.append(boundaries)
        return load_sample(boundaries)

    monkeypatch.setattr(cli_module, "load_sample", counted)
    result = runner.invoke(cli, ["export", "--out", str(tmp_path / "map.html")])
    assert result.exit_code == 0, result.output
    assert len(calls) == 1


def test_a_fifth_view_is_one_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line and the exports take a view added to VIEWS, with nothing else."""
    spec = ViewSpec(
        key="everyone",
        table=VIEWS["density"].table,
        headline=lambda _options, lang, _orgs: "Tout le monde" if lang == "fr" else "Everyone",
    )
    monkeypatch.setitem(VIEWS, "everyone", spec)
    out = tmp_path / "everyone.html"
    result = runner.invoke(cli, ["export", "--view", "everyone", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Tout le monde — " in out.read_text(encoding="utf-8")
