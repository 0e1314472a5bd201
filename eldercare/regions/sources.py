"""Readers of division lists into plain records. No Django.

Two layouts are accepted:
- the china-division package's five CSV files (provinces, cities, areas, streets, villages);
- one official CSV with columns 代码/code, 名称/name and optionally 城乡分类代码/class_code
  (the National Bureau of Statistics layout, which carries the urban/rural class 111…220).
"""

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from eldercare.regions.codes import (
    Level,
    RegionCodeError,
    ancestor_codes,
    level_of,
    normalize_code,
    parent_code,
    prefix_of,
)

URBAN = "urban"
RURAL = "rural"

_URBAN_NAME = re.compile(r"居委会|居民委员会|社区|家委会|家属委员会")
_RURAL_NAME = re.compile(r"村委会|村民委员会|村委|嘎查|牧委会|渔委会|生产队|牧业队|村$")
_CLASS_CODES = {"111", "112", "121", "122", "123", "210", "220"}
_CHINA_DIVISION_FILES = ("provinces", "cities", "areas", "streets", "villages")


class SourceError(ValueError):
    """A malformed division file; the message names the file and line."""


@dataclass(frozen=True)
class RegionRecord:
    code: str
    name: str
    level: int
    parent_code: str
    urban_rural_class: str
    locality: str
    is_class_official: bool


def locality_from_name(name: str) -> str:
    """Urban for residents' committees (居委会/社区), rural for villagers' committees; else unknown."""
    if _URBAN_NAME.search(name):
        return URBAN
    if _RURAL_NAME.search(name):
        return RURAL
    return ""


def locality_from_class(class_code: str) -> str:
    return URBAN if class_code.startswith("1") else RURAL


def make_record(code: str, name: str, class_code: str = "") -> RegionRecord:
    level = level_of(code)
    class_code = class_code.strip()
    if class_code and class_code not in _CLASS_CODES:
        raise RegionCodeError(f"城乡分类代码应为 111–220 之一：{class_code!r}")
    if level != Level.VILLAGE:
        locality = ""
    elif class_code:
        locality = locality_from_class(class_code)
    else:
        locality = locality_from_name(name)
    return RegionRecord(
        code=code,
        name=name,
        level=int(level),
        parent_code=parent_code(code),
        urban_rural_class=class_code if level == Level.VILLAGE else "",
        locality=locality,
        is_class_official=bool(class_code),
    )


def read_source(path: Path) -> Iterator[RegionRecord]:
    if path.is_dir():
        yield from _read_china_division(path)
    else:
        yield from _read_official_csv(path)


def _read_china_division(directory: Path) -> Iterator[RegionRecord]:
    for stem in _CHINA_DIVISION_FILES:
        file = directory / f"{stem}.csv"
        if not file.exists():
            raise SourceError(f"缺少文件：{file}")
        yield from _records(file, code_column="code", name_column="name", class_column=None)


def _read_official_csv(file: Path) -> Iterator[RegionRecord]:
    with file.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    columns = {name.strip().lower(): name for name in header}
    code_column = columns.get("code") or columns.get("代码") or columns.get("统计用区划代码")
    name_column = columns.get("name") or columns.get("名称")
    class_column = columns.get("class_code") or columns.get("城乡分类代码")
    if not code_column or not name_column:
        raise SourceError(f"{file}: 第1行缺少列“代码/code”或“名称/name”")
    yield from _records(file, code_column, name_column, class_column)


def _records(
    file: Path, code_column: str, name_column: str, class_column: str | None
) -> Iterator[RegionRecord]:
    with file.open(encoding="utf-8-sig", newline="") as handle:
        for line_number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                code = normalize_code(row[code_column] or "")
                name = (row[name_column] or "").strip()
                if not name:
                    raise SourceError("名称为空")
                yield make_record(code, name, (row.get(class_column) or "") if class_column else "")
            except (RegionCodeError, SourceError, KeyError) as error:
                raise SourceError(f"{file.name} 第{line_number}行：{error}") from error


def restrict_to(records: Iterable[RegionRecord], scope_codes: list[str]) -> Iterator[RegionRecord]:
    """Keep the subtrees of the given codes and the ancestors that lead to them."""
    ancestors = {ancestor for code in scope_codes for ancestor in ancestor_codes(code)}
    prefixes = tuple(prefix_of(code) for code in scope_codes)
    for record in records:
        if record.code in ancestors or record.code.startswith(prefixes):
            yield record
