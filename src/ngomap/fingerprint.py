"""Content fingerprints: a short hash of what a table or a set of areas holds.

The page caches views under these, computed once when a dataset, boundaries or population
table is made: two objects with the same content share a cache entry, and a changed file
(even with the same name) never meets an old entry. Memory addresses are never used, as a
freed address is reused by the next object.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

DIGEST_SIZE = 16  # bytes: 32 hex digits


def _hasher() -> hashlib.blake2b:
    return hashlib.blake2b(digest_size=DIGEST_SIZE)


def _column_bytes(column: pd.Series) -> bytes:
    """The column's values hashed row by row (pandas' vectorised hash), as bytes."""
    try:
        hashed = pd.util.hash_pandas_object(column, index=False, categorize=True)
    except TypeError:  # unhashable cells (lists): their text stands for them
        hashed = pd.util.hash_pandas_object(column.map(repr), index=False, categorize=True)
    return np.asarray(hashed, dtype=np.uint64).tobytes()


def frame_fingerprint(frame: pd.DataFrame, *extra: object) -> str:
    """A fingerprint of a frame: its columns, index, every value (geometry as WKB), ``extra``."""
    digest = _hasher()
    digest.update(repr((list(map(str, frame.columns)), frame.shape, extra)).encode())
    digest.update(_column_bytes(pd.Series(frame.index.astype(str), dtype=object)))
    for name in frame.columns:
        column = frame[name]
        if isinstance(column, gpd.GeoSeries) or str(column.dtype) == "geometry":
            wkb = shapely.to_wkb(np.asarray(column.values, dtype=object), hex=False)
            for item in wkb:
                digest.update(b"" if item is None else item)
            continue
        digest.update(str(column.dtype).encode())
        digest.update(_column_bytes(column))
    return digest.hexdigest()


def mapping_fingerprint(values: Mapping[str, float] | Iterable[tuple[str, float]]) -> str:
    """A fingerprint of a {key: number} table (a population table)."""
    items = sorted(dict(values).items())
    return hashlib.blake2b(repr(items).encode(), digest_size=DIGEST_SIZE).hexdigest()
