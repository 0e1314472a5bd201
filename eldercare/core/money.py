"""Money as integer fen (分): parse what people type in yuan, print fen as yuan. Pure, no Django.

Amounts are stored, computed and passed as `int` fen everywhere; yuan exist only at the edges
(forms, imports, pages, exports). Floats never carry money: `parse_yuan(60.5)` is refused.
"""

from __future__ import annotations

import re
from decimal import Decimal

__all__ = ["MoneyFormatError", "format_fen", "parse_yuan"]

_YUAN = re.compile(r"(-?)(\d+)(?:\.(\d{1,2}))?")
# 100 亿元: far above any subsidy or budget; keeps sums well inside 64-bit integers.
MAX_FEN = 10**12


class MoneyFormatError(ValueError):
    """A value that is not an amount of money; ``code`` is stable, ``message`` is for the user."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_yuan(
    value: str | Decimal | int, *, allow_negative: bool = False, allow_zero: bool = True
) -> int:
    """ "60" / "60.5" / "60.50" / "1,234.5" / "６０元" → fen; 3 decimals, floats and signs refused."""
    if isinstance(value, bool | float):
        raise MoneyFormatError(
            "type", f"金额不能是{type(value).__name__}类型，请使用文本或整数：{value!r}"
        )
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise MoneyFormatError("format", f"金额格式不正确：{value}")
        text = format(value, "f")
    elif isinstance(value, str):
        text = value
    else:
        raise MoneyFormatError("type", f"金额类型不正确：{type(value).__name__}")
    cleaned = _clean(text)
    match = _YUAN.fullmatch(cleaned)
    if match is None:
        if re.fullmatch(r"-?\d+\.\d{3,}", cleaned):
            raise MoneyFormatError("decimals", f"金额最多保留两位小数（到分）：{text.strip()}")
        raise MoneyFormatError(
            "format", f"金额格式不正确，应为如 60 或 60.50 的元数：{text.strip()!r}"
        )
    sign, whole, decimals = match.groups()
    fen = int(whole) * 100 + int((decimals or "").ljust(2, "0"))
    if sign and fen:
        fen = -fen
    if fen < 0 and not allow_negative:
        raise MoneyFormatError("negative", f"金额不能为负数：{text.strip()}")
    if fen == 0 and not allow_zero:
        raise MoneyFormatError("zero", "金额不能为零")
    if abs(fen) > MAX_FEN:
        raise MoneyFormatError("too_large", f"金额过大：{text.strip()}")
    return fen


def _clean(text: str) -> str:
    # Full-width digits and points typed with a Chinese IME, a yuan sign or suffix, thousands commas.
    halfwidth = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in text)
    cleaned = halfwidth.strip().replace(",", "").replace(" ", "")
    return cleaned.removeprefix("¥").removeprefix("￥").removesuffix("元")


def format_fen(fen: int, *, grouped: bool = False) -> str:
    """12345 → "123.45", -5 → "-0.05"; `grouped` adds thousands separators ("1,234.50")."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"format_fen expects int fen, got {type(fen).__name__}")
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    whole_text = f"{whole:,}" if grouped else str(whole)
    return f"{sign}{whole_text}.{cents:02d}"
