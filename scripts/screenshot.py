"""Save a screenshot of the page: the map of Mali drawn offline, one region's tooltip shown.

    .venv/bin/python scripts/screenshot.py [--out docs/screenshot.png]

Starts the app on a free local port and drives Debian's Chromium ($NGOMAP_CHROMIUM, else
/usr/bin/chromium) exactly as the browser tests do (tests/browser/_harness.py); requests off
127.0.0.1 (map tiles) are blocked, so the picture is the same with or without internet.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

import _harness  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO / "docs" / "screenshot.png",
        help="where to write the PNG (default: docs/screenshot.png)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ngomap-screenshot-") as tmp:
        try:
            out = _harness.screenshot_app(args.out, Path(tmp) / "streamlit.log")
        except _harness.SetupError as error:
            print(f"screenshot: {error}", file=sys.stderr)
            return 1
    print(f"wrote {out} ({out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
