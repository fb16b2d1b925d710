"""Streamlit's own words (file uploader, date picker, menus, table toolbar) in the page's language.

Streamlit has no setting for its interface language (streamlit/streamlit#13500 is open): the
uploader says "Upload" and "50MB per file", the calendar "January", the menus "Print". A
small script, run once per page and language from a zero-height component frame (same
origin), rewrites those words in the parent page, and keeps doing so as Streamlit redraws.
Only text inside Streamlit's own widgets is touched (never the user's data or ours), and the
English page turns any French word back.
"""

from __future__ import annotations

import json
from typing import Final

import streamlit.components.v1 as components

# Streamlit's own English word -> French. Whole texts; the patterns below for numbers.
FRENCH: Final[dict[str, str]] = {
    "Upload": "Parcourir",
    "Browse files": "Parcourir",
    "Add files": "Ajouter des fichiers",
    "Drag and drop a file here": "Glissez-déposez un fichier ici",
    "Drag and drop files here": "Glissez-déposez des fichiers ici",
    "Drag and drop file here": "Glissez-déposez un fichier ici",
    "Remove file": "Retirer le fichier",
    "Delete": "Supprimer",
    "Choose an option": "Choisissez",
    "Choose options": "Choisissez",
    "No results": "Aucun résultat",
    "Clear all": "Tout effacer",
    "Select all": "Tout sélectionner",
    "Rerun": "Relancer",
    "Settings": "Paramètres",
    "Print": "Imprimer",
    "Record a screencast": "Enregistrer l'écran",
    "About": "À propos",
    "Clear cache": "Vider le cache",
    "Developer options": "Options de développement",
    "Running...": "En cours…",
    "Stop": "Arrêter",
    "Download as CSV": "Télécharger en CSV",
    "Search": "Rechercher",
    "Fullscreen": "Plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Show/hide columns": "Colonnes affichées",
    "Choose a date": "Choisissez une date",
    "Choose a date range": "Choisissez une période",
    "Previous month.": "Mois précédent.",
    "Next month.": "Mois suivant.",
    "January": "janvier",
    "February": "février",
    "March": "mars",
    "April": "avril",
    "May": "mai",
    "June": "juin",
    "July": "juillet",
    "August": "août",
    "September": "septembre",
    "October": "octobre",
    "November": "novembre",
    "December": "décembre",
    "Su": "di",
    "Mo": "lu",
    "Tu": "ma",
    "We": "me",
    "Th": "je",
    "Fr": "ve",
    "Sa": "sa",
}
# (regular expression, replacement) in JavaScript syntax, for texts with numbers.
FRENCH_PATTERNS: Final = (
    (r"^(\d+(?:\.\d+)?)\s*MB per file", "$1 Mo par fichier"),
    (r"^(\d+(?:\.\d+)?)\s*GB per file", "$1 Go par fichier"),
    (r"^Limit (\d+(?:\.\d+)?)\s*MB per file", "$1 Mo au plus par fichier"),
    (r"^Select (\d+) matches$", "Sélectionner les $1 résultats"),
    (r"^Help for (.+)$", "Aide : $1"),
)
# Streamlit's widgets and overlays: only text inside them is rewritten.
SCOPE: Final = ", ".join(
    (
        '[data-testid="stFileUploader"]',
        '[data-testid="stMainMenu"]',
        '[data-testid="stMainMenuPopover"]',
        '[data-testid="stStatusWidget"]',
        '[data-testid="stElementToolbar"]',
        '[data-testid="stDateInput"]',
        '[data-testid="stMultiSelect"]',
        '[data-testid="stSelectbox"]',
        '[data-testid="stTooltipIcon"]',
        '[data-baseweb="popover"]',
        '[data-baseweb="calendar"]',
        '[data-baseweb="tooltip"]',
        '[role="tooltip"]',
        '[role="listbox"]',
    )
)

_SCRIPT: Final = """
<script>
(function () {
  const doc = window.parent.document, words = %(words)s, patterns = %(patterns)s;
  const scope = %(scope)s, key = "__ngomapWords";
  if (window.parent[key]) { window.parent[key].disconnect(); }
  const compiled = patterns.map(([re, to]) => [new RegExp(re), to]);
  function swap(text) {
    const trimmed = text.trim();
    if (!trimmed) { return null; }
    if (Object.prototype.hasOwnProperty.call(words, trimmed)) {
      return text.replace(trimmed, words[trimmed]);
    }
    for (const [re, to] of compiled) {
      if (re.test(trimmed)) { return text.replace(trimmed, trimmed.replace(re, to)); }
    }
    return null;
  }
  function fixAttributes(el) {
    for (const name of ["aria-label", "title", "placeholder"]) {
      const value = el.getAttribute(name);
      const changed = value && swap(value);
      if (changed && changed !== value) { el.setAttribute(name, changed); }
    }
  }
  function fixText(node) {
    const changed = swap(node.nodeValue);
    if (changed !== null && changed !== node.nodeValue) { node.nodeValue = changed; }
  }
  // Every text and attribute under ``root``, which is inside Streamlit's widgets.
  function fixTree(root) {
    fixAttributes(root);
    const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    let node;
    while ((node = walker.nextNode())) {
      if (node.nodeType === 3) { fixText(node); } else { fixAttributes(node); }
    }
  }
  // Only Streamlit's widgets are walked: a data grid, a chart or the map's frame added to
  // the page costs one selector query, not a walk over its thousands of nodes.
  function fix(root) {
    if (!root) { return; }
    if (root.nodeType === 3) {
      if (root.parentElement && root.parentElement.closest(scope)) { fixText(root); }
      return;
    }
    if (root.nodeType !== 1) { return; }
    if (root.closest(scope)) { fixTree(root); return; }
    root.querySelectorAll(scope).forEach(fixTree);
  }
  function fixElement(el) {
    if (el && el.closest && el.closest(scope)) { fixAttributes(el); }
  }
  const observer = new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === "characterData") { fix(m.target); }
      else if (m.type === "attributes") { fixElement(m.target); }
      else { m.addedNodes.forEach(fix); }
    }
  });
  observer.observe(doc.body, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ["aria-label", "title", "placeholder"],
  });
  window.parent[key] = observer;
  fix(doc.body);
})();
</script>
"""


def _script(lang: str) -> str:
    if lang == "fr":
        words, patterns = FRENCH, list(FRENCH_PATTERNS)
    else:  # back from French to Streamlit's own English
        words = {
            fr: en
            for en, fr in FRENCH.items()
            if en not in ("Browse files", "Drag and drop file here")
        }
        patterns = [
            (r"^(\d+(?:\.\d+)?) Mo par fichier", "$1MB per file"),
            (r"^(\d+(?:\.\d+)?) Go par fichier", "$1GB per file"),
            (r"^Sélectionner les (\d+) résultats$", "Select $1 matches"),
            (r"^Aide : (.+)$", "Help for $1"),
        ]
    return _SCRIPT % {
        "words": json.dumps(words, ensure_ascii=False),
        "patterns": json.dumps(patterns),
        "scope": json.dumps(SCOPE),
    }


def apply(lang: str) -> None:
    """Put Streamlit's own words in ``lang`` on this page (a zero-height frame, no layout)."""
    components.html(_script(lang), height=0)
