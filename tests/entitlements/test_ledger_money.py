"""Yuan ↔ fen at the edges of the ledger (eldercare.core.money)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eldercare.core.money import MAX_FEN, MoneyFormatError, format_fen, parse_yuan


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("60", 6_000),
        ("60.5", 6_050),
        ("60.50", 6_050),
        ("0.01", 1),
        ("0", 0),
        (" 60 ", 6_000),
        ("６０．５", 6_050),  # typed with a Chinese IME
        ("60元", 6_000),
        ("¥60", 6_000),
        ("￥1,234.5", 123_450),
        (60, 6_000),
        (Decimal("60.5"), 6_050),
        (Decimal("60.50"), 6_050),
    ],
)
def test_parse_yuan(text: object, fen: int) -> None:
    assert parse_yuan(text) == fen  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("60.505", "decimals", "金额最多保留两位小数（到分）：60.505"),
        ("-60", "negative", "金额不能为负数：-60"),
        ("", "format", "金额格式不正确"),
        ("六十", "format", "金额格式不正确"),
        ("60.", "format", "金额格式不正确"),
        (".5", "format", "金额格式不正确"),
        ("1e3", "format", "金额格式不正确"),
        ("NaN", "format", "金额格式不正确"),
        ("10000000001", "too_large", "金额过大"),
        (60.5, "type", "金额不能是float类型"),
        (True, "type", "金额不能是bool类型"),
        (None, "type", "金额类型不正确：NoneType"),
        (Decimal("NaN"), "format", "金额格式不正确"),
        (Decimal("0.001"), "decimals", "两位小数"),
    ],
)
def test_parse_yuan_refuses(text: object, code: str, message: str) -> None:
    with pytest.raises(MoneyFormatError) as error:
        parse_yuan(text)  # type: ignore[arg-type]
    assert error.value.code == code
    assert message in error.value.message


def test_parse_yuan_negative_and_zero_only_when_allowed() -> None:
    assert parse_yuan("-12.3", allow_negative=True) == -1_230
    assert parse_yuan("-0", allow_negative=False) == 0
    with pytest.raises(MoneyFormatError, match="金额不能为零"):
        parse_yuan("0.00", allow_zero=False)


@pytest.mark.parametrize(
    ("fen", "text", "grouped"),
    [
        (6_000, "60.00", "60.00"),
        (6_050, "60.50", "60.50"),
        (1, "0.01", "0.01"),
        (0, "0.00", "0.00"),
        (-5, "-0.05", "-0.05"),
        (123_456_789, "1234567.89", "1,234,567.89"),
    ],
)
def test_format_fen(fen: int, text: str, grouped: str) -> None:
    assert format_fen(fen) == text
    assert format_fen(fen, grouped=True) == grouped


def test_format_fen_refuses_anything_but_int() -> None:
    with pytest.raises(TypeError):
        format_fen(60.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_fen(True)


@given(st.integers(-MAX_FEN, MAX_FEN))
def test_format_then_parse_is_the_identity(fen: int) -> None:
    assert parse_yuan(format_fen(fen), allow_negative=True) == fen
    assert parse_yuan(format_fen(fen, grouped=True), allow_negative=True) == fen
