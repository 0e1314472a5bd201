"""The pure parts: which entry wins, and prices in yuan ↔ fen."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eldercare.catalogue.resolution import Candidate, depth, resolve
from eldercare.catalogue.yuan import MoneyFormatError, format_yuan, parse_price

NATIONAL, PROVINCE, CITY, COUNTY, VILLAGE = (
    "",
    "430000000000",
    "431100000000",
    "431102000000",
    "431102001001",
)


@pytest.mark.parametrize(
    ("code", "expected"),
    [(NATIONAL, 0), (PROVINCE, 1), (CITY, 2), (COUNTY, 3), ("431102001000", 4), (VILLAGE, 5)],
)
def test_depth(code: str, expected: int) -> None:
    assert depth(code) == expected


def test_the_nearest_region_wins_then_the_later_kind() -> None:
    candidates = [
        Candidate("ZC-001", NATIONAL, 0, "national"),
        Candidate("ZC-001", COUNTY, 1, "county 6+X"),
        Candidate("ZC-001", CITY, 2, "city purchase"),
        Candidate("ZY-001", CITY, 1, "city 6+X"),
        Candidate("ZY-001", CITY, 2, "city purchase"),
        Candidate("ZY-001", PROVINCE, 2, "province purchase"),
        Candidate("JB-01", NATIONAL, 0, "national only"),
    ]
    expected = {"ZC-001": "county 6+X", "ZY-001": "city purchase", "JB-01": "national only"}
    assert resolve(candidates) == expected
    assert resolve(reversed(candidates)) == expected


def test_nothing_resolves_to_nothing() -> None:
    assert resolve([]) == {}


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        ("12", 1200),
        ("12.5", 1250),
        ("12.50", 1250),
        ("0", 0),
        ("0.01", 1),
        (12, 1200),
        ("１２.５０", 1250),
        (" 8.00元 ", 800),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_parse_price(value, fen) -> None:
    assert parse_price(value) == fen


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("abc", "format"),
        ("-1", "negative"),
        ("NaN", "format"),
        (True, "type"),
        (12.5, "type"),  # a YAML 12.5 is a float: money is written as text
        (["12"], "type"),
        ("12.345", "decimals"),
    ],
)
def test_parse_price_refuses(value, code: str) -> None:
    with pytest.raises(MoneyFormatError) as caught:
        parse_price(value)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("fen", "text"), [(None, ""), (0, "0.00"), (1, "0.01"), (1250, "12.50"), (-5, "-0.05")]
)
def test_format_yuan(fen, text: str) -> None:
    assert format_yuan(fen) == text


@given(st.integers(min_value=0, max_value=10**10))
def test_format_then_parse_is_identity(fen: int) -> None:
    assert parse_price(format_yuan(fen)) == fen
