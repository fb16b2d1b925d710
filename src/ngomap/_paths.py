"""Where ngomap's own data lives: the repository's data/ and geo/, or their copies in a wheel."""

from __future__ import annotations

from pathlib import Path
from typing import Final

_PACKAGE: Final = Path(__file__).resolve().parent
_REPO: Final = _PACKAGE.parents[1]


def _first_dir(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[-1]


DATA_DIR: Final = _first_dir(_PACKAGE / "_data", _REPO / "data")
GEO_DIR: Final = _first_dir(_PACKAGE / "_geo", _REPO / "geo")
VOCAB_DIR: Final = DATA_DIR / "vocab"
I18N_DIR: Final = DATA_DIR / "i18n"
SAMPLE_DIR: Final = DATA_DIR / "sample"
SAMPLE_FILE: Final = SAMPLE_DIR / "mali_ong_exemple.csv"
SAMPLE_METADATA: Final = SAMPLE_DIR / "metadata.toml"
EMBEDDED_REGIONS: Final = GEO_DIR / "mali_adm1_naturalearth.geojson"
EMBEDDED_CROSSWALK: Final = GEO_DIR / "mali_adm1_naturalearth.crosswalk.csv"
BASEMAP: Final = GEO_DIR / "basemap_naturalearth.geojson"
BASEMAP_WATER: Final = GEO_DIR / "basemap_water_naturalearth.geojson"
BASEMAP_TOWNS: Final = GEO_DIR / "basemap_towns_geonames.geojson"
APP_SCRIPT: Final = _REPO / "app.py" if (_REPO / "app.py").is_file() else _PACKAGE / "_app.py"
