from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ngomap.render.classes import ZERO_COLOR, classify_counts, classify_rates, natural_breaks


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


def _squared_deviations(values: list[float], uppers: list[float]) -> float:
    """The within-class sum of squared deviations of ``values`` cut at ``uppers``."""
    import numpy as np

    data = np.sort(np.asarray(values, dtype=float))
    cls = np.searchsorted(np.asarray(uppers), data, side="left")
    return float(sum(((data[cls == c] - data[cls == c].mean()) ** 2).sum() for c in set(cls)))


def test_natural_breaks_on_a_textbook_case() -> None:
    # Three clear groups: the breaks fall between them.
    values = [1, 2, 2, 3, 10, 11, 12, 30, 31, 33]
    assert natural_breaks(values, 3) == [3.0, 12.0, 33.0]
    assert natural_breaks(values, 1) == [33.0]
    assert natural_breaks([5, 5, 5], 4) == [5.0]  # fewer distinct values than classes
    assert natural_breaks([], 3) == []


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(st.integers(min_value=0, max_value=400), st.floats(0, 1e4, allow_nan=False)),
        min_size=6,
        max_size=80,
    ),
    st.integers(min_value=2, max_value=6),
)
def test_natural_breaks_are_at_least_as_good_as_mapclassify(values: list[float], k: int) -> None:
    """mapclassify's FisherJenks (the library's reference) as the oracle: our breaks never
    leave more squared deviation within classes than its, and each class is used."""
    import warnings

    import mapclassify
    import numpy as np

    distinct = np.unique(np.asarray(values, dtype=float))
    assume(distinct.size >= k)
    ours = natural_breaks(values, k)
    assert len(ours) == k
    assert ours == sorted(set(ours))
    assert ours[-1] == max(values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Numba not installed"
        theirs = [float(b) for b in mapclassify.FisherJenks(np.asarray(values, float), k=k).bins]
    scale = max(1.0, float(np.var(values)) * len(values))
    assert _squared_deviations(values, ours) <= _squared_deviations(values, theirs) + 1e-6 * scale
