"""Prices as the catalogue shows them. Money itself is eldercare.core.money (integer fen); the
catalogue adds only that a price may be absent (None: not priced here, e.g. 低保 or 特困供养)."""

from eldercare.core.money import MoneyFormatError, format_fen, parse_yuan

__all__ = ["MoneyFormatError", "format_yuan", "parse_price"]


def parse_price(value: object) -> int | None:
    """Yuan as typed or written in a file → fen; blank → None. Floats are refused (core.money):
    write 12.50 in quotes in a YAML file."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float):
        raise MoneyFormatError("type", f'金额请写作文本（如 "{value:.2f}"）或整数：{value!r}')
    if not isinstance(value, str | int):
        raise MoneyFormatError("type", f"金额类型不正确：{type(value).__name__}")
    return parse_yuan(value)


def format_yuan(fen: int | None) -> str:
    """1250 → '12.50'; None → '' (not priced)."""
    return "" if fen is None else format_fen(fen)
