import pytest
from hypothesis import given
from hypothesis import strategies as st

from eldercare.regions.codes import (
    Level,
    RegionCodeError,
    ancestor_codes,
    is_within,
    level_of,
    normalize_code,
    parent_code,
    subtree_range,
)


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("430000000000", Level.PROVINCE),
        ("431100000000", Level.CITY),
        ("431102000000", Level.COUNTY),
        ("431102001000", Level.TOWNSHIP),
        ("431102001001", Level.VILLAGE),
    ],
)
def test_level_is_read_from_trailing_zeros(code: str, level: Level) -> None:
    assert level_of(code) == level


def test_subtree_range_of_a_county() -> None:
    assert subtree_range("431102000000") == ("431102000000", "431102999999")


def test_parent_and_ancestors() -> None:
    assert parent_code("431102001001") == "431102001000"
    assert parent_code("430000000000") == ""
    assert ancestor_codes("431102001001") == [
        "430000000000",
        "431100000000",
        "431102000000",
        "431102001000",
        "431102001001",
    ]


@pytest.mark.parametrize("bad", ["43110", "4311020010011", "43110200100a", "", "４３"])
def test_malformed_codes_are_refused(bad: str) -> None:
    with pytest.raises(RegionCodeError):
        normalize_code(bad)


def test_short_codes_are_padded() -> None:
    assert normalize_code("4311") == "431100000000"
    assert normalize_code(" 431102001 ") == "431102001000"


village_codes = st.from_regex(r"[1-6][0-9]{5}[0-9]{3}[0-9]{2}[1-9]", fullmatch=True)


@given(village_codes)
def test_every_ancestor_contains_the_village(code: str) -> None:
    for ancestor in ancestor_codes(code):
        assert is_within(code, ancestor)


@given(village_codes, village_codes)
def test_sibling_villages_are_outside_each_other(first: str, second: str) -> None:
    assert is_within(first, second) == (first == second)
