"""Template filters over the one masking formatter (core.masking)."""

from django import template

from eldercare.core.masking import mask_id_number, mask_phone

register = template.Library()


@register.filter
def masked_id(value: str) -> str:
    return mask_id_number(value or "")


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value or "")


@register.filter
def yuan(fen: int | None) -> str:
    """Money is stored in fen; shown as yuan with two decimals and thousands separators."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"
