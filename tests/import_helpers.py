"""Boundaries for the import tests, built from the real files in ../shared/data.

Until the boundary-file reader reads OCHA COD-AB files, these small builders do it for the
tests: Mali from the COD-AB GeoJSON (three levels), and code-only boundaries (no geometry)
from a table of P-code pairs, enough to match codes and names.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ngomap import schema as s
from ngomap.areas.boundaries import ISO_CODE, LEVEL, NAME_EN, NAME_FR, PARENT, Boundaries
from ngomap.normalise import norm_pcode

MALI_CODAB = Path("boundaries/mali-codab-2021")


@cache
def mali_codab(shared_data: Path) -> Boundaries:
    """Mali's 10 regions, 53 cercles and 701 communes (OCHA COD-AB 2021)."""
    frames = []
    for level in (1, 2, 3):
        path = shared_data / MALI_CODAB / f"mli_admbnda_adm{level}_1m_gov_20211220.geojson"
        raw = gpd.read_file(path)
        french = raw[f"ADM{level}_FR"]
        ref = raw[f"ADM{level}_REF"].fillna("")
        frames.append(
            gpd.GeoDataFrame(
                {
                    s.AREA_CODE: raw[f"ADM{level}_PCODE"].map(norm_pcode),
                    LEVEL: f"adm{level}",
                    NAME_FR: french,
                    NAME_EN: ref.where(ref != "", french),
                    ISO_CODE: None,
                    PARENT: raw[f"ADM{level - 1}_PCODE"] if level > 1 else None,
                },
                geometry=raw.geometry,
                crs=raw.crs,
            )
        )
    areas = gpd.GeoDataFrame(pd.concat(frames), crs=frames[0].crs).set_index(s.AREA_CODE)
    return Boundaries(areas=areas, level="adm1", source="OCHA COD-AB Mali 2021")


def code_boundaries(
    table: pd.DataFrame, levels: dict[str, tuple[str, str]], source: str
) -> Boundaries:
    """Boundaries without geometry from P-code pairs: ``{"adm1": (code_col, name_col)}``."""
    rows = []
    previous: str | None = None
    for level, (code_col, name_col) in levels.items():
        for record in table[[code_col, name_col, *([previous] if previous else [])]].itertuples(
            index=False
        ):
            code, name, *parent = record
            rows.append(
                {
                    s.AREA_CODE: norm_pcode(code),
                    LEVEL: level,
                    NAME_FR: str(name).strip(),
                    NAME_EN: str(name).strip(),
                    ISO_CODE: None,
                    PARENT: norm_pcode(parent[0]) if parent else None,
                }
            )
        previous = code_col
    frame = pd.DataFrame(rows).drop_duplicates(s.AREA_CODE).set_index(s.AREA_CODE)
    areas = gpd.GeoDataFrame(frame, geometry=[None] * len(frame), crs=4326)
    return Boundaries(areas=areas, level=next(iter(levels)), source=source)
