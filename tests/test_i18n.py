import re
import subprocess
import sys
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


def test_looking_up_a_label_loads_neither_pandas_nor_the_importer() -> None:
    """A label is a dictionary look-up: it must not pay for geopandas (0.6 s)."""
    code = (
        "import sys; from ngomap.i18n import sector_label; sector_label('WSH', 'fr');"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'pandas', 'geopandas', 'numpy', 'pycountry'} or m.startswith('ngomap.importer'));"
        "print(','.join(heavy))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == ""
