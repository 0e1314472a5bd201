from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def percent(share: Decimal | None) -> str:
    """0.1367 → "13.67%"; no value → "—"."""
    if share is None:
        return "—"
    return f"{share * 100:.2f}%"
