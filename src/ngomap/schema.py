"""The record model: canonical column names, HXL hashtags, and the problem report's shape."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any, Final

# Canonical columns of a records frame: one row per organisation x sector x area.
ORG_NAME: Final = "org_name"
ORG_ACRONYM: Final = "org_acronym"
ORG_TYPE: Final = "org_type"
PRESENCE: Final = "presence"
PARTNER: Final = "partner"
FUNDER: Final = "funder"
SECTOR: Final = "sector"
ADM1_CODE: Final = "adm1_code"
ADM1_NAME: Final = "adm1_name"
ADM2_CODE: Final = "adm2_code"
ADM2_NAME: Final = "adm2_name"
ADM3_CODE: Final = "adm3_code"
ADM3_NAME: Final = "adm3_name"
LAT: Final = "lat"
LON: Final = "lon"
STATUS: Final = "status"
START: Final = "start"
END: Final = "end"
TARGETED: Final = "targeted"
REACHED: Final = "reached"
# Derived by the importer.
ORG_KEY: Final = "org_key"  # one key per organisation across spelling variants
SECTOR_RAW: Final = "sector_raw"
OTHER_SECTOR_PREFIX: Final = "other: "  # a sector outside the vocabulary: "other: <as written>"
AREA_CODE: Final = "area_code"  # the P-code of the area the record is assigned to
AREA_LEVEL: Final = "area_level"  # the level of the matched area ("adm1", "adm2", "adm3")
AREA_RULE: Final = "area_rule"  # which rule found it: exact, normalised, prefix, fuzzy, ...
NATIONAL: Final = "national"  # True for nationwide records (never spread to every area)
SOURCE: Final = "source"
ROW: Final = "row"  # the row number as the user sees it in the spreadsheet
# Read from the registry only (a file's records have none of them).
ORG_COUNTRY: Final = "org_country"  # the organisation's country of origin ("" when unknown)
LIST_SOURCE: Final = "list_source"  # the list the presence is in (a round's source)
CONFIRMED: Final = "org_confirmed"  # the organisation's last confirmation (a date, or NaT)

# Fields a 3W file may hold, with the HXL hashtag (tag plus sorted attributes).
HXL_FIELDS: Final[dict[str, str]] = {
    "#org+name": ORG_NAME,
    "#org+acronym": ORG_ACRONYM,
    "#org+type": ORG_TYPE,
    "#org+presence": PRESENCE,
    "#org+impl": PARTNER,
    "#org+funding": FUNDER,
    "#sector": SECTOR,
    "#adm1+code": ADM1_CODE,
    "#adm1+name": ADM1_NAME,
    "#adm2+code": ADM2_CODE,
    "#adm2+name": ADM2_NAME,
    "#adm3+code": ADM3_CODE,
    "#adm3+name": ADM3_NAME,
    "#geo+lat": LAT,
    "#geo+lon": LON,
    "#status": STATUS,
    "#date+start": START,
    "#date+end": END,
    "#targeted": TARGETED,
    "#reached": REACHED,
}

RECORD_FIELDS: Final[tuple[str, ...]] = tuple(HXL_FIELDS.values())

ADMIN_LEVELS: Final[dict[str, tuple[str, str]]] = {
    "adm1": (ADM1_CODE, ADM1_NAME),
    "adm2": (ADM2_CODE, ADM2_NAME),
    "adm3": (ADM3_CODE, ADM3_NAME),
}


class Severity(StrEnum):
    """How bad a problem is: an error rejects the row, a warning keeps it."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or worth knowing) about one cell of the user's file."""

    row: int | None
    column: str | None
    value: str | None
    message_en: str
    message_fr: str
    severity: Severity = Severity.WARNING
    suggestion: str | None = None
    kind: str = ""  # what sort of problem, for grouping: "area.moved", "sector.unknown", ...
    rows: tuple[int, ...] = ()  # every row with this same problem (``row`` is the first)

    @property
    def count(self) -> int:
        """How many rows have this problem (1 for a problem about the whole file)."""
        return max(1, len(self.rows))

    def message(self, lang: str) -> str:
        """The message in ``lang`` ("fr" or "en")."""
        return self.message_fr if lang == "fr" else self.message_en

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        """A plain dict, for JSON and tables; ``message`` is in ``lang``."""
        data = asdict(self)
        data["severity"] = str(self.severity)
        data["message"] = self.message(lang)
        data["rows"] = list(self.rows) if self.rows else ([self.row] if self.row else [])
        return data
