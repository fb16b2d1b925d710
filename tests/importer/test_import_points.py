"""Records with latitude/longitude and no area are placed by point in polygon."""

from pathlib import Path

from ngomap import schema as s
from ngomap.areas.boundaries import Boundaries
from ngomap.importer.threew import read_3w


def test_points_find_their_region_and_points_outside_are_reported(
    tmp_path: Path, regions: Boundaries
) -> None:
    path = tmp_path / "points.csv"
    path.write_text(
        "Organisation,Secteur,Région,Latitude,Longitude\n"
        "Puits Bleus,Santé,,14.49,-4.19\n"  # Mopti
        "Puits Bleus,Éducation,,12.64,-8.00\n"  # Bamako
        "Karité,Santé,,48.85,2.35\n"  # Paris: outside Mali
        "Karité,Éducation,,abc,-4\n"  # not a number
        "Dunes,Santé,Gao,14.49,-4.19\n",  # the region written wins over the point
        encoding="utf-8",
    )
    records, report = read_3w(path, boundaries=regions)
    assert report.rows_read == 5
    assert (report.rows_kept, report.rows_rejected) == (3, 2)
    placed = records.set_index(s.ROW)
    assert placed.loc[2, s.AREA_CODE] == "ML05"
    assert placed.loc[3, s.AREA_CODE] == "ML09"
    assert placed.loc[2, s.AREA_RULE] == "point"
    assert placed.loc[6, s.AREA_CODE] == "ML07"
    kinds = {p.kind: p for p in report.problems}
    assert kinds["point.outside"].row == 4
    assert kinds["point.invalid"].row == 5
    assert "area.missing" not in kinds or 2 not in kinds["area.missing"].rows
