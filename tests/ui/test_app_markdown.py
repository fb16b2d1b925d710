"""User text in the page never renders as Markdown: no image, no link, no LaTeX from a name."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
IMAGE = "![x](http://127.0.0.1:9/x.png)"
LINK = "[lien](http://127.0.0.1:9/l)"
CSV = (
    f"Nom Organisation;Cluster;Région *;Partenaire;{IMAGE}\n"
    f"ONG {IMAGE};Santé;Ségou;{LINK};a\n"
    f"Asso $x^2$;{IMAGE};Mopti;{IMAGE};b\n"
    "Plan;EHA;Kayes;;c\n"
).encode()
# Markdown that makes a browser fetch or link: "](" not escaped, or "$" not escaped.
LIVE = re.compile(r"(?<!\\)\]\s*(?<!\\)\(|(?<!\\)\$")


def _shown(at: AppTest) -> list[str]:
    texts = [str(e.value) for e in (*at.markdown, *at.caption, *at.subheader, *at.title)]
    texts += [str(e.value) for e in (*at.warning, *at.error, *at.info)]
    texts += [str(e.label) for e in (*at.expander, *at.selectbox, *at.multiselect, *at.checkbox)]
    texts += [str(e.help or "") for e in (*at.selectbox, *at.multiselect)]
    return texts


def test_names_headers_and_file_name_from_an_upload_render_as_text() -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["upload"] = {"name": f"{IMAGE}.csv", "data": CSV}
    at.run()
    assert not at.exception, at.exception
    shown = _shown(at)
    payloads = [text for text in shown if "127.0.0.1" in text.replace("\\", "")]
    assert len(payloads) >= 3  # file name, header, title...: there, escaped
    live = [text for text in payloads if LIVE.search(text)]
    assert live == []
