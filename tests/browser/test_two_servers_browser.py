"""Two app servers on one registry: a round applied on one is shown by the other after a reload.

Two ``streamlit run app.py`` processes on 127.0.0.1 share one database (an SQLite file,
then a throwaway PostgreSQL + PostGIS cluster), as a team behind a proxy would: each
process caches the registry under its newest changeset, which it reads on every run.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import _harness
import pytest
from playwright.sync_api import Browser, Page, expect

from ngomap.registry import throwaway
from ngomap.registry.db import RegistryError
from ngomap.registry.setup import init

pytestmark = pytest.mark.browser

TESTS = str(Path(__file__).resolve().parents[1])
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)
from ui.test_app_rounds import changed_sample  # noqa: E402

WAIT_MS = 90_000


@pytest.fixture(scope="module")
def postgres() -> Iterator[throwaway.Cluster]:
    try:
        with throwaway.cluster() as running:
            yield running
    except RegistryError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(str(exc))
        pytest.skip(str(exc))


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """One registry, made (with the sample) before either server starts."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    else:
        cluster: throwaway.Cluster = request.getfixturevalue("postgres")
        url = cluster.new_database()
    init(url)
    return url


@pytest.fixture
def two_servers(shared_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    env = {"NGOMAP_DATABASE_URL": shared_url, "NGOMAP_DATA_DIR": str(tmp_path / "data")}
    first = _harness.start_app(tmp_path / "first.log", env=env)
    try:
        second = _harness.start_app(tmp_path / "second.log", env=env)
        try:
            yield first.url, second.url
        finally:
            second.stop()
    finally:
        first.stop()


def _apply_round(page: Page, upload: Path) -> None:
    """Upload a 3W in the sidebar and apply it as a round from the import tab."""
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Fichier CSV ou Excel")
    uploader.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_role("tab", name="Import : q4.csv").click()
    apply = page.get_by_role("button", name="Appliquer ce round")
    apply.wait_for(timeout=WAIT_MS)
    apply.click()
    expect(page.get_by_text("Tour R2 appliqué", exact=False)).to_be_visible(timeout=WAIT_MS)


def test_a_round_applied_on_one_server_is_shown_by_the_other(
    browser: Browser, two_servers: tuple[str, str], tmp_path: Path
) -> None:
    first_url, second_url = two_servers
    context, watch = _harness.new_context(browser)
    try:
        one, other = context.new_page(), context.new_page()
        _harness.open_app(other, second_url)
        expect(other.get_by_text("rempli avec les données d'exemple", exact=False)).to_be_visible(
            timeout=WAIT_MS
        )
        _harness.open_app(one, first_url)
        upload = tmp_path / "q4.csv"
        upload.write_bytes(changed_sample())
        _apply_round(one, upload)
        one.get_by_role("tab", name="Carte").click()
        expect(one.get_by_text("dernier tour : q4.csv", exact=False)).to_be_visible(timeout=WAIT_MS)

        _harness.open_app(other, second_url)  # the other server, on its next run
        expect(other.get_by_text("dernier tour : q4.csv", exact=False)).to_be_visible(
            timeout=WAIT_MS
        )
        assert watch.dialogs == []
    finally:
        context.close()
