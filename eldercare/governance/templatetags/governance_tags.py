"""Template filters of the governance pages: indicator values and gaps as people read them."""

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def indicator(value: Any, is_share: bool = False) -> str:
    """0.5 → "50%" for a share, 12 → "12" for a count; None → "—"."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value))
    if is_share:
        percent = (number * 100).quantize(Decimal("0.01")).normalize()
        return f"{percent:f}%"
    return f"{number.normalize():f}" if number != 0 else "0"
