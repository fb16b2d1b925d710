"""Nothing stale: a corrected file uploaded under the same name shows, with the same filters.

The page caches views under content fingerprints (dataset, boundaries, population), never
under an object's address or a file's name.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from helpers import open_tables
from streamlit.testing.v1 import AppTest

from ngomap.areas.boundaries import embedded_regions
from ngomap.areas.population import Population
from ngomap.importer.threew import import_dataset

APP = str(Path(__file__).resolve().parents[2] / "app.py")

FIRST = b"Organisation;Secteur;Region\nEduco;Education;Mopti\nPlan;Education;Mopti\n"
# The corrected file: Plan works in Kayes, not Mopti; Oxfam joins in Mopti.
SECOND = b"Organisation;Secteur;Region\nEduco;Education;Mopti\nPlan;Education;Kayes\nOxfam;Education;Mopti\n"  # noqa: E501


def view_rows(at: AppTest) -> dict[str, str]:
    """{area: organisations} of the view's table under the map (opened)."""
    open_tables(at).run()
    table = next(d.value for d in at.dataframe if "Organisations" in d.value.columns)
    assert isinstance(table, pd.DataFrame)
    shown = table.loc[table["Organisations"] > 0]  # the count; the names are "Noms"
    return dict(zip(shown.iloc[:, 0], shown["Noms"], strict=True))


def test_a_changed_file_with_the_same_name_shows_its_own_map() -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    at.file_uploader(key="upload_file_0").set_value(("partenaires.csv", FIRST, "text/csv")).run()
    assert not at.exception, at.exception
    at.multiselect(key="sectors").set_value(["EDU"]).run()  # a filter the user keeps
    assert view_rows(at) == {"Mopti": "Educo, Plan"}
    at.file_uploader(key="upload_file_0").set_value(("partenaires.csv", SECOND, "text/csv")).run()
    assert not at.exception, at.exception
    assert at.multiselect(key="sectors").value == ["EDU"]
    assert view_rows(at) == {"Mopti": "Educo, Oxfam", "Kayes": "Plan"}


def test_fingerprints_follow_content_not_identity() -> None:
    regions = embedded_regions()
    one = import_dataset(FIRST, "a.csv", boundaries=regions)
    same = import_dataset(FIRST, "a.csv", boundaries=regions)
    other = import_dataset(SECOND, "a.csv", boundaries=regions)
    assert one is not same
    assert one.fingerprint == same.fingerprint  # the records are the same
    assert one.fingerprint != other.fingerprint  # same name, other content
    assert len(one.fingerprint) == 32
    assert (
        regions.fingerprint
        != regions.__class__(
            areas=regions.areas.iloc[:-1], level=regions.level, source=regions.source
        ).fingerprint
    )
    assert Population({"ML01": 1.0}).fingerprint == Population({"ML01": 1.0}).fingerprint
    assert Population({"ML01": 1.0}).fingerprint != Population({"ML01": 2.0}).fingerprint
