"""Merging two organisations in Chromium: pick both by typing, see the preview, confirm, revert."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import _harness
import pytest
from playwright.sync_api import Page, expect

from ngomap.registry import db
from ngomap.registry import hand_edits as he
from ngomap.registry import organisations as orgs

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def own_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app on its own registry (a data folder of the test's)."""
    folder = tmp_path_factory.mktemp("registry")
    before = os.environ.get("NGOMAP_DATA_DIR")
    os.environ["NGOMAP_DATA_DIR"] = str(folder)
    try:
        server = _harness.start_app(folder / "streamlit.log")
    finally:
        if before is None:
            del os.environ["NGOMAP_DATA_DIR"]
        else:
            os.environ["NGOMAP_DATA_DIR"] = before
    try:
        yield server.url, folder
    finally:
        server.stop()


def _pick(page: Page, title: str, name: str) -> None:
    search = page.get_by_label(f"{title} : chercher un nom", exact=True)
    search.fill(name[:7])
    search.press("Enter")
    box = page.locator("[data-testid='stSelectbox']", has_text=title).first
    box.click()
    page.get_by_role("option", name=name, exact=True).click()


def test_merge_then_revert_in_the_browser(
    page: Page, watch: _harness.Watch, own_app: tuple[str, Path]
) -> None:
    url, folder = own_app
    _harness.open_app(page, url)
    engine = db.engine_for(f"sqlite:///{folder / 'registry.sqlite'}")
    names = he.organisations(engine)
    assert len(names) >= 2
    keep_id, gone_id = int(names["id"].iloc[0]), int(names["id"].iloc[1])
    keep, gone = orgs.get(engine, keep_id), orgs.get(engine, gone_id)
    label = {
        int(i): f"{n} ({a})" if a else str(n)
        for i, n, a in zip(names["id"], names["name"], names["acronym"], strict=True)
    }
    page.get_by_role("tab", name="Modifier").click()
    page.get_by_text("Fusionner deux organisations", exact=True).click()
    _pick(page, "Organisation à garder", label[keep_id])
    _pick(page, "Organisation à fusionner dedans", label[gone_id])
    expect(page.get_by_text("va rejoindre", exact=False).first).to_be_visible(timeout=60_000)
    page.get_by_role("button", name=f"Fusionner {gone['name']} dans {keep['name']}").click()
    expect(page.get_by_text("faite", exact=False).first).to_be_visible(timeout=60_000)
    assert orgs.get(engine, gone_id)["merged_into"] == keep_id
    assert orgs.find(engine, str(gone["name"])) == keep_id
    page.get_by_role("button", name="Annuler cette fusion", exact=False).click()
    expect(page.get_by_text("annulée", exact=False).first).to_be_visible(timeout=60_000)
    assert orgs.get(engine, gone_id)["merged_into"] is None
    assert orgs.find(engine, str(gone["name"])) == gone_id
    assert watch.dialogs == []
