"""Boundary files in: GeoJSON, GeoPackage, zipped Shapefile, TopoJSON, at one or more levels."""

from __future__ import annotations

from pathlib import Path

from ngomap.boundaries import Boundaries, embedded_regions
from ngomap.errors import BoundaryError


def load_boundaries(path: Path | None = None, *, level: str | None = None) -> Boundaries:
    """The boundaries in ``path`` at ``level``, or the embedded regions when ``path`` is None."""
    if path is None:
        regions = embedded_regions()
        if level not in (None, regions.level):
            raise BoundaryError(
                f"The embedded boundaries only have regions (adm1), not {level}: "
                "give a boundary file with --boundaries.",
                f"Les limites intégrées n'ont que les régions (adm1), pas {level} : "
                "donnez un fichier de limites avec --boundaries.",
            )
        return regions
    raise BoundaryError(
        f"{path.name}: reading boundary files is not available yet.",
        f"{path.name} : la lecture de fichiers de limites n'est pas encore disponible.",
    )
