"""The Django-free parts: roll-up by code prefix, age bands, figure data."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eldercare.dashboards.bands import AGE_BANDS
from eldercare.dashboards.charts import FigureData, Point, Series
from eldercare.dashboards.rollup import rollup
from eldercare.regions.codes import is_within

villages = st.builds(
    lambda county, township, village: f"4311{county:02d}{township:03d}{village:03d}",
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(1, 3),
)
counts = st.dictionaries(
    st.sampled_from(["a", "b"]),
    st.dictionaries(st.sampled_from(["x", "y", "z"]), st.integers(0, 1000), min_size=1),
    min_size=1,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(villages, counts, max_size=12))
def test_every_region_holds_the_sum_over_its_villages(by_village) -> None:
    regions = rollup(by_village)
    for region, region_counts in regions.items():
        inside = [c for code, c in by_village.items() if region == "" or is_within(code, region)]
        for figure in ("a", "b"):
            for key in ("x", "y", "z"):
                expected = sum(c.get(figure, {}).get(key, 0) for c in inside)
                assert region_counts.get(figure, {}).get(key, 0) == expected
    # Villages keep their own counts; the country, province, city are all there.
    for code in by_village:
        assert regions[code] == {f: dict(v) for f, v in by_village[code].items()}
    if by_village:
        assert {"", "430000000000", "431100000000"} <= set(regions)


def test_a_malformed_code_counts_for_the_country_only() -> None:
    regions = rollup({"4311": {"a": {"x": 2}}, "431102001001": {"a": {"x": 3}}})
    assert regions[""] == {"a": {"x": 5}}
    assert regions["431100000000"] == {"a": {"x": 3}}
    assert "4311" not in regions


@given(st.integers(0, 130))
def test_bands_cover_60_and_over_without_overlap(age: int) -> None:
    matching = [
        band for band in AGE_BANDS if age >= band.low and (band.high is None or age <= band.high)
    ]
    assert len(matching) == (1 if age >= 60 else 0)


def test_band_keys() -> None:
    assert [band.key for band in AGE_BANDS] == [
        "60-64",
        "65-69",
        "70-74",
        "75-79",
        "80-84",
        "85-89",
        "90-94",
        "95-99",
        "100+",
    ]


def test_figure_data_checks_its_shape_and_drops_links() -> None:
    with pytest.raises(ValueError, match="2 categories"):
        FigureData(("a", "b"), (Series("n", (Point(1),)),))
    data = FigureData(("a", "b"), (Series("n", (Point(1, "/x"), Point(0, "/y"))),))
    assert not data.is_empty
    assert [p.url for p in data.without_links().series[0].points] == ["", ""]
    assert data.table_rows() == [("a", [Point(1, "/x")]), ("b", [Point(0, "/y")])]
    assert FigureData(("a",), (Series("n", (Point(0),)),)).is_empty
    assert Point(1234).display == "1,234" and Point(None).display == "—"
    assert Point(2.5, text="2.50").display == "2.50"
