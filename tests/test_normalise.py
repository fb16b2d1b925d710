from hypothesis import given
from hypothesis import strategies as st

from ngomap.normalise import AliasTable, clean_text, is_iso_subdivision, norm_pcode, norm_text


def test_norm_text_ignores_case_accents_spacing_and_punctuation() -> None:
    assert norm_text("  Ségou ") == norm_text("SEGOU") == "segou"
    assert norm_text("Abris/AME") == norm_text("abris / ame")
    assert norm_text("Eau, hygiène et assainissement") == "eau hygiene et assainissement"


def test_norm_pcode_unifies_formats_but_keeps_iso_codes_apart() -> None:
    assert norm_pcode("MLI05") == norm_pcode("ml05 ") == "ML05"
    assert norm_pcode("NGA036") == "NG036"
    assert norm_pcode("NG036014") == "NG036014"
    assert norm_pcode("ML-10") == "ML-10"  # ISO Taoudénit, not P-code ML10 (Ménaka)
    assert is_iso_subdivision("ML-BKO")
    assert not is_iso_subdivision("ML10")


def test_alias_table_says_which_rule_matched() -> None:
    table = AliasTable([("EHA", "WSH"), ("Santé", "HEA")])
    exact = table.lookup("EHA")
    normalised = table.lookup(" sante ")
    assert exact is not None
    assert (exact.code, exact.rule) == ("WSH", "exact")
    assert normalised is not None
    assert (normalised.code, normalised.rule) == ("HEA", "normalised")
    assert table.lookup("Logistique") is None
    assert table.lookup("   ") is None


@given(st.text())
def test_normalisers_never_raise_and_are_idempotent(value: str) -> None:
    assert norm_text(norm_text(value)) == norm_text(value)
    assert clean_text(clean_text(value)) == clean_text(value)
    assert norm_pcode(norm_pcode(value)) == norm_pcode(value)
