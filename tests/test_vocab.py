import pytest

from ngomap import vocab


def test_sector_aliases_seen_in_real_files_map_to_codes() -> None:
    sectors = vocab.sectors()
    expected = {
        "EHA": "WSH",
        "WASH": "WSH",
        "Eau hygiène et assainissement": "WSH",
        "Santé": "HEA",
        "SA": "FSC",
        "Abris/AME": "SHL",
    }
    for alias, code in expected.items():
        match = sectors.aliases.lookup(alias)
        assert match is not None, alias
        assert match.code == code, alias


def test_every_code_has_both_labels() -> None:
    for vocabulary in (vocab.sectors(), vocab.org_types(), vocab.presence_modes()):
        for code in vocabulary.codes:
            assert vocabulary.label(code, "fr"), code
            assert vocabulary.label(code, "en"), code


def test_alias_to_a_missing_code_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "things.csv").write_text("code,label_fr,label_en\nA,Un,One\n", encoding="utf-8")
    (tmp_path / "things_aliases.csv").write_text("alias,code\nUno,B\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing"):
        vocab.load_vocabulary("things", tmp_path)
