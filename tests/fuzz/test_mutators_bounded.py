"""No mutation makes an input bigger than MAX_OUTPUT: the campaign's own process stays bounded.

5,000 copies of a 4 MB feature once grew the campaign (not a bounded worker) to 18 GB, and
the machine's out-of-memory killer stopped it.
"""

from __future__ import annotations

import json
import random
from typing import Any

from benchmarks.fuzz.mutators import MAX_OUTPUT, many_rows, property_damage, splice_chunk


class Most(random.Random):
    """Always the biggest choice, the last branch."""

    def choice(self, seq: Any) -> Any:
        return max(seq) if all(isinstance(x, int) for x in seq) else seq[-1]

    def randrange(self, *args: Any, **kwargs: Any) -> int:
        stop = args[-1] if len(args) > 1 else args[0]
        return int(stop) - 1

    def randint(self, a: int, b: int) -> int:
        return b

    def random(self) -> float:
        return 0.0


def big_feature_collection(size: int) -> bytes:
    ring = [[-10 + i * 1e-6, 14.0] for i in range(size // 24)] + [[-10, 14.0]]
    feature = {
        "type": "Feature",
        "properties": {"ADM1_PCODE": "ML01"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def test_copies_of_a_big_feature_stop_at_the_cap() -> None:
    data = big_feature_collection(4_000_000)
    _, out = property_damage("a.geojson", data, Most())
    assert len(out) <= MAX_OUTPUT + len(data)
    assert len(json.loads(out)["features"]) > 1


def test_copies_of_a_long_line_stop_at_the_cap() -> None:
    data = b"a,b\n" + b"x" * 5_000_000 + b"\n" + b"y" * 5_000_000 + b"\n"
    _, out = many_rows("a.csv", data, Most())  # 50,000 copies of a 5 MB line, uncapped
    assert len(out) <= MAX_OUTPUT + len(data)
    _, out = splice_chunk("a.csv", data, Most())
    assert len(out) <= MAX_OUTPUT + len(data)
