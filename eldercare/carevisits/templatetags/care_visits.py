from typing import Any

from django import template

register = template.Library()


@register.filter
def pick(mapping: dict[str, Any], key: str) -> Any:
    """`{{ names|pick:code }}`: a value of a dict by a variable key ("" when missing)."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""
