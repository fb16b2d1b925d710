from pathlib import Path

import pytest

from ngomap import vocab
from ngomap.errors import InputFileError


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


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_a_users_alias_file_saved_by_a_french_excel_is_read(encoding: str) -> None:
    data = "Alias;Nom\r\nMSF France;Médecins Sans Frontières\r\n;Médecins du Monde\r\n\r\n"
    pairs = vocab.read_organisation_aliases(data.encode(encoding), "mes_alias.csv")
    assert pairs == [
        ("MSF France", "Médecins Sans Frontières"),
        ("Médecins du Monde", "Médecins du Monde"),
    ]


def test_a_users_alias_file_wins_over_ngomaps(tmp_path: Path) -> None:
    path = tmp_path / "mes_alias.csv"
    path.write_text("alias,name\nUnicef,Fonds des Nations unies pour l'enfance\n", encoding="utf-8")
    match = vocab.organisation_aliases(path).lookup("Unicef")
    assert match is not None
    assert match.code == "Fonds des Nations unies pour l'enfance"


BAD_ALIAS_FILES = {
    "colonnes.csv": (b"Organisation,Nom complet\nWold Vision,World Vision\n", "alias,nom"),
    "vide.csv": (b"", "alias,nom"),
    "entete.csv": (b"alias,name\n\n", "aucun alias"),
    "classeur.csv": (b"PK\x03\x04\x14\x00\x00\x00", "CSV"),
}


@pytest.mark.parametrize("name", list(BAD_ALIAS_FILES))
def test_a_bad_alias_file_gets_one_clear_sentence(name: str) -> None:
    data, words = BAD_ALIAS_FILES[name]
    with pytest.raises(InputFileError) as caught:
        vocab.read_organisation_aliases(data, name)
    french, english = caught.value.message("fr"), caught.value.message("en")
    assert french.startswith(f"{name} : ")
    assert english.startswith(f"{name}: ")
    assert words in french
    assert french != english


def test_a_missing_alias_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="not found"):
        vocab.organisation_aliases(tmp_path / "absent.csv")
