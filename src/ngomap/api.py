"""The public read feed (``ngomap api``): a small ASGI app serving the registry's public data.

/organisations.json, /organisations.csv (with an HXL hashtag row) and /presences.geojson,
each with an ETag and Last-Modified that follow the registry's latest changeset, and 304
when the client has it already. Read-only, public fields only (``registry.feed``); CSV cells
that a spreadsheet would run as a formula are written as text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any, Final

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ngomap.areas.boundaries import NAME_FR, Boundaries
from ngomap.cells import MARK, TRIGGERS
from ngomap.registry import feed
from ngomap.registry.accounts import PUBLIC

MAX_AGE: Final = 60  # seconds a client or proxy may keep a copy without asking
SIMPLIFY: Final = 0.005  # degrees: area outlines light enough for a feed


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: a leading = + - @ tab or CR gets a quote."""
    text = "" if value is None else str(value)
    return MARK + text if text.startswith(TRIGGERS) else text  # numbers too: a feed is text


def _flat(value: Any) -> str:
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict):
                parts.append(", ".join(str(v) for v in item.values() if v))
            else:
                parts.append(str(item))
        return "; ".join(p for p in parts if p)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def organisations_json(snap: feed.Snapshot) -> bytes:
    """Every public organisation with its presences nested."""
    by_org: dict[int, list[dict[str, Any]]] = {}
    for presence in snap.presences:
        row = {k: v for k, v in presence.items() if k != "organisation_id"}
        by_org.setdefault(presence["organisation_id"], []).append(row)
    body = {
        "updated": snap.updated.isoformat(),
        "changeset": snap.changeset,
        "organisations": [
            {**org, "presences": by_org.get(org["id"], [])} for org in snap.organisations
        ],
    }
    return json.dumps(body, ensure_ascii=False, indent=1).encode()


def organisations_csv(snap: feed.Snapshot) -> bytes:
    """One row per public organisation, an HXL hashtag row under the header; UTF-8 with BOM."""
    columns = [c for c in feed.HXL if any(c in org for org in snap.organisations)] or list(feed.HXL)
    columns = [c for c in columns if c in feed.HXL]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerow([feed.HXL[c] for c in columns])
    for org in snap.organisations:
        writer.writerow([safe_cell(_flat(org.get(c))) for c in columns])
    return out.getvalue().encode("utf-8-sig")


def _outlines(boundaries: Boundaries | None) -> dict[str, tuple[str, Any]]:
    if boundaries is None:
        return {}
    from shapely.geometry import mapping

    areas = boundaries.areas
    simple = areas.geometry.simplify(SIMPLIFY, preserve_topology=True)
    return {
        str(code): (str(areas.at[code, NAME_FR]), mapping(geom) if geom is not None else None)
        for code, geom in zip(areas.index, simple, strict=True)
    }


def presences_geojson(snap: feed.Snapshot, outlines: dict[str, tuple[str, Any]]) -> bytes:
    """One feature per area (its outline when known) listing who works there in what;
    nationwide presences in one feature without geometry."""
    names = {org["id"]: org["name"] for org in snap.organisations}
    areas: dict[str, list[dict[str, Any]]] = {}
    for presence in snap.presences:
        code = "" if presence["national"] else str(presence["area_code"] or "")
        areas.setdefault(code, []).append(
            {
                "organisation": names.get(presence["organisation_id"], ""),
                "organisation_id": presence["organisation_id"],
                "sector": presence["sector"],
                "mode": presence["mode"],
            }
        )
    features = []
    for code, rows in sorted(areas.items()):
        name, geometry = outlines.get(code, ("", None))
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "pcode": code,
                    "name": name if code else "nationwide",
                    "organisations": len({r["organisation_id"] for r in rows}),
                    "sectors": sorted({r["sector"] for r in rows}),
                    "presences": rows,
                },
            }
        )
    body = {"type": "FeatureCollection", "features": features}
    return json.dumps(body, ensure_ascii=False).encode()


def create_app(engine: Engine, *, boundaries: Boundaries | None = None) -> Starlette:
    """The feed's ASGI app on one registry; ``boundaries`` give the GeoJSON its outlines."""
    outlines = _outlines(boundaries)
    cache: dict[tuple[str, int], bytes] = {}

    def serve(
        make: Callable[[feed.Snapshot], bytes], media: str, name: str
    ) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            changeset, updated = feed.version(engine)
            tag = f'"ngomap-{changeset}"'
            headers = {
                "ETag": tag,
                "Last-Modified": format_datetime(updated.replace(microsecond=0), usegmt=True),
                "Cache-Control": f"public, max-age={MAX_AGE}",
                "Access-Control-Allow-Origin": "*",
                "X-Content-Type-Options": "nosniff",
            }
            if _fresh(request, tag, updated):
                return Response(status_code=304, headers=headers)
            body = cache.get((name, changeset))
            if body is None:
                body = make(feed.snapshot(engine, role=PUBLIC))
                cache.clear()  # keep only the newest version of each format
                cache[(name, changeset)] = body
            return Response(body, media_type=media, headers=headers)

        return endpoint

    routes = [
        Route(
            "/organisations.json",
            serve(organisations_json, "application/json", "json"),
            methods=["GET", "HEAD"],
        ),
        Route(
            "/organisations.csv",
            serve(organisations_csv, "text/csv; charset=utf-8", "csv"),
            methods=["GET", "HEAD"],
        ),
        Route(
            "/presences.geojson",
            serve(lambda s: presences_geojson(s, outlines), "application/geo+json", "geojson"),
            methods=["GET", "HEAD"],
        ),
    ]
    return Starlette(routes=routes)


def _fresh(request: Request, tag: str, updated: Any) -> bool:
    match = request.headers.get("if-none-match")
    if match is not None:
        return tag in [m.strip() for m in match.split(",")] or match.strip() == "*"
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return bool(updated.replace(microsecond=0) <= parsedate_to_datetime(since))
        except (TypeError, ValueError):
            return False
    return False


def serve_forever(engine: Engine, *, host: str, port: int, boundaries: Boundaries | None) -> None:
    """Run the feed with uvicorn until stopped."""
    import uvicorn

    uvicorn.run(create_app(engine, boundaries=boundaries), host=host, port=port, log_level="info")
