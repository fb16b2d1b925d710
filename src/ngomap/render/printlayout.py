"""What a print map is asked for: paper, orientation, resolution, formats and its words.

Kept apart from ``staticmap`` (which draws with matplotlib) so that the page can offer the
choices without importing matplotlib: it is imported when a map is drawn, on click.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

PAPERS_MM: Final[dict[str, tuple[float, float]]] = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
ORIENTATIONS: Final = ("landscape", "portrait")
FORMATS: Final = ("png", "pdf", "svg")
MM: Final = 1 / 25.4  # inches per millimetre


@dataclass(frozen=True)
class PrintLayout:
    """Paper, orientation, resolution (for PNG), whether to label areas and draw the basemap."""

    paper: str = "A4"
    orientation: str = "landscape"
    dpi: int = 150
    labels: bool = True
    basemap: bool = True  # sea, neighbours, rivers, lakes and towns around the areas

    def __post_init__(self) -> None:
        if self.paper not in PAPERS_MM:
            raise ValueError(f"unknown paper {self.paper!r}; choose one of {tuple(PAPERS_MM)}")
        if self.orientation not in ORIENTATIONS:
            raise ValueError(f"unknown orientation {self.orientation!r}; use {ORIENTATIONS}")
        if not 30 <= self.dpi <= 1200:
            raise ValueError(f"dpi {self.dpi} is out of range (30 to 1200)")

    @property
    def size_mm(self) -> tuple[float, float]:
        """(width, height) of the page in millimetres."""
        long, short = PAPERS_MM[self.paper]
        return (long, short) if self.orientation == "landscape" else (short, long)

    @property
    def size_px(self) -> tuple[int, int]:
        """(width, height) of a PNG of the page, in pixels."""
        width, height = self.size_mm
        return int(width * MM * self.dpi), int(height * MM * self.dpi)  # as matplotlib does


@dataclass(frozen=True)
class PrintText:
    """Every word on the page, already in the page's language."""

    title: str
    subtitle: str
    legend_title: str
    zero: str
    no_data: str
    source_line: str
    disclaimer: str
    scale_unit: str = "km"
    north: str = "N"
    lang: str = "fr"  # the basemap's town names
