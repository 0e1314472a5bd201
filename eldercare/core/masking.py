"""The one place that decides how personal data is masked for display and export.

Every masker preserves the length of its input so masked values still line up in tables and
a reader can tell an 18-digit ID from a 15-digit one.
"""

from __future__ import annotations

import re

__all__ = ["mask_id_number", "mask_name", "mask_phone"]

_STAR = "*"
_ID_KEEP_HEAD = 6
_ID_KEEP_TAIL = 4
_PHONE_KEEP_TAIL = 4
_LANDLINE_KEEP_TAIL = 3

_MOBILE_RE = re.compile(r"1\d{10}", re.ASCII)
_LANDLINE_RE = re.compile(r"(?P<area>0\d{2,3})-(?P<local>\d{7,8})(?P<ext>-\d+)?", re.ASCII)


def mask_id_number(number: str) -> str:
    """Keep the address code and the last four: "320102********1234"."""
    if len(number) <= _ID_KEEP_HEAD + _ID_KEEP_TAIL:
        return _STAR * len(number)
    hidden = len(number) - _ID_KEEP_HEAD - _ID_KEEP_TAIL
    return number[:_ID_KEEP_HEAD] + _STAR * hidden + number[-_ID_KEEP_TAIL:]


def mask_phone(phone: str) -> str:
    """Mobile "138****5678"; landline "0731-****567"; anything else keeps the last four."""
    if _MOBILE_RE.fullmatch(phone):
        return phone[:3] + _STAR * 4 + phone[-4:]
    landline = _LANDLINE_RE.fullmatch(phone)
    if landline:
        local = landline["local"]
        hidden = len(local) - _LANDLINE_KEEP_TAIL
        # The extension only identifies a desk within an organisation, not a person.
        return (
            f"{landline['area']}-{_STAR * hidden}{local[-_LANDLINE_KEEP_TAIL:]}"
            f"{landline['ext'] or ''}"
        )
    if len(phone) <= _PHONE_KEEP_TAIL:
        return _STAR * len(phone)
    return _STAR * (len(phone) - _PHONE_KEEP_TAIL) + phone[-_PHONE_KEEP_TAIL:]


def mask_name(name: str) -> str:
    """Keep the first character (usually the surname): "张*", "欧**", "阿*******"."""
    if len(name) <= 1:
        # A one-character name kept "as is" would not be masked at all.
        return _STAR * len(name)
    return name[0] + _STAR * (len(name) - 1)
