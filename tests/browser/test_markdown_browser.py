"""Markdown in user text fetches nothing: a local beacon counts the browser's requests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import _harness
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


class _Beacon(BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 - one server per test, reset by the fixture

    def do_GET(self) -> None:
        _Beacon.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def beacon() -> Iterator[str]:
    """A local server on 127.0.0.1 counting every request it gets; its base URL."""
    _Beacon.hits = []
    server = ThreadingHTTPServer((_harness.LOCAL_HOST, 0), _Beacon)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{_harness.LOCAL_HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_markdown_images_and_links_in_names_fetch_nothing(
    page: Page, app_url: str, beacon: str, tmp_path: Path
) -> None:
    image = f"![x]({beacon}/image.png)"
    link = f"[lien]({beacon}/lien)"
    data = tmp_path / "beacon.csv"
    data.write_text(
        f"Nom de l'organisation,Secteur,Région,Code région,Partenaire local,{image}\n"
        "#org+name,#sector,#adm1+name,#adm1+code,#org+impl,\n"
        f"ONG {image},Santé,Mopti,ML05,{link},a\n"
        f"Asso $x^2$,{image},Mopti,ML05,{image},b\n"
        "Puits Bleus,Santé,Mopti,ML05,,c\n",
        encoding="utf-8",
    )
    _harness.open_app(page, app_url)
    uploader = (
        page.locator('[data-testid="stFileUploader"]')
        .filter(has_text="Fichier CSV ou Excel")
        .locator('[data-testid="stFileUploaderDropzoneInput"]')
    )
    uploader.set_input_files(str(data))
    expect(page.get_by_text("Vos données : beacon.csv")).to_be_visible(timeout=60_000)
    opened = False
    for _attempt in range(10):  # the map is remounted with the new data: look again
        try:
            frame = _harness.map_frame(page)
            mopti = next(
                s for s in _harness.shapes(frame) if _harness.tooltip_of(frame, s).area == "Mopti"
            )
            mopti.locator.click(position={"x": mopti.x, "y": mopti.y})
            expect(page.get_by_text("Acteurs à Mopti")).to_be_visible(timeout=20_000)
            opened = True
            break
        except (PlaywrightError, AssertionError, StopIteration):
            page.wait_for_timeout(1_000)
    assert opened
    table = page.locator('[data-testid="stTable"]').first
    expect(table).to_contain_text("![x](http:")  # shown as written, brackets and all
    page.wait_for_timeout(2_000)
    assert _Beacon.hits == []
    assert page.locator(f'img[src^="{beacon}"]').count() == 0
    links = page.locator(f'a[href^="{beacon}"]')
    where = [
        links.nth(i).evaluate(
            "a => { let t = []; for (let e = a; e; e = e.parentElement) {"
            " const d = e.getAttribute && e.getAttribute('data-testid'); if (d) t.push(d); }"
            " return t.slice(0, 4).join('<'); }"
        )
        + ": "
        + links.nth(i).evaluate("a => a.parentElement.outerHTML.slice(0, 300)")
        for i in range(links.count())
    ]
    assert where == []
