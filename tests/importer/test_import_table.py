"""The page reads a file once: importing the read table gives what importing the bytes gives."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ngomap.areas.boundaries import Boundaries
from ngomap.areas.files import load_boundaries
from ngomap.errors import InputFileError
from ngomap.importer.options import ImportOptions
from ngomap.importer.threew import import_dataset_areas, import_table, read_table, remap

CSV = (
    "Nom Organisation;Cluster;Région *;Acteur local\n"
    "Médecins du Monde;Santé;Ségou;AMPRODE\n"
    "Educo;Éducation;Mopti;\n"
    "Educo;Éducation;Mopti;\n"
    "Plan;EHA;Kays;\n"
).encode()
MALI_5W = "3w/mali-5w-mar2022/mali_5w_mar2022.xlsx"
CODAB = "boundaries/mali-codab-2021/mli_admbnda_adm{n}_1m_gov_20211220.geojson"


def _same(data: bytes, name: str, options: ImportOptions) -> None:
    expected, expected_used = import_dataset_areas(data, name, options=options)
    dataset, used = import_table(read_table(data, name), name, options=options)
    pd.testing.assert_frame_equal(dataset.records, expected.records)
    assert dataset.report == expected.report  # every count, problem and row number
    assert (dataset.titles, dataset.sources, dataset.updated) == (
        expected.titles,
        expected.sources,
        expected.updated,
    )
    if options.boundaries is not None:
        assert used is None  # the caller's own: they do not travel back from a worker
    else:
        assert used is not None
        assert used.fingerprint == expected_used.fingerprint


def test_a_small_file_with_a_hand_made_column() -> None:
    options = ImportOptions(column_map={"Acteur local": "partner"}, accept_suggestions=True)
    _same(CSV, "liste.csv", options)
    _same(CSV, "liste.csv", ImportOptions())


def test_remap_is_reading_again_with_the_mapping() -> None:
    table = read_table(CSV, "liste.csv")
    assert "Acteur local" in table.unmapped
    again = read_table(CSV, "liste.csv", column_map={"Acteur local": "partner"})
    mapped = remap(table, {"Acteur local": "partner"}, name="liste.csv")
    assert (mapped.mapping, mapped.unmapped) == (again.mapping, again.unmapped)
    assert table.mapping != mapped.mapping  # the table read first is left as it was
    with pytest.raises(InputFileError, match="not a field"):
        remap(table, {"Acteur local": "partenaires"}, name="liste.csv")


@pytest.mark.shared_data
def test_the_real_mali_5w_on_codab(shared_data: Path) -> None:
    boundaries: Boundaries = load_boundaries(
        [shared_data / CODAB.format(n=n) for n in (1, 2, 3)], level="adm3"
    )
    data = (shared_data / MALI_5W).read_bytes()
    _same(data, "mali_5w_mar2022.xlsx", ImportOptions(boundaries=boundaries))
