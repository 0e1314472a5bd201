"""Template filters every app shares."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def lookup(mapping: Mapping[Any, Any] | None, key: Any) -> Any:
    """`{{ region_names|lookup:code }}`: a value of a dict the view built ("" when missing)."""
    return mapping.get(key, "") if isinstance(mapping, Mapping) else ""


@register.filter
def percent(share: Decimal | float | None) -> str:
    """0.1367 → "13.67%"; no value → "—"."""
    if share is None:
        return "—"
    return f"{Decimal(str(share)) * 100:.2f}%"
