from typing import Any

from django import template

register = template.Library()


@register.filter
def lookup(mapping: dict[str, Any], key: str) -> Any:
    """`{{ names|lookup:code }}`: a value from a dict the view built (region names by code)."""
    return mapping.get(key, "") if mapping else ""
