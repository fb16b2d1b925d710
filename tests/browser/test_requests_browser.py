"""The request form in Chromium: a request whose every field is an XSS payload is sent and
reviewed, and no script of it ever runs (no dialog opens)."""

from __future__ import annotations

from pathlib import Path

import _harness
import pytest
from playwright.sync_api import Page, expect

from ngomap.registry import requests as rq
from ngomap.registry.setup import ready_engine

pytestmark = pytest.mark.browser

XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script> **b** [l](javascript:alert(3))'
FIELDS = (
    "Nom",
    "Sigle",
    "Pays d'origine",
    "Siège",
    "Site web",
    "Bailleurs (séparés par des virgules)",
    "Votre nom",
    "Votre téléphone",
    "Votre fonction dans l'organisation",
)


def test_payloads_in_every_field_never_run(
    page: Page, watch: _harness.Watch, own_app: tuple[str, Path]
) -> None:
    url, folder = own_app
    _harness.open_app(page, url)
    page.get_by_text("Demander à figurer", exact=True).click()
    page.get_by_role("heading", name="Demander à figurer dans la base", exact=False).wait_for()
    for label in FIELDS:
        box = page.get_by_label(label, exact=True)
        box.fill(f"{label} {XSS}")
        box.press("Tab")
    email = page.get_by_label("Votre e-mail", exact=True)
    email.fill("awa@ngo.example")
    email.press("Tab")
    message = page.get_by_label("Autre chose à ajouter (vu par l'équipe seulement)")
    message.fill(XSS)
    message.press("Tab")
    page.get_by_role("button", name="Ajouter cette présence").click()
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_text("Votre numéro de référence", exact=False).first).to_be_visible(
        timeout=60_000
    )
    engine = ready_engine(f"sqlite:///{folder / 'registry.sqlite'}")
    queued = rq.queue(engine)
    assert len(queued) == 1
    assert queued.loc[0, "organisation"] == f"Nom {XSS}"
    page.get_by_text("Demandes à examiner", exact=True).click()
    page.get_by_text("Fiche actuelle et demande", exact=False).first.wait_for(timeout=60_000)
    box = page.locator("[data-testid='stExpander']", has_text="Demandeur (équipe seulement)")
    box.locator("summary").click()
    box.get_by_text(f"Votre nom {XSS}", exact=False).first.wait_for(timeout=30_000)
    shown = box.inner_text(timeout=30_000)
    assert f"Votre nom {XSS}" in shown  # shown exactly as written, as text
    page.wait_for_timeout(1500)
    assert watch.dialogs == []
    assert page.locator("img[src='x']").count() == 0
