from hypothesis import given
from hypothesis import strategies as st

from ngomap.render.classes import ZERO_COLOR, classify_counts, classify_rates


def test_few_distinct_counts_get_one_class_each() -> None:
    classes = classify_counts([0, 3, 3, 7, 12])
    assert classes.bounds == ((1, 3), (4, 7), (8, 12))
    assert classes.labels() == ["1–3", "4–7", "8–12"]
    assert classes.color(0) == ZERO_COLOR
    assert len(set(classes.colors)) == 3
    assert ZERO_COLOR not in classes.colors


def test_many_counts_get_natural_breaks() -> None:
    classes = classify_counts(list(range(40)), k=5)
    assert len(classes.bounds) == 5
    assert classes.bounds[0][0] == 1
    assert classes.bounds[-1][1] == 39


def test_all_zero_gives_no_class() -> None:
    classes = classify_counts([0, 0])
    assert classes.bounds == ()
    assert classes.color(0) == ZERO_COLOR


@given(st.lists(st.integers(min_value=0, max_value=500), max_size=60))
def test_every_count_falls_in_exactly_one_class(values: list[int]) -> None:
    classes = classify_counts(values)
    for value in values:
        if value == 0:
            assert classes.color(value) == ZERO_COLOR
        else:
            hits = [b for b in classes.bounds if b[0] <= value <= b[1]]
            assert len(hits) == 1
    uppers = [b[1] for b in classes.bounds]
    assert uppers == sorted(uppers)


def test_no_data_is_not_zero() -> None:
    classes = classify_counts([0, 2, float("nan")])
    assert classes.color(float("nan")) == classes.no_data_color
    assert classes.no_data_color != classes.zero_color != classes.color(2)


def test_rates_get_decimal_classes_that_cover_every_value() -> None:
    values = [0.0, 0.4, 1.25, 3.3, 7.9, 12.0, 15.5, float("nan")]
    classes = classify_rates(values)
    assert not classes.integer
    assert all("." in label for label in classes.labels())
    for value in values[1:-1]:
        assert classes.color(value) in classes.colors
