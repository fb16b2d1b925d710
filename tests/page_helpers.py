"""What the page tests of the registry share: the app's path."""

from __future__ import annotations

from pathlib import Path

APP = str(Path(__file__).resolve().parents[1] / "app.py")
