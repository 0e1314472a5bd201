"""Cleaning of spreadsheet cell values before they reach the domain rules.

Cells come from hand-maintained Excel sheets: full-width characters typed with a Chinese IME,
non-breaking spaces pasted from web pages, dates stored as serial numbers, phone lists typed
into one cell. Everything here is pure and free of Django so the import rules can be tested
(and property-tested) in isolation.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

__all__ = [
    "ETHNIC_GROUPS",
    "ValueFormatError",
    "clean_compact",
    "clean_name",
    "clean_text",
    "parse_date",
    "parse_ethnicity",
    "parse_phones",
    "split_list",
    "to_halfwidth",
]


class ValueFormatError(ValueError):
    """A cell value that cannot be read; ``code`` is stable, ``message`` is for the user."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


_HALFWIDTH_TABLE: dict[int, int] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_HALFWIDTH_TABLE[0x3000] = 0x20

# Zero-width characters are not whitespace to str.split() but arrive via copy-paste from
# web pages and WeChat, and would otherwise make two identical-looking values differ.
_INVISIBLE_TABLE: dict[int, None] = dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF))
_CELL_TABLE: dict[int, int | None] = {**_HALFWIDTH_TABLE, **_INVISIBLE_TABLE}


def to_halfwidth(text: str) -> str:
    """Map full-width ASCII (U+FF01..U+FF5E) to ASCII and the ideographic space to a space."""
    return text.translate(_HALFWIDTH_TABLE)


def _raw_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # An empty cell read through some libraries surfaces as NaN; it is a blank, not text.
        if math.isnan(value):
            return ""
        # Excel stores every number as a double, so a typed "3" comes back as 3.0.
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return str(int(value))
    text = value if isinstance(value, str) else str(value)
    # Imports call this millions of times; ASCII text has nothing to translate.
    return text if text.isascii() else text.translate(_CELL_TABLE)


def clean_text(value: object) -> str:
    """Cell value as text, half-width, stripped, internal whitespace runs collapsed to one space."""
    return " ".join(_raw_text(value).split())


def clean_compact(value: object) -> str:
    """Cell value as text with all whitespace removed (IDs, phones, codes, Chinese names)."""
    return "".join(_raw_text(value).split())


_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# "．" (U+FF0E) is already "." after to_halfwidth; the others are what IMEs and fonts
# offer when people try to type the middle dot of transliterated minority/foreign names.
_DOT_VARIANTS = "·•・‧･∙⋅﹒ㆍ."
_NAME_DOT_RE = re.compile(f"(?<=[{_CJK}])[{re.escape(_DOT_VARIANTS)}]+(?=[{_CJK}])")


def clean_name(value: object) -> str:
    """A person's name: compact, with any middle-dot look-alike between CJK chars made "·"."""
    return _NAME_DOT_RE.sub("·", clean_compact(value))


# --- dates -----------------------------------------------------------------------------------

_DATE_FORMS_HINT = "可用格式 1950-03-05、1950/3/5、1950.3.5、1950年3月5日、19500305"
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60
_EXCEL_SERIAL_MAX = 100_000

_TIME_SUFFIX_RE = re.compile(r"(?:\s+|\s*T\s*)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$", re.ASCII)
_DATE_RES = (
    re.compile(r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})", re.ASCII),
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]?", re.ASCII),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})", re.ASCII),
)


def _date_format_error(shown: object) -> ValueFormatError:
    return ValueFormatError("date_format", f"日期格式无法识别：{shown}；{_DATE_FORMS_HINT}")


def _from_excel_serial(serial: float, shown: object) -> date:
    if math.isnan(serial) or not 1 <= serial < _EXCEL_SERIAL_MAX + 1:
        raise _date_format_error(shown)
    # A fractional part is the time of day; the date is the whole part.
    whole = int(serial)
    if whole == _EXCEL_FAKE_LEAP_DAY:
        # Excel copies Lotus 1-2-3 in believing 1900 was a leap year; serial 60 is that day.
        raise ValueFormatError("date_invalid", f"日期不存在：{shown}（1900年2月29日不是有效日期）")
    if whole < _EXCEL_FAKE_LEAP_DAY:
        return _EXCEL_EPOCH + timedelta(days=whole + 1)
    return _EXCEL_EPOCH + timedelta(days=whole)


def parse_date(value: object) -> date:
    """Read a date cell: date/datetime objects, Excel serials, or the common written forms."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise _date_format_error(value)
    if isinstance(value, int | float | Decimal):
        return _from_excel_serial(float(value), value)

    text = clean_text(value)
    if not text:
        raise ValueFormatError("date_format", f"日期为空；{_DATE_FORMS_HINT}")
    date_part = _TIME_SUFFIX_RE.sub("", text)
    compact = "".join(date_part.split())
    for pattern in _DATE_RES:
        match = pattern.fullmatch(compact)
        if match:
            year, month, day = (int(match[k]) for k in ("y", "m", "d"))
            try:
                return date(year, month, day)
            except ValueError:
                raise ValueFormatError(
                    "date_invalid",
                    f"日期不存在：{text}（{year}年{month}月{day}日不是有效日期）",
                ) from None
    raise _date_format_error(text)


# --- phones ----------------------------------------------------------------------------------

_PHONE_SEPARATORS_RE = re.compile(r"[、,，;；/]+")
_DASHES_RE = re.compile(r"[‐‑‒–—―−﹣]")
_MOBILE_RE = re.compile(r"1[3-9]\d{9}", re.ASCII)
_COUNTRY_PREFIX_RE = re.compile(r"^(?:\+|00)?86-?")
_LANDLINE_LOCAL_RE = re.compile(r"-?(?P<local>\d{7,8})(?:(?:-|转|分机)(?P<ext>\d{1,6}))?", re.ASCII)
_THREE_DIGIT_AREA_RE = re.compile(r"0(?:10|2\d)", re.ASCII)


def _normalise_phone(token: str) -> str | None:
    """One phone number in canonical form, or None if the token is not one."""
    token = _DASHES_RE.sub("-", token).replace("(", "").replace(")", "")
    token = token.replace("（", "").replace("）", "")
    bare = token.replace("-", "")
    if _MOBILE_RE.fullmatch(bare):
        return bare
    without_country = _COUNTRY_PREFIX_RE.sub("", token, count=1)
    if without_country != token:
        if _MOBILE_RE.fullmatch(without_country.replace("-", "")):
            return without_country.replace("-", "")
        # International form drops the trunk 0 of the area code: +86-731-1234567.
        if without_country[:1] in tuple("23456789"):
            token = "0" + without_country
    if not token.startswith("0"):
        return None
    area_len = 3 if _THREE_DIGIT_AREA_RE.match(token) else 4
    area = token[:area_len]
    if not (area.isascii() and area.isdigit()):
        return None
    match = _LANDLINE_LOCAL_RE.fullmatch(token[area_len:])
    if not match:
        return None
    phone = f"{area}-{match['local']}"
    return f"{phone}-{match['ext']}" if match["ext"] else phone


def _phones_in_chunk(chunk: str) -> list[str]:
    # Whitespace is ambiguous: it separates numbers ("138… 139…") but also groups digits
    # inside one ("138 1234 5678", "0731 1234567"), so take the longest run of pieces that
    # still reads as a single number.
    pieces = chunk.split()
    phones: list[str] = []
    start = 0
    while start < len(pieces):
        for end in range(len(pieces), start, -1):
            phone = _normalise_phone("".join(pieces[start:end]))
            if phone is not None:
                phones.append(phone)
                start = end
                break
        else:
            raise ValueFormatError(
                "phone_format",
                f"电话号码格式无法识别：{pieces[start]}（手机号应为 11 位，固话如 0731-1234567）",
            )
    return phones


def parse_phones(value: object) -> list[str]:
    """All phone numbers in a cell, normalised and de-duplicated in order of appearance."""
    text = clean_text(value)
    phones: list[str] = []
    for chunk in _PHONE_SEPARATORS_RE.split(text):
        for phone in _phones_in_chunk(chunk):
            if phone not in phones:
                phones.append(phone)
    return phones


# --- ethnicity -------------------------------------------------------------------------------

# Order follows GB/T 3304 codes 01..56 so the tuple doubles as a choice list.
ETHNIC_GROUPS: tuple[str, ...] = (
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
)
_ETHNIC_SET = frozenset(ETHNIC_GROUPS)


def parse_ethnicity(value: object) -> str:
    """Full official name ("汉族") from either the full or the short form ("汉"); "" if blank."""
    text = clean_compact(value)
    if not text:
        return ""
    if text in _ETHNIC_SET:
        return text
    # Only ever append 族 — stripping it would turn "土家族" into "土家", and the short form
    # of 土族 / 水族 is a single character that must not be confused with anything longer.
    if text + "族" in _ETHNIC_SET:
        return text + "族"
    raise ValueFormatError(
        "ethnicity_unknown", f"民族无法识别：{text}（应为 56 个民族之一，如 汉族）"
    )


# --- lists -----------------------------------------------------------------------------------

_LIST_SEPARATORS_RE = re.compile(r"[、,，;；\s]+")


def split_list(value: object) -> list[str]:
    """Items of a free-text list cell ("助餐、助浴，陪诊"), empties dropped."""
    return [item for item in _LIST_SEPARATORS_RE.split(clean_text(value)) if item]
