"""JSON as people export it from web sites: an array of objects (keys as headers), or HXL
JSON (an array of rows, the first the headers or the hashtags), read as a sheet."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from ngomap.errors import InputFileError
from ngomap.importer.sheets import Grid, decode
from ngomap.messages import Msg, pair


def _fail(name: str, en: str, fr: str) -> InputFileError:
    return InputFileError(f"{name}: {en}", f"{name} : {fr}")


def looks_like_json(data: bytes) -> bool:
    """True when the text starts as a JSON array or object does."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        cells = (_cell(v) for v in value)  # once each: twice was 2^depth calls when nested
        return "; ".join(c for c in cells if c)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _rows(document: Any) -> list[Any] | None:
    if isinstance(document, list):
        return document
    if isinstance(document, dict):  # {"data": [...]}: the first list of rows it holds
        for value in document.values():
            if isinstance(value, list) and value and isinstance(value[0], (dict, list)):
                return value
    return None


def read_json_grid(data: bytes, name: str) -> Grid:
    """A JSON file as a grid: row 1 the headers (the objects' keys, in order of first
    appearance), then one row per object; or the arrays as rows (HXL JSON)."""
    try:
        document = json.loads(decode(data))
    except json.JSONDecodeError as exc:
        raise _fail(
            name,
            *pair(Msg.JSONFILE_JSON_FILE_CANNOT, lineno=exc.lineno, colno=exc.colno, msg=exc.msg),
        ) from exc
    rows = _rows(document)
    if not rows:
        raise _fail(
            name,
            "this JSON file holds no list of rows. ngomap reads an array of objects (one per "
            'organisation and place, e.g. [{"Organisation": "...", "Région": "..."}]) or HXL '
            "JSON (an array of rows).",
            "ce fichier JSON ne contient pas de liste de lignes. ngomap lit un tableau "
            'd\'objets (un par organisation et lieu, p. ex. [{"Organisation": "...", '
            '"Région": "..."}]) ou du JSON HXL (un tableau de lignes).',
        )
    if all(isinstance(row, dict) for row in rows):
        keys: dict[str, None] = {}
        for row in rows:
            keys.update(dict.fromkeys(str(k) for k in row))
        table = [list(keys)] + [[_cell(row.get(k)) for k in keys] for row in rows]
    elif all(isinstance(row, list) for row in rows):
        width = max(len(row) for row in rows)
        table = [[_cell(v) for v in row] + [""] * (width - len(row)) for row in rows]
    else:
        raise _fail(
            name,
            *pair(Msg.JSONFILE_ROWS_JSON_FILE),
        )
    frame = pd.DataFrame(table, dtype=object)
    frame.index = np.arange(1, len(frame) + 1)
    return Grid.of_frame(frame, sheet=None)
