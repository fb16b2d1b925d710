"""Introductions: contacts, the drafted message, its mailto: link and .eml file."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

from connect_fixtures import people, strip
from hypothesis import given
from hypothesis import strategies as st

from ngomap import schema as s
from ngomap.advise import connect as c
from ngomap.advise import introduce as i


def _with_contacts() -> tuple[i.RecordContacts, c.Suggestion]:
    records = people()
    records[i.CONTACT_NAME] = ""
    records[i.CONTACT_EMAIL] = ""
    focal = records[s.ORG_KEY] == "focal"
    records.loc[focal, i.CONTACT_NAME] = "Awa Traoré"
    records.loc[focal, i.CONTACT_EMAIL] = "awa@focal.example"
    shared = c.pair_reasons(records, strip(), "focal", "acacia")
    assert shared is not None
    return i.RecordContacts(records), shared


def _parse(data: bytes) -> EmailMessage:
    parsed = message_from_bytes(data, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_draft_names_what_the_pair_shares_and_says_when_no_contact_is_known() -> None:
    book, shared = _with_contacts()
    note = i.draft(
        "Focal",
        "Acacia",
        shared,
        strip(),
        contacts_a=book.public_contacts("focal"),
        contacts_b=book.public_contacts("acacia"),
        signature="Service de coopération",
        lang="fr",
    )
    assert note.subject == "Mise en relation : Focal et Acacia"
    assert "- Même secteur dans la même zone : Santé à Zone C1" in note.body
    assert "- Même bailleur : AFD" in note.body
    assert "- Focal : Awa Traoré <awa@focal.example>" in note.body
    assert "- Acacia : aucun contact public connu" in note.body
    assert note.body.rstrip().endswith("Service de coopération")
    assert note.to == ("awa@focal.example",)
    english = i.draft("Focal", "Acacia", shared, strip(), lang="en")
    assert "- Same funder: AFD" in english.body
    assert "- Acacia: no public contact known" in english.body
    assert english.to == ()


def test_records_without_contact_columns_have_no_contacts() -> None:
    assert i.RecordContacts(people()).public_contacts("focal") == []


def test_mailto_is_percent_encoded_and_reads_back() -> None:
    book, shared = _with_contacts()
    note = i.draft(
        "Focal & Co", "Acacia", shared, strip(), contacts_a=book.public_contacts("focal")
    )
    link = note.mailto()
    assert link.startswith("mailto:awa@focal.example?subject=")
    assert " " not in link
    assert "\n" not in link
    query = parse_qs(urlsplit(link).query)
    assert set(query) == {"subject", "body"}
    assert query["subject"] == ["Mise en relation : Focal & Co et Acacia"]
    assert query["body"][0].replace("\r\n", "\n") == note.body


def test_a_long_mailto_is_shortened_and_says_so() -> None:
    _book, shared = _with_contacts()
    note = i.draft("Focal", "Acacia", shared, strip(), signature="x" * 5000, lang="en")
    link = note.mailto(max_length=600)
    assert len(link) <= 600
    body = parse_qs(urlsplit(link).query)["body"][0]
    assert body.endswith("(Message shortened: the .eml file holds the whole message.)")
    assert body.startswith("Hello,")


def test_eml_is_a_message_with_the_whole_draft() -> None:
    book, shared = _with_contacts()
    note = i.draft(
        "Focal", "Acacia", shared, strip(), contacts_a=book.public_contacts("focal"), lang="en"
    )
    when = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    parsed = _parse(note.eml(sender="bureau@ambassade.example", when=when))
    assert parsed["To"] == "awa@focal.example"
    assert parsed["From"] == "bureau@ambassade.example"
    assert parsed["Subject"] == "Introduction: Focal and Acacia"
    assert parsed["X-Unsent"] == "1"
    assert parsed.get_content().replace("\r\n", "\n") == note.body


INJECTIONS = [
    "Evil\r\nBcc: victim@example.com",
    "Evil\nBcc: victim@example.com",
    "Evil\rBcc: victim@example.com",
    "Evil\u2028Bcc: victim@example.com",
    "Evil\x00\x0bBcc: victim@example.com",
]


def test_names_with_line_breaks_add_no_header() -> None:
    for name in INJECTIONS:
        note = i.draft(name, "Acacia", None, strip(), signature=name, lang="en")
        parsed = _parse(note.eml(sender=name))
        assert parsed["Bcc"] is None, repr(name)
        assert parsed["From"] is None  # not an address: left out
        assert parsed["Subject"] == "Introduction: Evil Bcc: victim@example.com and Acacia"
        query = parse_qs(urlsplit(note.mailto()).query)
        assert set(query) == {"subject", "body"}, repr(name)


def test_contacts_with_line_breaks_or_extra_addresses_are_not_used() -> None:
    records = people()
    records[i.CONTACT_EMAIL] = ""
    records.loc[records[s.ORG_KEY] == "acacia", i.CONTACT_EMAIL] = (
        "a@acacia.example\r\nBcc: victim@example.com"
    )
    records.loc[records[s.ORG_KEY] == "gamma", i.CONTACT_EMAIL] = "a@x.example, b@y.example"
    book = i.RecordContacts(records)
    assert book.public_contacts("acacia") == []
    assert book.public_contacts("gamma") == []
    bad = i.Contact(email="x@y.example\nBcc: z@w.example")
    note = i.draft("Focal", "Acacia", None, None, contacts_a=[bad])
    assert note.to == ()
    assert _parse(note.eml())["To"] is None


HEADERS = {
    "Subject",
    "Date",
    "Message-ID",
    "X-Unsent",
    "From",
    "Content-Type",
    "Content-Transfer-Encoding",
    "MIME-Version",
}


@given(st.text(max_size=60), st.text(max_size=60))
def test_any_names_give_one_line_headers(name_a: str, name_b: str) -> None:
    note = i.draft(name_a, name_b, None, None, lang="fr")
    parsed = _parse(note.eml(sender=name_a))
    assert set(parsed.keys()) <= HEADERS
    assert "\n" not in parsed["Subject"]
    link = note.mailto()
    assert len(link) <= i.MAILTO_MAX
    assert set(parse_qs(urlsplit(link).query, keep_blank_values=True)) <= {"subject", "body"}
