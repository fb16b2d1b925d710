"""Comparing two states of the presences: new, withdrawn, changed and updated, per key.

A presence's key is (organisation, sector, area); a key may hold several rows (periods,
partners). Each key gets order-free signatures of its rows' content, modes and statuses,
so the comparison is a few hashes and one merge, whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

ORG: Final = "org"
SECTOR: Final = "sector"
AREA: Final = "area"  # the area code, "" for nationwide
KEY: Final = (ORG, SECTOR, AREA)
CONTENT: Final = ("mode", "status", "start", "end", "partner", "funder", "targeted", "reached")
NEW: Final = "new"
WITHDRAWN: Final = "withdrawn"
CHANGED: Final = "changed"  # mode or status differs
UPDATED: Final = "updated"  # only dates, partners, funders or figures differ
UNCHANGED: Final = "unchanged"
NATIONWIDE: Final = ""


@dataclass(frozen=True)
class Candidate:
    """A known organisation that may be the same as one in the file, and why."""

    organisation_id: int
    name: str
    why: str  # "acronym" or "spelling"
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.organisation_id,
            "name": self.name,
            "why": self.why,
            "score": round(self.score, 1),
        }


@dataclass(frozen=True)
class Ambiguity:
    """An organisation of the file that matches no known one exactly, but looks like some."""

    name: str
    key: str
    candidates: tuple[Candidate, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "key": self.key,
            "candidates": [c.as_dict() for c in self.candidates],
        }


@dataclass(frozen=True)
class OrgChange:
    """A field of a known organisation that the file gives differently."""

    organisation_id: int
    name: str
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class LinkChange:
    """An organisation's local partners or funders that a round (or a later state) adds or
    takes away."""

    organisation_id: int  # negative: an organisation the round creates
    name: str
    kind: str  # "partners" or "funders"
    added: tuple[str, ...]
    removed: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.organisation_id,
            "name": self.name,
            "kind": self.kind,
            "added": list(self.added),
            "removed": list(self.removed),
        }


@dataclass
class Comparison:
    """How a file (or a later state) compares with the registry (or an earlier state)."""

    organisations_new: list[str]
    organisations_absent: list[str]
    organisations_ambiguous: list[Ambiguity]
    organisations_changed: list[OrgChange]
    presences_new: int
    presences_withdrawn: int
    presences_changed: int
    presences_updated: int
    presences_unchanged: int
    by_area: pd.DataFrame  # area, sector, arrivals, departures (organisations)
    round: int | None = None
    keys: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    links_changed: list[LinkChange] = field(default_factory=list)

    def link_counts(self) -> dict[str, int]:
        """Partners and funders added and removed, over every organisation."""
        out = {}
        for kind in ("partners", "funders"):
            found = [c for c in self.links_changed if c.kind == kind]
            out[f"{kind}_added"] = sum(len(c.added) for c in found)
            out[f"{kind}_removed"] = sum(len(c.removed) for c in found)
        return out

    def as_dict(self) -> dict[str, Any]:
        """The JSON of `ngomap registry import|diff`."""
        return {
            "round": self.round,
            "organisations_new": self.organisations_new,
            "organisations_absent": self.organisations_absent,
            "organisations_ambiguous": [a.name for a in self.organisations_ambiguous],
            "organisations_ambiguous_candidates": [
                a.as_dict() for a in self.organisations_ambiguous
            ],
            "organisations_changed": [
                {
                    "id": c.organisation_id,
                    "name": c.name,
                    "field": c.field,
                    "before": c.before,
                    "after": c.after,
                }
                for c in self.organisations_changed
            ],
            "presences_new": self.presences_new,
            "presences_withdrawn": self.presences_withdrawn,
            "presences_changed": self.presences_changed,
            "presences_updated": self.presences_updated,
            "presences_unchanged": self.presences_unchanged,
            "by_area": self.by_area.to_dict(orient="records"),
            **self.link_counts(),
            "links_changed": [c.as_dict() for c in self.links_changed],
        }


def _text(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), "").astype(str)


def _number(values: pd.Series) -> pd.Series:
    return _text(pd.to_numeric(values, errors="coerce").round(6))


def state(
    org: pd.Series | np.ndarray[Any, Any],
    frame: pd.DataFrame,
) -> pd.DataFrame:
    """A state to compare: one row per presence row, with its key and content as text.

    ``frame`` holds sector, area_code, national and the content columns (those missing count
    as empty); ``org`` the organisation of each row (an id, or a temporary negative one).
    """
    length = len(frame)
    area = _text(frame["area_code"]) if "area_code" in frame else pd.Series([""] * length)
    if "national" in frame:
        area = area.where(~frame["national"].fillna(False).astype(bool).to_numpy(), NATIONWIDE)
    out = pd.DataFrame(
        {
            ORG: np.asarray(org, dtype=np.int64),
            SECTOR: _text(frame["sector"]).to_numpy(),
            AREA: area.to_numpy(),
        }
    )
    for column in CONTENT:
        if column not in frame:
            out[column] = ""
        elif column in ("targeted", "reached"):
            out[column] = _number(frame[column]).to_numpy()
        else:
            out[column] = _text(frame[column]).to_numpy()
    return out


def _keys(before: pd.DataFrame, after: pd.DataFrame) -> tuple[np.ndarray[Any, Any], ...]:
    """Each row's key (organisation, sector, area) as one integer, the same in both states,
    and the distinct organisations, sectors and areas to read them back."""
    codes = []
    uniques = []
    for column in KEY:
        both = np.concatenate(
            [before[column].to_numpy(dtype=object), after[column].to_numpy(dtype=object)]
        )
        code, unique = pd.factorize(both)
        codes.append(code.astype(np.int64))
        uniques.append(np.asarray(unique, dtype=object))
    sizes = [max(len(u), 1) for u in uniques]
    key = (codes[0] * sizes[1] + codes[1]) * sizes[2] + codes[2]
    return key[: len(before)], key[len(before) :], *uniques


def _signatures(rows: pd.DataFrame, key: np.ndarray[Any, Any]) -> pd.DataFrame:
    """Per key: order-free hashes of the rows' content, of their modes and of their statuses."""
    content = pd.util.hash_pandas_object(rows[list(CONTENT)], index=False).to_numpy()
    out = pd.DataFrame({"key": key, "content": content}).groupby("key", sort=False).sum()
    for column in ("mode", "status"):
        hashed = pd.util.hash_array(rows[column].to_numpy(dtype=object))
        distinct = pd.DataFrame({"key": key, f"{column}_sig": hashed}).drop_duplicates()
        out = out.join(distinct.groupby("key", sort=False).sum())
    return out


def compare_states(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Each key of either state with what happened to it: new, withdrawn, changed, ..."""
    key_a, key_b, orgs, sectors, areas = _keys(before, after)
    left = _signatures(before, key_a)
    right = _signatures(after, key_b)
    both = left.add_suffix("_a").join(right.add_suffix("_b"), how="outer")
    in_a = both["content_a"].notna().to_numpy()
    in_b = both["content_b"].notna().to_numpy()
    differs = (both["content_a"] != both["content_b"]).to_numpy()
    strong = (
        (both["mode_sig_a"] != both["mode_sig_b"]) | (both["status_sig_a"] != both["status_sig_b"])
    ).to_numpy()
    what = np.select(
        [~in_a, ~in_b, strong, differs],
        [NEW, WITHDRAWN, CHANGED, UPDATED],
        default=UNCHANGED,
    )
    key = both.index.to_numpy(dtype=np.int64)
    sizes = (max(len(sectors), 1), max(len(areas), 1))
    out = pd.DataFrame(
        {
            ORG: np.asarray(orgs[key // (sizes[0] * sizes[1])], dtype=np.int64),
            SECTOR: pd.array(sectors[(key // sizes[1]) % sizes[0]], dtype="str"),
            AREA: pd.array(areas[key % sizes[1]], dtype="str"),
            "what": what,
        }
    )
    return out.sort_values(list(KEY), kind="stable", ignore_index=True)


def by_area(keys: pd.DataFrame) -> pd.DataFrame:
    """Arrivals and departures of organisations per area and sector."""
    moved = keys[keys["what"].isin([NEW, WITHDRAWN])]
    counts = (
        moved.drop_duplicates([*KEY, "what"])
        .groupby([AREA, SECTOR, "what"])[ORG]
        .nunique()
        .unstack("what", fill_value=0)
    )
    for column in (NEW, WITHDRAWN):
        if column not in counts:
            counts[column] = 0
    counts = counts.rename(columns={NEW: "arrivals", WITHDRAWN: "departures"})
    frame = counts[["arrivals", "departures"]].reset_index()
    frame.columns.name = None
    return frame.astype({"arrivals": "int64", "departures": "int64"})


def counts(keys: pd.DataFrame) -> dict[str, int]:
    """How many keys of each kind."""
    found = keys["what"].value_counts()
    return {kind: int(found.get(kind, 0)) for kind in (NEW, WITHDRAWN, CHANGED, UPDATED, UNCHANGED)}
