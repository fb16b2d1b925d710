"""Filters by the registry's lists and the organisations' origins, on messy values: what is
chosen is kept, nothing else, nothing dropped in silence; a file (without those columns)
is not filtered; the title names the choice."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from ngomap import analysis as a
from ngomap import schema as s
from ngomap.render.captions import describe_filters

MESSY = st.text(alphabet=st.characters(codec="utf-8"), max_size=6)  # accents, blanks, "?"


@given(
    rows=st.lists(st.tuples(MESSY, MESSY), min_size=1, max_size=30),
    picked=st.sets(MESSY, max_size=4),
)
def test_chosen_lists_and_origins_keep_exactly_their_rows(
    rows: list[tuple[str, str]], picked: set[str]
) -> None:
    records = pd.DataFrame(
        {
            s.ORG_KEY: [f"o{i}" for i in range(len(rows))],
            s.LIST_SOURCE: [r[0] for r in rows],
            s.ORG_COUNTRY: [r[1] for r in rows],
        }
    )
    chosen = tuple(sorted(picked))
    by_list = a.filter_records(records, a.Filters(lists=chosen))
    assert list(by_list[s.LIST_SOURCE]) == [r[0] for r in rows if r[0] in picked]
    by_origin = a.filter_records(records, a.Filters(origins=chosen))
    assert list(by_origin[s.ORG_COUNTRY]) == [r[1] for r in rows if r[1] in picked]
    # Every value chosen: every row kept.
    everything = a.Filters(lists=tuple({r[0] for r in rows}), origins=tuple({r[1] for r in rows}))
    assert len(a.filter_records(records, everything)) == len(records)
    # A file has neither column: the filters leave it whole.
    plain = records.drop(columns=[s.LIST_SOURCE, s.ORG_COUNTRY])
    assert len(a.filter_records(plain, a.Filters(lists=chosen, origins=chosen))) == len(rows)


def test_the_title_names_the_lists_and_origins() -> None:
    filters = a.Filters(lists=("embassy",), origins=("France", ""))
    assert describe_filters(filters, "fr", {}) == (
        "tous les secteurs · origine : France, Non renseigné · listes : embassy"
    )
    assert describe_filters(filters, "en", {}).endswith(
        "origin: France, Not given · lists: embassy"
    )


def test_a_title_names_five_organisations_and_counts_the_others() -> None:
    """Choosing 156 organisations (a 3W's "select all") must not make a title of 156 names."""
    keys = tuple(f"o{i}" for i in range(156))
    names = {k: f"ONG {k}" for k in keys}
    fr = describe_filters(a.Filters(organisations=keys), "fr", names)
    assert fr == "tous les secteurs · ONG o0, ONG o1, ONG o2, ONG o3, ONG o4 + 151 autres"
    en = describe_filters(a.Filters(organisations=keys[:5]), "en", names)
    assert en == "all sectors · ONG o0, ONG o1, ONG o2, ONG o3, ONG o4"
