"""HTML export: bytes of the offline map file (``ngomap export --out map.html``) and what fills it.

Two cases: the embedded sample on the embedded regions, and, when ``../shared/data`` is
there, OCHA's real Mali 5W (March 2022) on COD-AB adm1+adm2+adm3 at commune level (the
issue's goal: ≤ 350 KB with the data). Each file is made by the library call the command
line makes (``export.formats.export(snapshot, "html")``) and taken apart: Leaflet inlined,
the TopoJSON geometry, the areas' properties, the rest (folium's page, legend, tooltip).
The baseline is a naive folium map of the same records and the same raw areas
(``views_bench.naive_folium_map``: ``folium.GeoJson`` of the raw geometry and a
``Popup`` of every actor per area), saved as folium saves it: it *links* Leaflet, jQuery
and Bootstrap from CDNs, so it does not open offline and its bytes count no library.

``python -m benchmarks.html_export_bench`` prints the table alone; ``python -m benchmarks
--only html`` runs it with the others.
"""

from __future__ import annotations

import re
import sys
import time
from typing import Any, Final

from benchmarks import generate
from benchmarks._runner import Row, markdown_table
from benchmarks.views_bench import naive_map
from ngomap import analysis as a
from ngomap import schema as s

GOAL_BYTES: Final = 350_000
MALI_5W: Final = "3w/mali-5w-mar2022/mali_5w_mar2022.xlsx"
_PARTS: Final = {
    "leaflet": re.compile(r"<style>.*?</script>", re.S),
    "geometry": re.compile(r"ngomapTopoFeatures\(\{\"type\":\"Topology\".*?\}, \"areas\"\)", re.S),
    "properties": re.compile(r"_props = \{.*?\};\n", re.S),
}


def parts(page: str) -> dict[str, int]:
    """Bytes of each part of an exported page (UTF-8), and the rest."""
    sizes = {}
    for name, pattern in _PARTS.items():
        found = pattern.search(page)
        sizes[f"{name}_bytes"] = len(found.group(0).encode("utf-8")) if found else 0
    sizes["rest_bytes"] = len(page.encode("utf-8")) - sum(sizes.values())
    return sizes


def _case(name: str, dataset: Any, boundaries: Any, level: str) -> Row:
    from ngomap.export import formats as ex

    snap = ex.Snapshot.of(dataset, boundaries, a.ViewOptions(level=level), "fr")
    start = time.perf_counter()
    page = ex.export(snap, "html").decode("utf-8")
    seconds = time.perf_counter() - start
    sectors = tuple(str(c) for c in dataset.records[s.SECTOR].dropna().unique())
    naive = naive_map(dataset.records, boundaries.level_areas(level), sectors)
    size = len(page.encode("utf-8"))
    return Row(
        group="html",
        name=f"offline HTML export, {name}",
        value=size,
        baseline=len(naive.encode("utf-8")),
        unit="bytes",
        baseline_name="naive folium, CDN links",
        goal="≤ 350 KB",
        goal_value=GOAL_BYTES,
        details={
            **parts(page),
            "areas": len(boundaries.level_areas(level)),
            "records": len(dataset.records),
            "export_s": seconds,
            "offline": "ngomap's file opens with no network; the naive one needs three CDNs",
        },
    )


def run(*, quick: bool = False) -> list[Row]:
    """The sample at region level; the real 5W at commune level when the data is there."""
    from ngomap.areas.files import load_boundaries
    from ngomap.importer.threew import import_dataset_areas, load_sample

    regions = load_boundaries(None)
    rows = [_case("regions (sample)", load_sample(regions), regions, regions.level)]
    root = generate.shared_data()
    if quick:
        rows.append(
            Row("html", "offline HTML export, communes (real 5W)", None, status="skipped (--quick)")
        )
        return rows
    paths = [root / name for name in generate.CODAB_FILES] if root is not None else []
    if root is None or not (root / MALI_5W).is_file() or not all(p.is_file() for p in paths):
        rows.append(
            Row(
                "html",
                "offline HTML export, communes (real 5W)",
                None,
                status="skipped (../shared/data absent)",
            )
        )
        return rows
    communes = load_boundaries(paths, level="adm3")
    dataset, used = import_dataset_areas(root / MALI_5W, boundaries=communes)
    rows.append(_case("communes (701), real Mali 5W, COD-AB adm1-3", dataset, used, "adm3"))
    return rows


def main() -> None:
    rows = run(quick="--quick" in sys.argv[1:])
    print(markdown_table(rows))
    for row in rows:
        if row.details:
            shown = {k: v for k, v in row.details.items() if k.endswith("_bytes")}
            print(f"{row.name}: {shown}")


if __name__ == "__main__":
    main()
