"""How a user's 3W file is read: one frozen object that the page, the command line and the
tests pass through ``read_3w``, ``read_3w_areas``, ``import_dataset`` and
``import_dataset_areas``.

The run-time side of an import stays apart: the file's ``name``, the ``progress`` callback
(a worker process gives its own) and the ``limits`` (``ngomap.limits.Limits``, the file's
size included).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TypedDict

from ngomap.areas.boundaries import Boundaries
from ngomap.vocab import AliasFile


@dataclass(frozen=True)
class ImportOptions:
    """What to read a 3W file with.

    ``boundaries``: the areas to match records to (None: the embedded regions, or the
    file's own codes when they are another country's); ``column_map`` maps the user's
    headers to fields by hand ({"Acteur": "org_name"}); ``accept_suggestions`` applies the
    close spellings that are otherwise only suggested; ``org_aliases`` is the user's
    alias,name file (a path, or its name and bytes); ``vocab_aliases`` the user's
    alias,code files by vocabulary ("sectors", "org_types", "presence"); ``sheet`` the
    workbook's sheet (None: the one that looks like a 3W).
    """

    boundaries: Boundaries | None = None
    column_map: Mapping[str, str] | None = None
    accept_suggestions: bool = False
    org_aliases: AliasFile | None = None
    vocab_aliases: Mapping[str, AliasFile] | None = None
    sheet: str | None = None


class ImportKeywords(TypedDict, total=False):
    """``ImportOptions``' fields as keywords, so that ``read_3w(path, boundaries=b)`` reads
    as well as ``read_3w(path, options=ImportOptions(boundaries=b))`` (a test keeps the
    two lists the same)."""

    boundaries: Boundaries | None
    column_map: Mapping[str, str] | None
    accept_suggestions: bool
    org_aliases: AliasFile | None
    vocab_aliases: Mapping[str, AliasFile] | None
    sheet: str | None


def import_options(options: ImportOptions | None, keywords: ImportKeywords) -> ImportOptions:
    """``options`` (default: none set) with ``keywords`` set on top."""
    return replace(options or ImportOptions(), **keywords)
