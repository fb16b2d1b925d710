"""Putting two organisations in touch: their public contacts and a drafted introduction.

The draft names what the two share (places, sectors, partner, funder: the reasons of
``connect.pair_reasons``) in French or English, and comes as a ``mailto:`` link (percent
encoded, bounded in length) and as an ``.eml`` file built in memory. Names and addresses
are user data: control characters (CR, LF...) become spaces before they reach a header,
and an address that is not one plain ``name@domain`` is never used.

Contacts are read through ``ContactBook``: a records frame's optional contact columns
today (``RecordContacts``), the registry's public contacts (as the viewer's role allows)
later.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Final, Protocol
from urllib.parse import quote

import pandas as pd

from ngomap import schema as s
from ngomap.advise.connect import Suggestion
from ngomap.areas.boundaries import Boundaries
from ngomap.i18n import t
from ngomap.normalise import clean_text

# Optional contact columns of a records frame (HXL #contact+name, +email, +phone).
CONTACT_NAME: Final = "contact_name"
CONTACT_EMAIL: Final = "contact_email"
CONTACT_PHONE: Final = "contact_phone"
# Longest mailto: link handed out; longer drafts are shortened (the .eml keeps it all).
# About 2,000 characters is what browsers and mail programs reliably pass on.
MAILTO_MAX: Final = 2000
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


def one_line(value: object) -> str:
    """Text safe for one header line: every control character (CR, LF, tab...) a space."""
    text = "".join(
        " " if unicodedata.category(ch).startswith("C") else ch for ch in clean_text(value)
    )
    return " ".join(text.split())


def plain_address(value: object) -> str | None:
    """The address if it is one plain ``name@domain`` (nothing else on the line), or None."""
    text = clean_text(value)
    if not text or any(unicodedata.category(ch).startswith("C") for ch in str(value)):
        return None
    return text if _EMAIL.match(text) and ".." not in text else None


@dataclass(frozen=True)
class Contact:
    """A public contact of an organisation (any field may be empty)."""

    name: str = ""
    email: str = ""
    phone: str = ""

    def text(self) -> str:
        """ "Name <email>, phone", with what is known."""
        parts = [self.name]
        if self.email:
            parts.append(f"<{self.email}>")
        shown = " ".join(p for p in parts if p)
        return ", ".join(p for p in (shown, self.phone) if p)


class ContactBook(Protocol):
    """Where public contacts come from (a records frame today, the registry later)."""

    def public_contacts(self, org_key: str) -> list[Contact]:
        """The organisation's contacts the viewer may see; empty when none is known."""
        ...


@dataclass(frozen=True, eq=False)
class RecordContacts:
    """Contacts in a records frame's optional columns contact_name, contact_email, phone.

    An address that is not one plain ``name@domain`` is left out (never put in a header).
    """

    records: pd.DataFrame

    def public_contacts(self, org_key: str) -> list[Contact]:
        """Distinct contacts of the organisation's records, in the order met."""
        columns = [c for c in (CONTACT_NAME, CONTACT_EMAIL, CONTACT_PHONE) if c in self.records]
        if not columns:
            return []
        own = self.records.loc[self.records[s.ORG_KEY] == org_key, columns]
        found: list[Contact] = []
        for values in own.itertuples(index=False):
            cell = dict(zip(columns, values, strict=True))
            contact = Contact(
                name=one_line(cell.get(CONTACT_NAME)),
                email=plain_address(cell.get(CONTACT_EMAIL)) or "",
                phone=one_line(cell.get(CONTACT_PHONE)),
            )
            if (contact.name or contact.email or contact.phone) and contact not in found:
                found.append(contact)
        return found


@dataclass(frozen=True)
class Draft:
    """An introduction: who to, subject and body, in one language."""

    to: tuple[str, ...]  # plain addresses only
    subject: str  # one line
    body: str
    lang: str

    def mailto(self, *, max_length: int = MAILTO_MAX) -> str:
        """A ``mailto:`` link; the body is shortened (saying so) to keep within the bound."""
        recipients = ",".join(quote(address, safe="@") for address in self.to)
        head = f"mailto:{recipients}?subject={quote(self.subject, safe='')}&body="
        body = self.body.replace("\r\n", "\n").replace("\n", "\r\n")
        link = head + quote(body, safe="")
        if len(link) <= max_length:
            return link
        note = "\r\n\r\n" + t("intro_shortened", self.lang)
        low, high = 0, len(body)  # the longest prefix of the body that fits with the note
        while low < high:
            middle = (low + high + 1) // 2
            if len(head) + len(quote(body[:middle] + "…" + note, safe="")) <= max_length:
                low = middle
            else:
                high = middle - 1
        shortened = head + quote(body[:low] + "…" + note, safe="")
        if len(shortened) > max_length:  # not even the note fits: subject and addresses only
            return head.removesuffix("&body=")[:max_length]
        return shortened

    def eml(self, *, sender: str = "", when: datetime | None = None) -> bytes:
        """The draft as an ``.eml`` file (RFC 5322 bytes), opened as a draft by mail programs."""
        message = EmailMessage(policy=policy.SMTP)
        address = plain_address(sender)
        if address:
            user, domain = address.split("@", 1)
            message["From"] = Address(addr_spec=f"{user}@{domain}")
        if self.to:
            message["To"] = ", ".join(self.to)
        message["Subject"] = one_line(self.subject)
        message["Date"] = format_datetime(when or datetime.now(UTC))
        message["Message-ID"] = make_msgid(domain="ngomap.invalid")
        message["X-Unsent"] = "1"  # Outlook opens the file as a message to send
        message.set_content(self.body)
        return message.as_bytes()


def _contact_lines(name: str, contacts: Sequence[Contact], lang: str) -> list[str]:
    known = "; ".join(c.text() for c in contacts) or t("intro_no_contact", lang)
    return [t("intro_contact_line", lang, name=name, contacts=known)]


def draft(
    name_a: str,
    name_b: str,
    shared: Suggestion | None,
    boundaries: Boundaries | None,
    *,
    contacts_a: Sequence[Contact] = (),
    contacts_b: Sequence[Contact] = (),
    signature: str = "",
    lang: str = "fr",
) -> Draft:
    """The introduction of ``name_a`` and ``name_b``, naming what they share.

    ``shared`` is what B shares with A (``connect.pair_reasons``); names are cleaned to one
    line each, so a name holding CR or LF cannot add a header or break the layout.
    """
    first, second = one_line(name_a), one_line(name_b)
    reasons = shared.texts(boundaries, lang) if shared is not None else []
    lines = [
        t("intro_greeting", lang),
        "",
        t("intro_opening", lang, a=first, b=second),
        "",
    ]
    if reasons:
        lines.append(t("intro_shared", lang))
        lines += [f"- {one_line(text)}" for text in reasons]
        lines.append("")
    lines += [t("intro_purpose", lang), "", t("intro_contacts", lang)]
    lines += _contact_lines(first, contacts_a, lang)
    lines += _contact_lines(second, contacts_b, lang)
    lines += ["", t("intro_signoff", lang)]
    if one_line(signature):
        lines.append(one_line(signature))
    addresses = tuple(
        dict.fromkeys(
            address
            for contact in (*contacts_a, *contacts_b)
            if (address := plain_address(contact.email))
        )
    )
    return Draft(
        to=addresses,
        subject=t("intro_subject", lang, a=first, b=second),
        body="\n".join(lines) + "\n",
        lang=lang,
    )
