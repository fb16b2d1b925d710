"""Coded columns against plain pandas: same rows, same groups, whatever the values."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ngomap.coded import Coded, group, positions_by_code, span
from ngomap.normalise import norm_text

VALUE = st.sampled_from(["", "Mopti", "mopti", " MOPTI ", "Kayes", "Ségou", "segou", "x"])
COLUMN = st.lists(VALUE, min_size=0, max_size=40)


@given(COLUMN)
def test_map_equals_a_plain_map(values: list[str]) -> None:
    column = Coded.of(values)
    mapped = column.map(norm_text)
    assert mapped.array().tolist() == [norm_text(v) for v in values]
    assert len(set(mapped.values)) == len(mapped.values)  # distinct after mapping
    assert set(mapped.values) == {norm_text(v) for v in values}  # and each one used


@given(COLUMN, st.data())
def test_take_then_unique_keeps_only_used_values(values: list[str], data: st.DataObject) -> None:
    column = Coded.of(values)
    drawn = data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values)))
    mask = np.array(drawn, dtype=bool)
    taken = column.take(mask).unique()
    assert taken.array().tolist() == [v for v, m in zip(values, mask, strict=True) if m]
    assert set(taken.values) == {v for v, m in zip(values, mask, strict=True) if m}


@settings(max_examples=200, deadline=None)  # a shared CI machine is slow now and then
@given(st.lists(st.tuples(VALUE, VALUE, st.sampled_from(["a", "b"])), max_size=50))
def test_group_numbers_combinations_like_pandas(rows: list[tuple[str, str, str]]) -> None:
    frame = pd.DataFrame(rows, columns=["a", "b", "c"], dtype=object)
    ids, first = group([Coded.of(frame[c].to_list()) for c in "abc"], len(frame))
    expected = frame.groupby(["a", "b", "c"], sort=False).ngroup().to_numpy()
    assert ids.tolist() == expected.tolist()
    assert first.tolist() == [int(np.flatnonzero(expected == g)[0]) for g in range(len(first))]


def test_group_packs_many_wide_columns_without_overflow() -> None:
    rng = np.random.default_rng(1)
    columns = [Coded.of(rng.integers(0, 5000, 2000).astype(str)) for _ in range(8)]
    ids, first = group(columns)
    frame = pd.DataFrame({i: c.array() for i, c in enumerate(columns)})
    assert ids.tolist() == frame.groupby(list(frame.columns), sort=False).ngroup().tolist()
    assert len(first) == ids.max() + 1


def test_where_positions_and_span() -> None:
    names = Coded.of(["A", "", "B", ""])
    acronyms = Coded.of(["a", "b", "c", "b"])
    filled = names.where(names.mask(lambda v: v == ""), acronyms)
    assert filled.array().tolist() == ["A", "b", "B", "b"]
    positions = positions_by_code(filled.codes, len(filled.values))
    by_value = {filled.values[code]: p.tolist() for code, p in enumerate(positions)}
    assert by_value == {"A": [0], "b": [1, 3], "B": [2]}
    assert span(np.array([3, 4, 5])) == slice(3, 6)
    assert span(np.array([3, 5])).tolist() == [3, 5]  # type: ignore[union-attr]
    assert Coded.constant("x", 0).array().tolist() == []
