"""The comparison of two states, on messy generated states (no database needed)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ngomap.registry import compare as c

_rows = st.lists(
    st.tuples(
        st.integers(1, 6),  # organisation
        st.sampled_from(["HEA", "EDU", "WSH"]),
        st.sampled_from(["ML01", "ML02", ""]),  # "" is nationwide
        st.sampled_from(["DIRECT", "PARTNER", None]),
        st.sampled_from(["En cours", "", None]),
        st.sampled_from(["2024-01-01", "", None]),
        st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False), st.just("12 000")),
    ),
    max_size=30,
)


def _state(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["org", "sector", "area_code", "mode", "status", "start", "targeted"]
    )
    frame["national"] = frame["area_code"] == ""
    return c.state(frame["org"].to_numpy(), frame)


def _keys(rows: list[tuple[object, ...]]) -> set[tuple[object, ...]]:
    return {(r[0], r[1], r[2]) for r in rows}


@settings(max_examples=30, deadline=None)
@given(_rows, _rows)
def test_comparison_accounts_for_every_key(
    a: list[tuple[object, ...]], b: list[tuple[object, ...]]
) -> None:
    keys = c.compare_states(_state(a), _state(b))
    found = c.counts(keys)
    assert found[c.NEW] == len(_keys(b) - _keys(a))
    assert found[c.WITHDRAWN] == len(_keys(a) - _keys(b))
    both = found[c.CHANGED] + found[c.UPDATED] + found[c.UNCHANGED]
    assert both == len(_keys(a) & _keys(b))
    arrivals = c.by_area(keys)
    assert arrivals["arrivals"].sum() == found[c.NEW]  # one organisation per new key
    assert arrivals["departures"].sum() == found[c.WITHDRAWN]


@settings(max_examples=20, deadline=None)
@given(_rows, st.randoms(use_true_random=False))
def test_the_same_rows_in_any_order_are_unchanged(
    rows: list[tuple[object, ...]], rng: object
) -> None:
    shuffled = list(rows)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    keys = c.compare_states(_state(rows), _state(shuffled))
    assert set(keys["what"]) <= {c.UNCHANGED}


@settings(max_examples=20, deadline=None)
@given(_rows)
def test_a_new_mode_is_a_change_and_a_new_date_an_update(rows: list[tuple[object, ...]]) -> None:
    if not rows:
        return
    first = rows[0]
    key: Any = first[:3]
    moved = [(*first[:3], "OCCASIONAL", *first[4:]), *rows[1:]]
    what = c.compare_states(_state(rows), _state(moved)).set_index(list(c.KEY))["what"]
    if all(r[3] != "OCCASIONAL" for r in rows if r[:3] == first[:3]) and first[3] != "OCCASIONAL":
        assert what.loc[key] == c.CHANGED
    redated = [(*first[:5], "2031-12-31", first[6]), *rows[1:]]
    what = c.compare_states(_state(rows), _state(redated)).set_index(list(c.KEY))["what"]
    assert what.loc[key] in (c.UPDATED, c.UNCHANGED)  # unchanged when a twin row has it
