"""Who to meet, in Chromium: an organisation's page from the registry, the pair view with its
drafted message, the introduction logged and its outcome written, and the brief downloaded
(its PDF text holds the zones, the actors and the source line)."""

from __future__ import annotations

import io
from pathlib import Path

import _harness
import pytest
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from ngomap.advise import log
from ngomap.registry.setup import ready_engine

pytestmark = pytest.mark.browser
ORG = "Savons et Sourires"  # in the sample: health in Mopti


def _choose(box: Locator, text: str) -> None:
    """Pick an option of a Streamlit selectbox or multiselect by typing it."""
    box.scroll_into_view_if_needed()
    box.locator("input").first.click()
    box.locator("input").first.fill(text)
    box.page.keyboard.press("Enter")


def test_organisation_page_pair_log_and_brief(
    page: Page, watch: _harness.Watch, own_app: tuple[str, Path]
) -> None:
    url, folder = own_app
    _harness.open_app(page, url)
    heading = page.get_by_role("heading", name="Qui rencontrer")
    heading.wait_for(timeout=120_000)
    heading.scroll_into_view_if_needed()

    # The organisation's page: its name, its small map, its registry entry's history.
    _choose(page.locator(".st-key-connect_org"), ORG)
    expect(page.get_by_role("heading", name=ORG)).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Listée depuis le", exact=False).first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Où elle travaille", exact=False).first).to_be_visible(timeout=60_000)

    # The pair view: the drafted message names both organisations and what they share.
    subject = page.get_by_label("Objet", exact=True)
    expect(subject).to_be_visible(timeout=60_000)
    prefix = f"Mise en relation : {ORG} et "
    assert subject.input_value().startswith(prefix)
    partner = subject.input_value().removeprefix(prefix)
    assert partner
    body = page.locator("[data-testid='stCode']").first
    expect(body).to_contain_text(f"Je me permets de vous mettre en relation : {ORG} et {partner}")
    expect(body).to_contain_text("Ce que vous avez en commun")

    # The introduction logged in the registry, then its outcome.
    page.get_by_role("button", name="Noter la mise en relation").click()
    outcome = page.get_by_label("Suite donnée", exact=True)
    expect(outcome).to_be_visible(timeout=60_000)
    engine = ready_engine(f"sqlite:///{folder / 'registry.sqlite'}")
    logged = log.listing(engine)
    assert list(logged["org_a"]) == [ORG]
    assert list(logged["org_b"]) == [partner]
    outcome.fill("Rencontre le 3 juin")
    outcome.press("Tab")
    page.get_by_role("button", name="Enregistrer la suite donnée").click()
    for _ in range(60):  # the rerun writes it
        if list(log.listing(engine)["outcome"]) == ["Rencontre le 3 juin"]:
            break
        page.wait_for_timeout(1_000)
    assert list(log.listing(engine)["outcome"]) == ["Rencontre le 3 juin"]

    # The brief: opened (folded at first), typed in the form, downloaded, read back.
    page.get_by_text("Note sur un projet proposé", exact=True).click()
    page.get_by_label("Organisation qui porte le projet", exact=True).fill("Nouvelle ONG")
    _choose(page.locator(".st-key-brief_sectors"), "Santé")
    page.keyboard.press("Escape")
    _choose(page.locator(".st-key-brief_zones"), "Mopti")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Faire la note").click()
    download_button = page.get_by_role("button", name="Télécharger la note (PDF)")
    expect(download_button).to_be_visible(timeout=120_000)
    with page.expect_download(timeout=60_000) as caught:
        download_button.click()
    pdf = Path(caught.value.path()).read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert len(reader.pages) == 1
    assert "Mopti" in text  # the zone
    assert ORG in text  # an actor already there
    assert "Sources :" in text  # the source line, naming the registry
    assert "Registre ngomap" in text
    assert not watch.dialogs
