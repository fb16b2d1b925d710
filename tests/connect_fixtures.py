"""Tiny boundaries and records for the tests of who to meet, introductions and briefs."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from helpers import make_records
from shapely.geometry import box

from ngomap import schema as s
from ngomap.areas.boundaries import ISO_CODE, LEVEL, NAME_EN, NAME_FR, PARENT, Boundaries

SLIVER = 0.00005  # degrees: less than connect.NEIGHBOUR_TOLERANCE


def strip() -> Boundaries:
    """Regions and cercles in a row, west to east.

    R1 = C1 [0, 1] + C2 [1, 2]; R2 = C3 [2, 3]; R3 = C4, a sliver east of C3 (neighbours
    all the same); R4 = C5, far away (nobody's neighbour).
    """
    rows = [
        ("R1", "adm1", None, box(0, 0, 2, 1)),
        ("R2", "adm1", None, box(2, 0, 3, 1)),
        ("R3", "adm1", None, box(3 + SLIVER, 0, 4, 1)),
        ("R4", "adm1", None, box(5, 0, 6, 1)),
        ("C1", "adm2", "R1", box(0, 0, 1, 1)),
        ("C2", "adm2", "R1", box(1, 0, 2, 1)),
        ("C3", "adm2", "R2", box(2, 0, 3, 1)),
        ("C4", "adm2", "R3", box(3 + SLIVER, 0, 4, 1)),
        ("C5", "adm2", "R4", box(5, 0, 6, 1)),
    ]
    areas = gpd.GeoDataFrame(
        {
            s.AREA_CODE: [r[0] for r in rows],
            LEVEL: [r[1] for r in rows],
            NAME_FR: [f"Zone {r[0]}" for r in rows],
            NAME_EN: [f"Area {r[0]}" for r in rows],
            ISO_CODE: None,
            PARENT: [r[2] for r in rows],
        },
        geometry=[r[3] for r in rows],
        crs=4326,
    ).set_index(s.AREA_CODE)
    return Boundaries(areas=areas, level="adm2", source="Test boundaries", version="v1")


def row(name: str, sector: str, area: str | None = None, **extra: object) -> dict[str, object]:
    found: dict[str, object] = {s.ORG_NAME: name, s.SECTOR: sector, s.AREA_CODE: area}
    found.update({getattr(s, k.upper()): v for k, v in extra.items()})
    return found


def people() -> pd.DataFrame:
    """Focal (the focus) and the organisations around it; expected scores in comments."""
    rows = [
        row("Focal", "HEA", "C1", partner="Asso Locale", funder="AFD; Fonds propres"),
        row("Focal", "WSH", "C2", partner="Asso Locale", funder="AFD"),
        # Gamma 20: health in C1 and water in C2, like Focal.
        row("Gamma", "HEA", "C1"),
        row("Gamma", "WSH", "C2"),
        # Cèdre 14: health for the whole region R1 (so in C1), and Focal's partner.
        row("Cèdre", "HEA", "R1", partner="asso locale ; Autre"),
        # Acacia 13: health in C1; Focal's funder spelled otherwise.
        row("Acacia", "HEA", "C1", funder=" afd "),
        # Baobab 7: nutrition next to Focal's health in C1; water in C3, next to C2.
        row("Baobab", "NUT", "C1"),
        row("Baobab", "WSH", "C3"),
        # Three at 5, listed by name: complementary sectors in Focal's areas.
        row("Jade", "HEA", "C2"),  # next to water in C2 (and same sector next door: less)
        row("Hirondelle", "NUT", "C1"),
        row("Hirondelle", "WSH", "C5"),  # far away: nothing
        row("Ara", "NUT", "C2"),
        # Dune 1: health nationwide.
        row("Dune", "HEA", national=True),
        # Epi 0: education in C1 (not complementary), "own funds" shared: not a funder.
        row("Epi", "EDU", "C1", funder="Fonds propres"),
    ]
    frame = make_records(rows)
    return frame.fillna({s.PARTNER: "", s.FUNDER: ""})
