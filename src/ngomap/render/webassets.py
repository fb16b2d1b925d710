"""Leaflet served from the xstatic-leaflet package, never from a CDN: maps draw offline."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import xstatic.pkg.leaflet as xleaflet

LEAFLET_DIR: Final = Path(xleaflet.BASE_DIR)
LEAFLET_VERSION: Final = str(xleaflet.VERSION)
STATIC_SUBDIR: Final = f"vendor/leaflet-{LEAFLET_VERSION}"
# Where Streamlit serves the app's static/ folder (server.enableStaticServing).
STREAMLIT_STATIC_URL: Final = "/app/static"


@dataclass(frozen=True)
class Assets:
    """The URLs a map page loads its scripts and style sheets from."""

    js: tuple[tuple[str, str], ...]
    css: tuple[tuple[str, str], ...]


def local_assets(base_url: str = STREAMLIT_STATIC_URL) -> Assets:
    """Leaflet's URLs under ``base_url`` once ``install_static`` has copied it there."""
    root = f"{base_url.rstrip('/')}/{STATIC_SUBDIR}"
    return Assets(
        js=(("leaflet", f"{root}/leaflet.js"),),
        css=(("leaflet_css", f"{root}/leaflet.css"),),
    )


def install_static(static_dir: Path) -> Path:
    """Copy Leaflet from its Python package into ``static_dir`` (once per version)."""
    target = static_dir / STATIC_SUBDIR
    if not (target / "leaflet.js").is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(
            LEAFLET_DIR, tmp, ignore=shutil.ignore_patterns("*.map", "*-src*", "*.esm.js")
        )
        tmp.replace(target)
    return target


NO_ASSETS: Final = Assets(js=(), css=())


@cache
def inline_leaflet() -> str:
    """Leaflet's style sheet and script as HTML ``<style>`` and ``<script>`` elements.

    For one HTML file that opens with no network at all. The minified script goes in as
    text (a base64 ``data:`` URL would weigh a third more), without its source-map comment;
    the style sheet without comments and indentation. Neither may hold what would end its
    element early (``</script``, ``</style``, ``<!--``): checked, for any future version.
    """
    js = (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", js)
    css = (LEAFLET_DIR / "leaflet.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"\s*\n\s*", "\n", css).strip()
    if re.search(r"</script|<!--", js, re.I) or re.search(r"</style|<!--", css, re.I):
        msg = f"Leaflet {LEAFLET_VERSION} cannot be inlined: it would close its element"
        raise ValueError(msg)
    return f"<style>{css}</style>\n<script>{js}</script>\n"
