import re
from pathlib import Path

from ngomap.i18n import LANGUAGES, labels, sector_label, t

SRC = Path(__file__).resolve().parents[1]


def test_both_languages_have_the_same_keys() -> None:
    assert set(labels("fr")) == set(labels("en"))


def test_every_key_used_in_code_exists() -> None:
    code = "\n".join(p.read_text() for p in [*SRC.glob("src/ngomap/**/*.py"), SRC / "app.py"])
    used = set(re.findall(r"\bt\(\s*\"([a-z_]+)\"", code))
    assert used, "no label found: the pattern is wrong"
    for lang in LANGUAGES:
        assert used <= set(labels(lang)), used - set(labels(lang))


def test_labels_fill_parameters_and_sectors_have_words() -> None:
    assert t("last_updated", "fr", date="2026-11-29") == "Dernière mise à jour : 2026-11-29"
    assert sector_label("WSH", "fr") == "Eau, hygiène et assainissement"
    assert sector_label("other: Jonglerie", "en") == "Other: Jonglerie"
    assert sector_label("", "fr") == "Non précisé"
