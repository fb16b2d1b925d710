"""A population table's values (OCHA COD-PS totals by P-code), hashed once when made.

Reading the tables is the importer's (``ngomap.importer.population``): they go through
the same sheet reader as 3W files.
"""

from __future__ import annotations

from collections.abc import Mapping

from ngomap.fingerprint import mapping_fingerprint


class Population(dict[str, float]):
    """{P-code: total population}, with a hash of its content computed once when made."""

    fingerprint: str

    def __init__(self, values: Mapping[str, float]) -> None:
        super().__init__(values)
        self.fingerprint = mapping_fingerprint(self)
