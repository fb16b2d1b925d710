from hypothesis import given
from hypothesis import strategies as st

from ngomap.ui.text import plain


def test_markdown_and_latex_characters_are_escaped() -> None:
    assert plain("[clic](http://x)") == "\\[clic\\]\\(http\\:\u200b//x\\)"  # no autolink
    assert plain("contact@ong.org") == "contact\u200b@ong\\.org"
    assert plain("Fonds $olidarité 5$") == r"Fonds \$olidarité 5\$"
    assert plain("**gras** <b>") == r"\*\*gras\*\* \<b\>"
    assert plain("Puits Bleus") == "Puits Bleus"


@given(st.text())
def test_every_special_character_is_escaped(text: str) -> None:
    escaped = plain(text).replace("\u200b", "")  # the zero-width spaces that break autolinks
    text = text.replace("\u200b", "")
    unescaped = escaped.replace("\\\\", "").replace("\\", "")
    assert len(escaped) >= len(text)
    for char in "*_[]()$<>`#":
        assert escaped.count(char) == escaped.count("\\" + char) or char not in text
    assert unescaped.replace("\\", "") == text.replace("\\", "")


def test_plain_frame_escapes_cells_headers_and_index_for_st_table() -> None:
    import pandas as pd

    from ngomap.ui.text import plain_frame

    frame = pd.DataFrame(
        {"![h](http://x/h.png)": ["[l](http://x)", "ok"], "n": [1, 2]},
        index=pd.Index(["$x$", "Santé"], name="Secteur"),
    )
    out = plain_frame(frame)
    assert list(out.columns) == [plain("![h](http://x/h.png)"), "n"]
    assert out.iloc[:, 0].tolist() == [plain("[l](http://x)"), "ok"]
    assert list(out.index) == [r"\$x\$", "Santé"]
    assert out["n"].tolist() == [1, 2]
