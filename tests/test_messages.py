"""The message catalogue: every kind in both languages, used, and no pair left inline."""

from __future__ import annotations

import ast
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from ngomap.levels import of_one
from ngomap.messages import LANGS, Msg, Text, capitalised, catalogue, pair

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [*sorted((ROOT / "src" / "ngomap").rglob("*.py")), ROOT / "app.py"]

# French typography and words that English messages never hold.
_FRENCH = re.compile(
    r"[éèàçêùôîâ«»]| [:;?!](\s|$)|\b(le|la|les|des|une|est|pas|du|aucune?|dans|cette|"
    r"colonne|ligne|fichier|avec|pour|vide|limites|zones?|indiquez|ou)\b",
    re.IGNORECASE,
)
# Not messages of ngomap: Streamlit's own widget words, matched and replaced on the page.
_NOT_MESSAGES = {"src/ngomap/ui/streamlit_words.py"}


def _placeholders(template: str) -> set[str]:
    return {str(name) for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_kind_has_both_languages_and_nothing_else() -> None:
    kinds = {str(kind) for kind in Msg}
    for lang in LANGS:
        assert set(catalogue(lang)) == kinds, set(catalogue(lang)) ^ kinds


@pytest.mark.parametrize("kind", list(Msg))
def test_both_languages_take_the_same_placeholders(kind: Msg) -> None:
    assert _placeholders(catalogue("fr")[kind]) == _placeholders(catalogue("en")[kind])
    assert catalogue("fr")[kind].strip()
    assert catalogue("en")[kind].strip()


def test_every_kind_is_used_in_the_code() -> None:
    code = "\n".join(p.read_text() for p in SOURCES if p.name != "messages.py")
    unused = [kind.name for kind in Msg if not re.search(rf"\bMsg\.{kind.name}\b", code)]
    assert not unused, unused


def _strings(node: ast.AST) -> list[str]:
    found = []
    for child in ast.iter_child_nodes(node):
        value = child.value if isinstance(child, ast.keyword) else child
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            found.append(str(value.value))
        elif isinstance(value, ast.JoinedStr):
            found.append(
                "".join(str(v.value) if isinstance(v, ast.Constant) else "{}" for v in value.values)
            )
    return [s for s in found if len(s) > 8 and " " in s.strip()]


def _texts(node: ast.AST) -> int:
    return sum(isinstance(c, ast.Constant | ast.JoinedStr) for c in ast.iter_child_nodes(node))


def _on_language(test: ast.expr) -> bool:
    """``lang == "fr"``, ``fr`` or ``french``: a branch on the language."""
    if isinstance(test, ast.Name):
        return test.id in {"fr", "french"}
    return isinstance(test, ast.Compare) and any(
        isinstance(c, ast.Constant) and c.value in {"fr", "en"}
        for c in [test.left, *test.comparators]
    )


def _french_text(nodes: list[ast.stmt] | ast.expr) -> bool:
    found = []
    for top in nodes if isinstance(nodes, list) else [nodes]:
        for node in ast.walk(top):
            found.extend(_strings(node))
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append(str(node.value))
    return any(_FRENCH.search(s) and " " in s.strip() and len(s) > 8 for s in found)


def inline_pairs(source: str) -> list[int]:
    """Lines of ``source`` where one call, tuple, list or dict holds English and French text,
    or where a branch on the language holds French text (its English twin beside it)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.If | ast.IfExp) and _on_language(node.test):
            if _french_text(node.body) or _french_text(node.orelse):
                lines.append(node.lineno)
            continue
        if isinstance(node, ast.Call | ast.Tuple | ast.List | ast.Dict):
            found = _strings(node)
            french = [s for s in found if _FRENCH.search(s)]
            # A pair holds one or two texts of each language; longer tuples are spellings
            # (the header aliases of project.py), not messages.
            if french and len(french) < len(found) and _texts(node) <= 4:
                lines.append(node.lineno)
    return lines


def test_the_pair_finder_finds_the_shapes_code_used_to_hold() -> None:
    assert inline_pairs('raise Error(f"{x} is empty.", f"{x} est vide.")')
    assert inline_pairs('log.add(rows, en="No area given.", fr="Aucune zone indiquée.")')
    assert inline_pairs('WORDS = {"a": ("empty cell: give it", "cellule vide : indiquez-la")}')
    assert inline_pairs('x = "Tout le pays, partout" if lang == "fr" else "Nationwide, all"')
    assert inline_pairs('if fr:\n    return "Rien à compter ici"\nreturn "Nothing to count"')
    assert not inline_pairs('raise Error(*pair(Msg.X, name="Kidal"), "Mopti region")')
    assert not inline_pairs('fmt = "DD/MM/YYYY" if lang == "fr" else "YYYY-MM-DD"')


def test_no_french_english_pair_is_left_inline() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in SOURCES
        if str(path.relative_to(ROOT)) not in _NOT_MESSAGES
        for line in inline_pairs(path.read_text())
    ]
    assert not found, "put these messages in data/i18n/messages.*.toml: " + ", ".join(found)


def test_parameters_that_depend_on_the_language_are_put_in_it() -> None:
    said = Text(Msg.MATCHING_SAID_CODE, {"of_level": of_one("adm1", "ML"), "value": "ML05"})
    english, french = pair(
        Msg.MATCHING_NOT_WHERE_ROW_PLACES, said=capitalised(said), chosen="Mopti", where="Gao"
    )
    assert english.startswith("The region code 'ML05' is not in Mopti")
    assert french.startswith("Le code de région « ML05 » n'est pas dans Mopti")
    # French elides before a vowel: Nigeria's states are "états".
    said = Text(Msg.MATCHING_SAID_NAME, {"of_level": of_one("adm1", "NG"), "value": "Kano"})
    assert (said("fr"), said("en")) == ("le nom d'état « Kano »", "the state name 'Kano'")
    with pytest.raises(ValueError, match="unknown language"):
        catalogue("de")


def test_looking_up_a_message_loads_no_pandas() -> None:
    code = (
        "import sys; from ngomap.messages import Msg, pair; pair(Msg.CLI_ROWS, rows=3);"
        "print(','.join(m for m in sys.modules if m.split('.')[0] in "
        "{'pandas', 'geopandas', 'numpy'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == ""
