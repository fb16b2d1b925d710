"""A boundary file's points and nesting, counted on its bytes a chunk at a time."""

from __future__ import annotations

import json
import random

import pytest

from ngomap import limits
from ngomap.areas.files import read_boundary_uploads
from ngomap.errors import BoundaryError
from ngomap.limits import DEFAULT_LIMITS, Limits, check_boundary_json, json_depth, json_text_shape


def _random_value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.random()
    if depth > 6 or kind < 0.3:
        return rng.choice([1, "a[b{c", "]]}}", 2.5, None, '"[', "\\"])
    if kind < 0.65:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {f"k{i}[": _random_value(rng, depth + 1) for i in range(rng.randint(0, 4))}


@pytest.mark.parametrize("seed", range(40))
def test_counts_across_chunk_edges_match_the_parsed_value(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "_DEPTH_CHUNK", 7)  # many chunk edges in a small text
    value = _random_value(random.Random(seed))
    text = json.dumps(value, indent=seed % 3 or None).encode()
    depth, arrays = json_text_shape(text)
    assert depth == json_depth(value)
    assert arrays == json.dumps(value).count("[") - sum(str(s).count("[") for s in _strings(value))


def _strings(value: object) -> list[str]:
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            found.extend(item)
            stack.extend(item.values())
    return found


def test_a_boundary_json_over_the_points_limit_is_refused_in_a_sentence() -> None:
    ring = b"[1.5,2.5]," * 30 + b"[1.5,2.5]"
    text = b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
    text += b'"geometry":{"type":"Polygon","coordinates":[[' + ring + b"]]}}]}"
    check_boundary_json(text, "ok.geojson", Limits(max_file_coordinates=40), error=BoundaryError)
    with pytest.raises(BoundaryError) as caught:
        check_boundary_json(
            text, "gros.geojson", Limits(max_file_coordinates=20), error=BoundaryError
        )
    assert "gros.geojson" in caught.value.message("fr")
    assert "20" in caught.value.message("en")
    assert "simplify" in caught.value.message("en")


def test_an_upload_of_more_points_than_the_default_is_refused_before_reading() -> None:
    points = DEFAULT_LIMITS.max_file_coordinates + 10
    ring = b"[-10.5,14.5]," * points + b"[-10.5,14.5]"
    text = (
        b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
        b'{"ADM1_PCODE":"ML01","ADM1_FR":"Kayes"},"geometry":{"type":"Polygon",'
        b'"coordinates":[[' + ring + b"]]}}]}"
    )
    with pytest.raises(BoundaryError) as caught:
        read_boundary_uploads([("lourd.geojson", text)])
    message = caught.value.message("fr")
    assert message.startswith("lourd.geojson contient jusqu'à 2 000 0")
    assert "2 000 000" in message
