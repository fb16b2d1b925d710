"""Lists as people keep them: several zones or sectors in one cell, one presence each."""

from __future__ import annotations

from pathlib import Path

from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.importer.threew import read_3w


def test_a_cell_listing_zones_or_sectors_gives_one_presence_each(
    tmp_path: Path, regions: Boundaries
) -> None:
    path = tmp_path / "liste.csv"
    path.write_text(
        "Organisation,Secteur,Région\n"
        'Puits Bleus,EHA,"Mopti, Ségou; Tombouctou"\n'
        "Karité,Santé/Nutrition,Kayes et Koulikoro\n"
        'Dunes,"Eau, hygiène et assainissement",District de Bamako\n'
        'Sable,EDU,"Mopti, Atlantide"\n',
        encoding="utf-8",
    )
    records, report = read_3w(path, boundaries=regions)
    assert report.rows_read == 4
    assert (report.rows_kept, report.rows_duplicate, report.rows_rejected) == (3, 0, 1)
    assert report.presences == 3 + 4 + 1
    cells = set(zip(records[s.ORG_NAME], records[s.SECTOR], records[s.AREA_CODE], strict=True))
    assert cells == {
        ("Puits Bleus", "WSH", "ML05"),
        ("Puits Bleus", "WSH", "ML04"),
        ("Puits Bleus", "WSH", "ML06"),
        ("Karité", "HEA", "ML01"),
        ("Karité", "NUT", "ML01"),
        ("Karité", "HEA", "ML02"),
        ("Karité", "NUT", "ML02"),
        ("Dunes", "WSH", "ML09"),  # one sector whose name holds a comma and "et"
    }
    assert set(records.loc[records[s.ORG_NAME] == "Karité", s.ROW]) == {3}
    listed = {p.value: p for p in report.by_kind("row.list")}
    assert set(listed) == {"Mopti, Ségou; Tombouctou", "Kayes et Koulikoro", "Santé/Nutrition"}
    assert listed["Mopti, Ségou; Tombouctou"].rows == (2,)
    assert "3 zones" in listed["Mopti, Ségou; Tombouctou"].message_en
    # A part that is no area: the cell is not a list, the row is reported as it is.
    assert any(p.value == "Mopti, Atlantide" for p in report.problems if p.severity == "error")


def test_exact_copies_and_rows_merged_are_counted_apart(
    tmp_path: Path, regions: Boundaries
) -> None:
    path = tmp_path / "3w.csv"
    path.write_text(
        "Organisation,Secteur,Région,Activité\n"
        "Educo,EDU,Mopti,Cantines\n"
        "Educo,EDU,Mopti,Cantines\n"  # an exact copy
        "EDUCO,Éducation,MOPTI,Cantines\n"  # the same presence, written otherwise
        "Educo,EDU,Mopti,Kits\n"  # another activity, same presence: merged
        "Plan,EHA,Gao,Puits\n",
        encoding="utf-8",
    )
    _records, report = read_3w(path, boundaries=regions)
    assert (report.rows_read, report.rows_kept, report.rows_rejected) == (5, 2, 0)
    assert report.rows_duplicate == 3
    assert (report.rows_copies, report.rows_merged) == (1, 2)
    assert report.presences == 2
    from ngomap.importer.report import rows_sentence

    assert rows_sentence(report, "en") == (
        "5 rows read: 1 exact copies, 2 merged (same organisation, sector and area), 0 left "
        "out; 2 kept, 2 presences, 2 organisations."
    )
