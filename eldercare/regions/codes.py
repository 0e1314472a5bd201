"""Pure arithmetic on 12-digit statistical division codes (统计用区划代码). No Django."""

from enum import IntEnum

CODE_LENGTH = 12
# Significant digits of a code per level: province 2, city 4, county 6, township 9, village 12.
PREFIX_LENGTHS = (2, 4, 6, 9, 12)


class Level(IntEnum):
    PROVINCE = 1
    CITY = 2
    COUNTY = 3
    TOWNSHIP = 4
    VILLAGE = 5


class RegionCodeError(ValueError):
    pass


def normalize_code(code: str) -> str:
    """Pad a short code (11, 4301, 430103001) to 12 digits; refuse anything else."""
    text = code.strip()
    if not text.isdigit() or not text.isascii():
        raise RegionCodeError(f"区划代码只能包含数字：{code!r}")
    if len(text) not in PREFIX_LENGTHS:
        raise RegionCodeError(f"区划代码应为2、4、6、9或12位：{code!r}")
    return text.ljust(CODE_LENGTH, "0")


def level_of(code: str) -> Level:
    if len(code) != CODE_LENGTH or not code.isdigit():
        raise RegionCodeError(f"区划代码应为12位数字：{code!r}")
    for index, length in enumerate(PREFIX_LENGTHS[:-1]):
        if code[length:] == "0" * (CODE_LENGTH - length):
            return Level(index + 1)
    return Level.VILLAGE


def prefix_of(code: str) -> str:
    """The significant digits that every code in this region's subtree starts with."""
    return code[: PREFIX_LENGTHS[level_of(code) - 1]]


def subtree_range(code: str) -> tuple[str, str]:
    """Inclusive bounds of all 12-digit codes in the subtree; a range query uses the index."""
    prefix = prefix_of(code)
    padding = CODE_LENGTH - len(prefix)
    return prefix + "0" * padding, prefix + "9" * padding


def parent_code(code: str) -> str:
    """The code of the enclosing region, or "" for a province."""
    level = level_of(code)
    if level == Level.PROVINCE:
        return ""
    return code[: PREFIX_LENGTHS[level - 2]].ljust(CODE_LENGTH, "0")


def ancestor_codes(code: str) -> list[str]:
    """Codes from the province down to and including this one."""
    level = level_of(code)
    return [code[:length].ljust(CODE_LENGTH, "0") for length in PREFIX_LENGTHS[:level]]


def is_within(code: str, scope_code: str) -> bool:
    low, high = subtree_range(scope_code)
    return low <= code <= high
