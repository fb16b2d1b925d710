"""Subscriptions: digests of arrivals and departures, received by a local SMTP server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from connect_fixtures import people, row, strip
from helpers import make_records

from ngomap.advise.changes import TwoRounds
from ngomap.advise.notify import SmtpSettings, Subscription, digests, send
from ngomap.errors import NgomapError


class _Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[_Inbox, int]]:
    handler = _Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def _history() -> TwoRounds:
    before = people()
    before = before.loc[before["org_name"] != "Gamma"]
    gone = make_records([row("Ancien\r\nBcc: x@y.example", "NUT", "C2")])
    return TwoRounds(pd.concat([before, gone], ignore_index=True), people(), "mars", "septembre")


def test_digests_only_for_subscriptions_with_news() -> None:
    subs = [
        Subscription("awa@bureau.example", ("R1",), ("HEA", "NUT"), lang="en"),
        Subscription("moussa@bureau.example", ("C5",)),  # nothing moved there
    ]
    (digest,) = digests(subs, _history(), strip())
    text = digest.text(strip())
    assert "Arrivals and departures in Area R1 (between mars and septembre):" in text
    assert "- Arrival: Gamma, Health, Area R1" in text
    assert "- Departure: Ancien Bcc: x@y.example, Nutrition, Area R1" in text


def test_a_digest_reaches_the_local_smtp_server(inbox: tuple[_Inbox, int]) -> None:
    handler, port = inbox
    subs = [Subscription("awa@bureau.example", ("C1", "C2"), lang="fr")]
    found = digests(subs, _history(), strip())
    settings = SmtpSettings(host="127.0.0.1", port=port, sender="ngomap@ambassade.example")
    assert send(found, strip(), settings) == 1
    ((sender, recipients, message),) = handler.received
    assert (sender, recipients) == ("ngomap@ambassade.example", ["awa@bureau.example"])
    assert message["Subject"] == "ngomap : 3 arrivée(s) ou départ(s) dans vos zones"
    assert message["Bcc"] is None  # a name with a line break added no header
    body = message.get_content()
    assert "- Arrivée : Gamma, Santé, Zone C1" in body
    assert "- Arrivée : Gamma, Eau, hygiène et assainissement, Zone C2" in body
    assert "- Départ : Ancien Bcc: x@y.example, Nutrition, Zone C2" in body


def test_bad_addresses_and_settings_are_said() -> None:
    with pytest.raises(NgomapError, match="not one e-mail address"):
        Subscription("awa@bureau.example\r\nBcc: x@y.example", ("C1",))
    with pytest.raises(NgomapError, match="at least one area"):
        Subscription("awa@bureau.example", ())
    assert SmtpSettings.from_env({}) is None
    env = {"NGOMAP_SMTP_HOST": "smtp.example", "NGOMAP_SMTP_FROM": "n@x.example"}
    assert SmtpSettings.from_env({**env, "NGOMAP_SMTP_PORT": "587", "NGOMAP_SMTP_TLS": "yes"}) == (
        SmtpSettings("smtp.example", "n@x.example", 587, starttls=True)
    )
    with pytest.raises(NgomapError, match="PORT must be a number"):
        SmtpSettings.from_env({**env, "NGOMAP_SMTP_PORT": "abc"})


def test_an_unreachable_server_is_one_clear_error() -> None:
    subs = [Subscription("awa@bureau.example", ("C1",))]
    found = digests(subs, _history(), strip())
    settings = SmtpSettings(host="127.0.0.1", port=_free_port(), sender="n@x.example")
    with pytest.raises(NgomapError, match=r"The mail server 127\.0\.0\.1:\d+ did not take"):
        send(found, strip(), settings, timeout=5)
