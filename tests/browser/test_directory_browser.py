"""In Chromium, with accounts: a visitor asks to be listed, a validator signs in and approves
the request, and the organisation then shows in the public directory (nobody signed in)."""

from __future__ import annotations

from pathlib import Path

import _harness
import pytest
from playwright.sync_api import Page, expect

from ngomap.registry import requests as rq
from ngomap.registry.setup import ready_engine

pytestmark = pytest.mark.browser

NAME = "Santé Pour Tous Kayes"
VALIDATOR = ("val@embassy.example", "validator pw 1")
ACCOUNTS = ((VALIDATOR[0], "validator", VALIDATOR[1]),)  # for conftest's own_app


def _fill(page: Page, label: str, value: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(value)
    box.press("Tab")


def test_request_approved_then_in_the_public_directory(
    page: Page, watch: _harness.Watch, own_app: tuple[str, Path]
) -> None:
    url, folder = own_app
    page.set_default_timeout(120_000)  # widgets wait for each run to end, slow on a busy machine
    _harness.open_app(page, url)
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar.get_by_text("Demandes à examiner", exact=True)).to_have_count(0)
    sidebar.get_by_text("Demander à figurer", exact=True).click()
    page.get_by_role("heading", name="Demander à figurer dans la base", exact=False).wait_for()
    _fill(page, "Nom", NAME)
    _fill(page, "Votre e-mail", "director@sptk.example")
    page.get_by_role("button", name="Ajouter cette présence").click()
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_text("Votre numéro de référence", exact=False).first).to_be_visible(
        timeout=60_000
    )
    engine = ready_engine(f"sqlite:///{folder / 'registry.sqlite'}")
    assert list(rq.queue(engine)["organisation"]) == [NAME]
    # The validator signs in from the sidebar and approves it.
    sidebar.get_by_text("Connexion de l'équipe", exact=True).click()
    _fill(page, "Adresse e-mail", VALIDATOR[0])
    _fill(page, "Mot de passe", VALIDATOR[1])
    sidebar.get_by_role("button", name="Se connecter").click()
    sidebar.get_by_text("Demandes à examiner", exact=True).click()
    page.get_by_text("Fiche actuelle et demande", exact=False).first.wait_for(timeout=60_000)
    page.get_by_role("button", name="Approuver").click()
    page.get_by_text("Aucune demande", exact=False).first.wait_for(timeout=60_000)
    assert rq.queue(engine).empty
    # Signed out, a visitor finds it in the directory.
    sidebar.get_by_role("button", name="Se déconnecter").click()
    sidebar.get_by_text("Annuaire", exact=True).click()
    page.get_by_role("heading", name="Annuaire des organisations").wait_for(timeout=60_000)
    total = 81  # the sample's 80 organisations (not their partners) and the new one
    shown = page.get_by_text(f"{total} organisation(s) sur {total}", exact=True)
    expect(shown).to_be_visible(timeout=60_000)
    _fill(page, "Rechercher (nom, sigle, pays, secteur, zone)", "sante pour tous")
    found = page.get_by_text(f"1 organisation(s) sur {total}", exact=True)
    expect(found).to_be_visible(timeout=60_000)
    assert watch.dialogs == []
