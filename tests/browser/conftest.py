"""Fixtures of the browser tests: the app on a free local port, Debian's Chromium, offline pages.

The helpers live in ``_harness.py`` so that ``scripts/screenshot.py`` starts the app and the
browser exactly as these tests do.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
import _harness  # noqa: E402
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright  # noqa: E402

from ngomap.registry import accounts as ac  # noqa: E402
from ngomap.registry.setup import ready_engine  # noqa: E402


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``streamlit run app.py`` on 127.0.0.1 and a free port, for the whole session."""
    log_path = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    try:
        # Its own registry (the default SQLite file, made with the sample), never the user's.
        data = tmp_path_factory.mktemp("ngomap-data")
        server = _harness.start_app(log_path, env={"NGOMAP_DATA_DIR": str(data)})
    except _harness.SetupError as error:
        problem = str(error)
    else:
        problem = ""
    if problem:
        pytest.fail(problem, pytrace=False)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def own_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """The app on a registry of the test module's own (a data folder of its own, the
    sample in it), and that folder. The module's ``ACCOUNTS`` ((e-mail, role, password),
    ...) are added first; without any, the deployment is open and the person at the page
    is the local editor."""
    folder = tmp_path_factory.mktemp("registry")
    accounts: tuple[tuple[str, str, str], ...] = getattr(request.module, "ACCOUNTS", ())
    if accounts:
        engine = ready_engine(f"sqlite:///{folder / 'registry.sqlite'}")
        for email, role, password in accounts:
            ac.add(engine, email, role=role, password=password)
        engine.dispose()
    server = _harness.start_app(folder / "streamlit.log", env={"NGOMAP_DATA_DIR": str(folder)})
    try:
        yield server.url, folder
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium ($NGOMAP_CHROMIUM, else /usr/bin/chromium); a failure if absent."""
    try:
        _harness.chromium_path()
    except _harness.SetupError as error:
        problem = str(error)
    else:
        problem = ""
    if problem:
        pytest.fail(problem, pytrace=False)
    playwright = sync_playwright().start()
    try:
        launched = _harness.launch_browser(playwright)
        try:
            yield launched
        finally:
            launched.close()
    finally:
        playwright.stop()


@pytest.fixture
def offline_context(browser: Browser) -> Iterator[tuple[BrowserContext, _harness.Watch]]:
    """A fresh context in which every request off 127.0.0.1 is aborted, and its ``Watch``."""
    context, watch = _harness.new_context(browser)
    try:
        yield context, watch
    finally:
        context.close()


@pytest.fixture
def page(offline_context: tuple[BrowserContext, _harness.Watch]) -> Page:
    """A fresh page (1400x1000, fr-FR) that can reach 127.0.0.1 only; dialogs are dismissed."""
    context, _ = offline_context
    return context.new_page()


@pytest.fixture
def watch(offline_context: tuple[BrowserContext, _harness.Watch]) -> _harness.Watch:
    """What ``page`` did: ``watch.blocked`` (aborted URLs), ``watch.dialogs`` (dismissed)."""
    return offline_context[1]
