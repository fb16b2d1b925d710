"""Deterministic benchmark inputs: Mali's boundaries, synthetic 3W records and real-shaped files.

Everything here is a pure function of its arguments and a seed (``numpy.random.default_rng``):
two runs, or two machines, measure the same data. Boundaries are OCHA's COD-AB for Mali
(10 regions, 53 cercles, 701 communes) when ``../shared/data`` is present, otherwise the
embedded Natural Earth regions split into synthetic cercles and communes of about the same
counts, so a fresh clone can still run ``python -m benchmarks --quick``.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ngomap import schema as s
from ngomap._paths import VOCAB_DIR
from ngomap.areas.boundaries import (
    ISO_CODE,
    LEVEL,
    LEVELS,
    NAME_EN,
    NAME_FR,
    PARENT,
    Boundaries,
    embedded_regions,
)

REPO: Final = Path(__file__).resolve().parents[1]
SEED: Final = 20240601
CODAB_FILES: Final = tuple(
    f"boundaries/mali-codab-2021/mli_admbnda_adm{n}_1m_gov_20211220.geojson" for n in (1, 2, 3)
)
# Synthetic split of the embedded regions when the real boundaries are absent:
# 9 regions x 6 = 54 cercles, x 13 = 702 communes (COD-AB: 53 and 701).
_CERCLES_PER_REGION: Final = 6
_COMMUNES_PER_CERCLE: Final = 13

# French headers, then the HXL row, as the embassy's and OCHA's sheets have them.
HEADERS: Final[tuple[tuple[str, str, str], ...]] = (
    ("Nom de l'organisation", "#org+name", s.ORG_NAME),
    ("Sigle", "#org+acronym", s.ORG_ACRONYM),
    ("Type d'organisation", "#org+type", s.ORG_TYPE),
    ("Mode de présence", "#org+presence", s.PRESENCE),
    ("Partenaire local", "#org+impl", s.PARTNER),
    ("Bailleur", "#org+funding", s.FUNDER),
    ("Secteur", "#sector", s.SECTOR_RAW),
    ("Région", "#adm1+name", s.ADM1_NAME),
    ("Code région", "#adm1+code", s.ADM1_CODE),
    ("Cercle", "#adm2+name", s.ADM2_NAME),
    ("Code cercle", "#adm2+code", s.ADM2_CODE),
    ("Commune", "#adm3+name", s.ADM3_NAME),
    ("Code commune", "#adm3+code", s.ADM3_CODE),
    ("Statut", "#status", s.STATUS),
    ("Début", "#date+start", s.START),
    ("Fin", "#date+end", s.END),
)

_PREFIXES: Final = (
    "Association",
    "ONG",
    "Fondation",
    "Comité",
    "Groupement",
    "Réseau",
    "Alliance",
    "Union",
    "Collectif",
    "Mouvement",
)
_WORDS: Final = (
    "Sahel",
    "Niger",
    "Fleuve",
    "Espoir",
    "Solidarité",
    "Développement",
    "Avenir",
    "Entraide",
    "Santé",
    "Éducation",
    "Femmes",
    "Jeunesse",
    "Paysans",
    "Eau",
    "Terre",
    "Paix",
    "Dignité",
    "Lumière",
    "Baobab",
    "Karité",
    "Djoliba",
    "Bani",
    "Dogon",
    "Mandé",
)
_QUALIFIERS: Final = (
    "pour Tous",
    "Sans Frontières",
    "du Sahel",
    "Mali",
    "International",
    "Nord",
    "Sud",
    "Durable",
    "Rurale",
    "Urbaine",
    "et Partage",
    "Action",
)
_FUNDERS: Final = ("AFD", "ECHO", "USAID", "UNICEF", "PAM", "Coopération suisse", "UE", "")
_STATUSES: Final = ("En cours", "Terminé", "Planifié")


def shared_data() -> Path | None:
    """../shared/data (or $NGOMAP_SHARED_DATA) when present, else None."""
    path = Path(os.environ.get("NGOMAP_SHARED_DATA", REPO.parent / "shared" / "data"))
    return path if path.is_dir() else None


@cache
def sector_codes() -> tuple[str, ...]:
    """The sector vocabulary's codes, in file order."""
    with (VOCAB_DIR / "sectors.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(row["code"] for row in csv.DictReader(handle))


@cache
def sector_labels_fr() -> dict[str, str]:
    """{code: French label}: what a planner types in the sector column."""
    with (VOCAB_DIR / "sectors.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["label_fr"] for row in csv.DictReader(handle)}


@cache
def _vocab_codes(name: str) -> tuple[tuple[str, str], ...]:
    with (VOCAB_DIR / name).open(encoding="utf-8", newline="") as handle:
        return tuple((row["code"], row["label_fr"]) for row in csv.DictReader(handle))


@dataclass(frozen=True)
class MaliBoundaries:
    """The boundaries benchmarks run on, and where they came from."""

    boundaries: Boundaries
    source: str  # "COD-AB 2021 (../shared/data)" or "synthetic split of ..."
    real: bool


def _split(geometry: shapely.Geometry, parts: int, axis: int) -> list[shapely.Geometry]:
    """``geometry`` cut into ``parts`` strips of equal width along x (0) or y (1)."""
    minx, miny, maxx, maxy = geometry.bounds
    pieces = []
    for i in range(parts):
        if axis == 0:
            step = (maxx - minx) / parts
            box = shapely.box(minx + i * step, miny, minx + (i + 1) * step, maxy)
        else:
            step = (maxy - miny) / parts
            box = shapely.box(minx, miny + i * step, maxx, miny + (i + 1) * step)
        piece = shapely.intersection(geometry, box)
        pieces.append(piece if not piece.is_empty else box)
    return pieces


@cache
def synthetic_boundaries() -> Boundaries:
    """The embedded regions, each cut into cercles, each cercle cut into communes."""
    regions = embedded_regions()
    rows: list[dict[str, object]] = []
    geoms: list[shapely.Geometry] = []
    for code, region in regions.areas.iterrows():
        rows.append(
            {
                s.AREA_CODE: code,
                LEVEL: "adm1",
                NAME_FR: region[NAME_FR],
                NAME_EN: region[NAME_EN],
                ISO_CODE: region[ISO_CODE],
                PARENT: None,
            }
        )
        geoms.append(region.geometry)
        for i, cercle in enumerate(_split(region.geometry, _CERCLES_PER_REGION, 0), start=1):
            cercle_code = f"{code}{i:02d}"
            name = f"{region[NAME_FR]} cercle {i}"
            rows.append(
                {
                    s.AREA_CODE: cercle_code,
                    LEVEL: "adm2",
                    NAME_FR: name,
                    NAME_EN: name,
                    ISO_CODE: None,
                    PARENT: code,
                }
            )
            geoms.append(cercle)
            for j, commune in enumerate(_split(cercle, _COMMUNES_PER_CERCLE, 1), start=1):
                commune_name = f"{name} commune {j}"
                rows.append(
                    {
                        s.AREA_CODE: f"{cercle_code}{j:02d}",
                        LEVEL: "adm3",
                        NAME_FR: commune_name,
                        NAME_EN: commune_name,
                        ISO_CODE: None,
                        PARENT: cercle_code,
                    }
                )
                geoms.append(commune)
    areas = gpd.GeoDataFrame(rows, geometry=geoms, crs=4326).set_index(s.AREA_CODE)
    return Boundaries(
        areas=areas,
        level="adm3",
        source="synthetic (Natural Earth regions cut in strips)",
        version="benchmarks",
    )


def _codab_boundaries(root: Path) -> Boundaries:
    """COD-AB adm1..adm3 through ngomap's loader, or built directly if the loader fails."""
    paths = [root / name for name in CODAB_FILES]
    try:
        from ngomap.areas.files import load_boundaries

        return load_boundaries(paths, level="adm3")
    except Exception:  # the loader is being completed by a colleague: fall back
        pass
    parts = []
    for n, path in enumerate(paths, start=1):
        frame = gpd.read_file(path)
        parent = frame[f"ADM{n - 1}_PCODE"] if n > 1 else None
        parts.append(
            gpd.GeoDataFrame(
                {
                    s.AREA_CODE: frame[f"ADM{n}_PCODE"].str.strip(),
                    LEVEL: f"adm{n}",
                    NAME_FR: frame[f"ADM{n}_FR"],
                    NAME_EN: frame[f"ADM{n}_FR"],
                    ISO_CODE: None,
                    PARENT: parent,
                },
                geometry=frame.geometry.make_valid(),
                crs=4326,
            )
        )
    areas = gpd.GeoDataFrame(pd.concat(parts), crs=4326).set_index(s.AREA_CODE)
    return Boundaries(areas=areas, level="adm3", source="COD-AB 2021", version="20211220")


@cache
def mali_boundaries(*, real: bool = True) -> MaliBoundaries:
    """Mali's boundaries at every level: COD-AB when ``real`` and ../shared/data is present."""
    root = shared_data()
    if real and root is not None and all((root / name).is_file() for name in CODAB_FILES):
        return MaliBoundaries(_codab_boundaries(root), "COD-AB 2021 (../shared/data)", True)
    return MaliBoundaries(synthetic_boundaries(), synthetic_boundaries().source, False)


def organisations(count: int, seed: int = SEED) -> pd.DataFrame:
    """``count`` distinct invented organisations: name, acronym, type, presence, funder."""
    rng = np.random.default_rng(seed)
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = " ".join(
            (
                _PREFIXES[rng.integers(len(_PREFIXES))],
                _WORDS[rng.integers(len(_WORDS))],
                _QUALIFIERS[rng.integers(len(_QUALIFIERS))],
            )
        )
        if name in seen:
            name = f"{name} {len(names) + 1}"
        seen.add(name)
        names.append(name)
    types = _vocab_codes("org_types.csv")
    presence = _vocab_codes("presence.csv")
    type_weights = np.array([30, 35, 8, 3, 6, 8, 4, 6], dtype=float)[: len(types)]
    type_idx = rng.choice(len(types), size=count, p=type_weights / type_weights.sum())
    presence_idx = rng.integers(len(presence), size=count)
    return pd.DataFrame(
        {
            s.ORG_NAME: names,
            s.ORG_ACRONYM: ["".join(w[0] for w in n.split()).upper() for n in names],
            s.ORG_TYPE: [types[i][0] for i in type_idx],
            "org_type_fr": [types[i][1] for i in type_idx],
            s.PRESENCE: [presence[i][0] for i in presence_idx],
            "presence_fr": [presence[i][1] for i in presence_idx],
            s.FUNDER: [_FUNDERS[i] for i in rng.integers(len(_FUNDERS), size=count)],
        }
    )


def organisation_count(n: int) -> int:
    """How many organisations a data set of ``n`` records holds (Mali 5W: a few hundred)."""
    return int(min(1_500, max(40, n // 60)))


def _weights(rng: np.random.Generator, size: int) -> np.ndarray:
    """Uneven popularity (a few organisations and areas get most records), summing to 1."""
    raw = rng.pareto(1.2, size=size) + 1.0
    weights: np.ndarray = raw / raw.sum()
    return weights


def synthetic_records(
    n: int,
    *,
    level: str = "adm3",
    boundaries: Boundaries | None = None,
    seed: int = SEED,
    coarser_share: float = 0.05,
    national_share: float = 0.01,
) -> pd.DataFrame:
    """``n`` canonical records (as ``read_3w`` returns them) on the areas of ``level``.

    Most records sit on an area of ``level``; ``coarser_share`` on its parent (area-wide
    records) and ``national_share`` nationwide. Organisations, sectors and areas are drawn
    with uneven popularity, the way real 3W data is skewed.
    """
    boundaries = boundaries or mali_boundaries().boundaries
    rng = np.random.default_rng(seed)
    orgs = organisations(organisation_count(n), seed)
    areas = boundaries.areas
    codes = np.array(boundaries.codes(level), dtype=object)
    org_i = rng.choice(len(orgs), size=n, p=_weights(rng, len(orgs)))
    sectors = np.array(sector_codes(), dtype=object)
    sector_i = rng.choice(len(sectors), size=n, p=_weights(rng, len(sectors)))
    area = codes[rng.choice(len(codes), size=n, p=_weights(rng, len(codes)))]
    kind = rng.random(n)
    national = kind < national_share
    coarser = ~national & (kind < national_share + coarser_share) & (level != "adm1")
    parents = areas[PARENT].to_dict()
    area = area.copy()
    area[coarser] = [parents[c] for c in area[coarser]]
    area_code = pd.Series(area, dtype=object)
    area_code[national] = None
    level_of = areas[LEVEL].to_dict()
    area_level = area_code.map(level_of)
    start = np.datetime64(date(2019, 1, 1)) + rng.integers(0, 5 * 365, size=n).astype(
        "timedelta64[D]"
    )
    end = start + rng.integers(90, 3 * 365, size=n).astype("timedelta64[D]")
    return pd.DataFrame(
        {
            s.ORG_NAME: orgs[s.ORG_NAME].to_numpy()[org_i],
            s.ORG_ACRONYM: orgs[s.ORG_ACRONYM].to_numpy()[org_i],
            s.ORG_TYPE: orgs[s.ORG_TYPE].to_numpy()[org_i],
            s.PRESENCE: orgs[s.PRESENCE].to_numpy()[org_i],
            s.PARTNER: "",
            s.FUNDER: orgs[s.FUNDER].to_numpy()[org_i],
            s.SECTOR: sectors[sector_i],
            s.STATUS: np.array(_STATUSES, dtype=object)[rng.integers(3, size=n)],
            s.START: np.datetime_as_string(start, unit="D"),
            s.END: np.datetime_as_string(end, unit="D"),
            s.ROW: np.arange(3, n + 3),
            s.ORG_KEY: orgs[s.ORG_NAME].str.casefold().to_numpy()[org_i],
            s.SECTOR_RAW: pd.Series(sectors[sector_i]).map(sector_labels_fr()).to_numpy(),
            s.AREA_CODE: area_code,
            s.AREA_LEVEL: area_level,
            s.AREA_RULE: np.where(national, "national", "exact"),
            s.NATIONAL: national,
            s.SOURCE: "synthetic.xlsx",
        }
    )


def _rows_for_file(n: int, boundaries: Boundaries, seed: int) -> pd.DataFrame:
    """A 3W sheet's body: French labels, names and P-codes of every level down to the area."""
    records = synthetic_records(n, level=boundaries.levels[-1], boundaries=boundaries, seed=seed)
    orgs = organisations(organisation_count(n), seed).set_index(s.ORG_NAME)
    areas = boundaries.areas
    names = areas[NAME_FR].to_dict()
    parents = areas[PARENT].to_dict()
    levels = areas[LEVEL].to_dict()
    chains: dict[object, dict[str, str]] = {}
    for code in records[s.AREA_CODE].dropna().unique():
        chain: dict[str, str] = {}
        current: object = code
        while isinstance(current, str) and current:
            chain[str(levels[current])] = current
            current = parents.get(current)
        chains[code] = chain
    codes = records[s.AREA_CODE]
    columns = {
        f"{level}_code": codes.map(
            {code: chain[level] for code, chain in chains.items() if level in chain}
        ).fillna("")
        for level in LEVELS
    }
    out = pd.DataFrame(
        {
            s.ORG_NAME: records[s.ORG_NAME],
            s.ORG_ACRONYM: records[s.ORG_ACRONYM],
            s.ORG_TYPE: records[s.ORG_NAME].map(orgs["org_type_fr"]),
            s.PRESENCE: records[s.ORG_NAME].map(orgs["presence_fr"]),
            s.PARTNER: records[s.PARTNER],
            s.FUNDER: records[s.FUNDER],
            s.SECTOR_RAW: records[s.SECTOR_RAW],
            s.STATUS: records[s.STATUS],
            s.START: records[s.START],
            s.END: records[s.END],
        }
    )
    for field, values in columns.items():
        out[field] = values.to_numpy()
        out[field.replace("_code", "_name")] = values.map(names).fillna("").to_numpy()
    national = records[s.NATIONAL].to_numpy()
    out.loc[national, s.ADM1_NAME] = "Tout le Mali"
    return out[[field for _, _, field in HEADERS]]


def sheet_3w(n: int, *, boundaries: Boundaries | None = None, seed: int = SEED) -> pd.DataFrame:
    """A real-shaped 3W sheet of ``n`` rows as a frame: the HXL row first, French headers."""
    boundaries = boundaries or mali_boundaries().boundaries
    body = _rows_for_file(n, boundaries, seed)
    hxl = pd.DataFrame([[tag for _, tag, _ in HEADERS]], columns=body.columns)
    sheet = pd.concat([hxl, body], ignore_index=True)
    sheet.columns = [header for header, _, _ in HEADERS]
    return sheet


def write_3w_csv(
    path: Path, n: int, *, boundaries: Boundaries | None = None, seed: int = SEED
) -> Path:
    """A UTF-8 CSV 3W file of ``n`` rows (French headers, then the HXL row)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet_3w(n, boundaries=boundaries, seed=seed).to_csv(path, index=False, encoding="utf-8")
    return path


def write_3w_xlsx(
    path: Path, n: int, *, boundaries: Boundaries | None = None, seed: int = SEED
) -> Path:
    """An XLSX 3W workbook of ``n`` rows, one sheet "3W" (French headers, then the HXL row)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet = sheet_3w(n, boundaries=boundaries, seed=seed)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        sheet.to_excel(writer, sheet_name="3W", index=False)
    return path


def cached_file(kind: str, n: int, folder: Path, *, seed: int = SEED) -> Path:
    """A generated 3W file (``kind`` "csv" or "xlsx") in ``folder``, written once per seed."""
    real = "codab" if mali_boundaries().real else "synthetic"
    path = folder / f"ngomap_3w_{n}_{real}_{seed}.{kind}"
    if not path.is_file():
        writer = write_3w_csv if kind == "csv" else write_3w_xlsx
        tmp = path.with_suffix(f".tmp.{kind}")
        writer(tmp, n, seed=seed)
        tmp.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.generate --rows N --out FILE.csv|FILE.xlsx``: a 3W file to try."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=main.__doc__)
    parser.add_argument("--rows", type=int, default=25_000)
    parser.add_argument("--out", type=Path, required=True, help="a .csv or .xlsx path")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--synthetic", action="store_true", help="ignore ../shared/data")
    args = parser.parse_args(argv)
    mali = mali_boundaries(real=not args.synthetic)
    writer = write_3w_xlsx if args.out.suffix.lower() == ".xlsx" else write_3w_csv
    writer(args.out, args.rows, boundaries=mali.boundaries, seed=args.seed)
    print(f"{args.out}: {args.rows} rows on {mali.source}")
    return 0


__all__ = [
    "HEADERS",
    "SEED",
    "MaliBoundaries",
    "cached_file",
    "mali_boundaries",
    "organisation_count",
    "organisations",
    "sector_codes",
    "shared_data",
    "sheet_3w",
    "synthetic_boundaries",
    "synthetic_records",
    "write_3w_csv",
    "write_3w_xlsx",
]

if __name__ == "__main__":
    raise SystemExit(main())
