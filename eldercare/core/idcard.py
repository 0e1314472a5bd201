"""Resident identity numbers (公民身份号码) per GB 11643-1999.

An 18-character number is address(6) + birth date YYYYMMDD(8) + sequence(3) + check character.
The odd/even sequence digit encodes sex. Legacy 15-digit numbers (address + YYMMDD + sequence)
were issued before 1999 and are still found in old paper records, so they are accepted and
converted, with a flag where the converted birth date cannot be trusted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from eldercare.core.normalize import clean_compact

__all__ = [
    "IdNumber",
    "IdNumberError",
    "check_character",
    "convert_legacy",
    "parse_id_number",
]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_MIN_BIRTH_YEAR = 1850
# Cards were only issued from age 16, so a converted legacy number implying someone younger
# means the "19" century assumption (or the number itself) is wrong.
_LEGACY_MIN_AGE = 16
# GB 11643 reserved sequence codes 996-999 for centenarians; for them "19" is the wrong century.
_CENTENARIAN_SEQUENCES = frozenset({"996", "997", "998", "999"})

_SCIENTIFIC_RE = re.compile(r"[+-]?\d+(?:\.\d*)?[eE][+-]?\d+", re.ASCII)
# "110105194912310020.0" is what str() of a float cell looks like once it has been through
# another tool; the digits after the 15th are already gone.
_DECIMAL_TEXT_RE = re.compile(r"\d+\.\d*", re.ASCII)
_ALLOWED_CHARS = frozenset("0123456789X")


class IdNumberError(ValueError):
    """An unusable ID number; ``code`` is stable for programs, ``message`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class IdNumber:
    number: str
    address_code: str
    birth_date: date
    sex: Literal["M", "F"]
    was_legacy: bool
    needs_manual_birth_date: bool


def _numeric_cell_error() -> IdNumberError:
    return IdNumberError(
        "id_numeric_cell",
        "身份证号被存成了数字格式，Excel 只保留 15 位有效数字，后几位已经丢失；"
        "请把该单元格设为“文本”格式后重新录入完整号码",
    )


def check_character(first17: str) -> str:
    """The 18th (check) character for the first 17 digits of an ID number."""
    if len(first17) != len(_WEIGHTS) or not (first17.isascii() and first17.isdigit()):
        raise IdNumberError("id_chars", f"计算校验码需要 17 位数字，收到：{first17}")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def convert_legacy(number15: str) -> str:
    """18-character form of a 15-digit legacy number (century "19" inserted, check appended)."""
    if len(number15) != 15 or not (number15.isascii() and number15.isdigit()):
        raise IdNumberError("id_chars", f"15 位旧身份证号应全部为数字，收到：{number15}")
    first17 = f"{number15[:6]}19{number15[6:]}"
    return first17 + check_character(first17)


def _age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _birth_date(number: str, today: date) -> date:
    digits = number[6:14]
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:])
    try:
        birth = date(year, month, day)
    except ValueError:
        raise IdNumberError(
            "id_birth_date", f"出生日期无效：{year}年{month}月{day}日不是真实的日期"
        ) from None
    if birth.year < _MIN_BIRTH_YEAR:
        raise IdNumberError("id_birth_date", f"出生日期无效：{year}年早于{_MIN_BIRTH_YEAR}年")
    if birth > today:
        raise IdNumberError(
            "id_birth_date", f"出生日期无效：{birth.isoformat()} 晚于今天（{today.isoformat()}）"
        )
    return birth


def _normalise(value: object) -> str:
    if value is None:
        raise IdNumberError("id_empty", "身份证号为空")
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        raise _numeric_cell_error()
    text = clean_compact(value).upper()
    if not text:
        raise IdNumberError("id_empty", "身份证号为空")
    if _SCIENTIFIC_RE.fullmatch(text) or _DECIMAL_TEXT_RE.fullmatch(text):
        raise _numeric_cell_error()
    return text


def parse_id_number(
    value: object, *, today: date | None = None, strict_legacy: bool = False
) -> IdNumber:
    """Validate and decode an ID number from a cell value.

    ``strict_legacy`` turns the doubtful-legacy flag (``needs_manual_birth_date``) into an
    ``id_legacy_age`` error, for callers that cannot hold a record for manual review.
    """
    today = today or date.today()
    text = _normalise(value)

    bad = sorted(set(text) - _ALLOWED_CHARS)
    if bad:
        raise IdNumberError("id_chars", f"身份证号含有非法字符：{''.join(bad)}")
    if len(text) not in (15, 18):
        raise IdNumberError(
            "id_length", f"身份证号长度应为 18 位（或旧版 15 位），实际为 {len(text)} 位"
        )
    if "X" in text[:-1] or (len(text) == 15 and "X" in text):
        raise IdNumberError("id_chars", "身份证号中的 X 只能出现在第 18 位")

    was_legacy = len(text) == 15
    needs_manual = False
    if was_legacy:
        number = convert_legacy(text)
        birth = _birth_date(number, today)
        too_young = _age_on(birth, today) < _LEGACY_MIN_AGE
        centenarian = text[12:15] in _CENTENARIAN_SEQUENCES
        needs_manual = too_young or centenarian
        if needs_manual and strict_legacy:
            reason = (
                "顺序码 996-999 为百岁老人专用，出生年份可能是 18xx 年"
                if centenarian
                else f"换算出的年龄不足 {_LEGACY_MIN_AGE} 岁"
            )
            raise IdNumberError(
                "id_legacy_age",
                f"15 位旧身份证号换算后出生日期存疑：{reason}；请核对并手工填写出生日期",
            )
    else:
        number = text
        birth = _birth_date(number, today)
        expected = check_character(number[:17])
        if number[17] != expected:
            raise IdNumberError("id_checksum", f"校验码错误：应为{expected}")

    return IdNumber(
        number=number,
        address_code=number[:6],
        birth_date=birth,
        sex="M" if int(number[16]) % 2 else "F",
        was_legacy=was_legacy,
        needs_manual_birth_date=needs_manual,
    )
