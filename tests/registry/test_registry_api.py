"""The public read feed: JSON, CSV with HXL, GeoJSON; caching headers; never staff fields."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from ngomap.api import create_app, safe_cell
from ngomap.areas.boundaries import Boundaries
from ngomap.registry import db, feed
from ngomap.registry import organisations as orgs

SECRET = "staff-only-secret@embassy.example"


# What AIS's profile holds in the registry of these tests (conftest's sample_registry).
AIS_CHANGES = {
    "contacts_staff": [{"name": "Chef", "email": SECRET}],
    "contacts_public": [{"email": "info@ais.example"}],
    "headquarters": '=HYPERLINK("http://evil.example")',
    "website": "@SUM(1+1)",
}


@pytest.mark.parametrize(
    "path", ["/organisations.json", "/organisations.csv", "/presences.geojson"]
)
def test_feed_never_has_staff_fields_and_answers_304(
    sample_registry: Engine, regions: Boundaries, path: str
) -> None:
    engine = sample_registry
    client = TestClient(create_app(engine, boundaries=regions))
    first = client.get(path)
    assert first.status_code == 200
    assert SECRET not in first.text
    assert "contacts_staff" not in first.text
    tag = first.headers["etag"]
    assert first.headers["last-modified"].endswith("GMT")
    assert "max-age" in first.headers["cache-control"]
    again = client.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    since = client.get(path, headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304
    # A change in the registry gives a new tag and new content.
    jdf = orgs.find(engine, "JDF")
    orgs.edit(engine, jdf, version=orgs.get(engine, jdf)["version"], changes={"country": "Mali"})
    changed = client.get(path, headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != tag
    assert client.post(path).status_code == 405  # read-only


def test_json_nests_presences(sample_registry: Engine) -> None:
    engine = sample_registry
    body = TestClient(create_app(engine)).get("/organisations.json").json()
    names = {o["name"]: o for o in body["organisations"]}
    assert set(names) == {"Aide Sahel", "Eau Pour Tous", "Jardins du Fleuve"}
    ais = names["Aide Sahel"]
    assert {(p["sector"], p["area_code"]) for p in ais["presences"]} == {
        ("HEA", "ML01"),
        ("EDU", "ML02"),
    }
    assert ais["contacts_public"] == [{"email": "info@ais.example"}]
    assert body["changeset"] == feed.version(engine)[0]


def test_csv_has_hxl_and_no_live_formula(sample_registry: Engine) -> None:
    engine = sample_registry
    response = TestClient(create_app(engine)).get("/organisations.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, tags = rows[0], rows[1]
    assert header[:2] == ["id", "name"]
    assert tags[:2] == ["#org+id", "#org+name"]
    ais = next(r for r in rows[2:] if r[1] == "Aide Sahel")
    cells = dict(zip(header, ais, strict=True))
    assert cells["headquarters"] == '\'=HYPERLINK("http://evil.example")'
    assert cells["website"] == "'@SUM(1+1)"
    assert cells["contacts_public"] == "info@ais.example"
    for row in rows[2:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_safe_cell() -> None:
    assert [safe_cell(v) for v in ("=1", "+1", "-1", "@a", "\tx", "\rx", "a=1", None, 3)] == [
        "'=1",
        "'+1",
        "'-1",
        "'@a",
        "'\tx",
        "'\rx",
        "a=1",
        "",
        "3",
    ]


def test_geojson_outlines_and_nationwide(sample_registry: Engine, regions: Boundaries) -> None:
    engine = sample_registry
    body = json.loads(
        TestClient(create_app(engine, boundaries=regions)).get("/presences.geojson").text
    )
    assert body["type"] == "FeatureCollection"
    features = {f["properties"]["pcode"]: f for f in body["features"]}
    assert set(features) == {"ML01", "ML02", "ML03", "ML04", "ML05"}
    kayes = features["ML01"]
    assert kayes["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert kayes["properties"]["presences"] == [
        {
            "organisation": "Aide Sahel",
            "organisation_id": orgs.find(engine, "AIS"),
            "sector": "HEA",
            "mode": "DIRECT",
        }
    ]


def test_staff_only_fields_reach_no_public_path(sample_registry: Engine) -> None:
    """The feed, the public form's starting entry, and the records every export reads."""
    from ngomap.registry import state
    from ngomap.registry.accounts import EDITOR, PUBLIC, VIEWER
    from ngomap.ui.request_form import _public_entries

    engine = sample_registry
    for role in (PUBLIC, VIEWER):
        snap = feed.snapshot(engine, role=role)
        assert SECRET not in json.dumps(snap.organisations + snap.presences)
    staff = feed.snapshot(engine, role=EDITOR)
    assert SECRET in json.dumps(staff.organisations)  # the test can fail: staff do see it
    entries, _ = _public_entries(engine)
    assert SECRET not in json.dumps(entries)
    assert all("contacts_staff" not in entry for entry in entries.values())
    records = state.records(engine)
    assert SECRET not in records.to_csv()
    assert not {"contacts_staff", "notes", "contact", "message"} & set(records.columns)


def test_one_migration_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(db.MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_ngomap_api_serves_on_a_port(db_url: str, sample_registry: Engine, tmp_path: Path) -> None:
    """`ngomap api --db URL --port P` starts uvicorn; the feed answers on 127.0.0.1."""
    del sample_registry  # made: the registry the served feed reads
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    script = str(Path(sys.executable).parent / "ngomap")
    command = [script, "api", "--db", db_url, "--port", str(port)]
    env = {**os.environ, "NGOMAP_DATA_DIR": str(tmp_path / "data")}
    server = subprocess.Popen(
        [*command], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        body = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/organisations.json", timeout=2
                ) as answer:
                    body = json.loads(answer.read())
                    etag = answer.headers["ETag"]
                break
            except OSError:
                time.sleep(0.5)
        assert body is not None, "the feed did not answer"
        assert {o["name"] for o in body["organisations"]} >= {"Aide Sahel"}
        assert SECRET not in json.dumps(body)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/organisations.json", headers={"If-None-Match": etag}
        )
        try:
            urllib.request.urlopen(request, timeout=5)
            status = 200
        except urllib.error.HTTPError as not_modified:
            status = not_modified.code
        assert status == 304
    finally:
        server.terminate()
        server.wait(timeout=20)
