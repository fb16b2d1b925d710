"""Column types that differ by database: geometry is PostGIS in PostgreSQL, WKB bytes in SQLite."""

from __future__ import annotations

from typing import Any

from sqlalchemy import LargeBinary, func
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine, UserDefinedType

SRID = 4326


class PostGISGeometry(UserDefinedType[bytes]):
    """A PostGIS geometry in EPSG:4326, written and read as WKB bytes."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return f"geometry(Geometry, {SRID})"

    def bind_expression(self, bindvalue: Any) -> ColumnElement[Any]:
        return func.ST_GeomFromWKB(bindvalue, SRID, type_=self)

    def column_expression(self, colexpr: Any) -> ColumnElement[Any]:
        return func.ST_AsBinary(colexpr, type_=LargeBinary())


def Geometry() -> TypeEngine[bytes]:  # noqa: N802 - reads as a type in the models
    """WKB bytes everywhere in Python; a PostGIS geometry column in PostgreSQL."""
    return LargeBinary().with_variant(PostGISGeometry(), "postgresql")
