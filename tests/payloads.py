"""Text written to attack a template engine, in one place for every test that needs it.

Each payload starts with a word of its own, so that what a template engine would make of it
("ONG 1337", "Asso xxx", "Coop <bound method Cycler.__init__ ...") is unmistakable in any
output, whatever else the output holds (an inlined Leaflet, a PDF's fonts).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

TEMPLATE_PAYLOADS: Final = (
    "ONG {{ 7*191 }}",
    "Asso {% for x in range(3) %}x{% endfor %}",
    "Coop {{ cycler.__init__ }}",
    "Quote \"{{ x' }}",  # a broken template: before the fix the whole map vanished
)
# What the payloads become when a template engine runs them.
EVALUATED: Final = ("ONG 1337", "Asso xxx", "Coop <", "Cycler.__init__")


def marker_payload(marker: Path) -> str:
    """A payload that creates ``marker`` on the server if it is ever evaluated."""
    return "Fin {{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "').read() }}"


def payloads(marker: Path) -> list[str]:
    """Every payload, the one that would create ``marker`` last."""
    return [*TEMPLATE_PAYLOADS, marker_payload(marker)]


def assert_inert(text: str, marker: Path) -> None:
    """Nothing in ``text`` was evaluated, and no payload ran a command."""
    for evaluated in EVALUATED:
        assert evaluated not in text, f"evaluated payload {evaluated!r} in the output"
    assert not marker.exists(), "a payload ran a command on the server"
