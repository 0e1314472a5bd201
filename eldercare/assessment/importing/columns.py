"""The columns of the assessment-result sheet, per standard, and how a file's header maps onto them.

Headers are matched like the resident import's: all whitespace removed, full-width characters made
half-width, so "评估员 一" or "穿／脱上衣" is still the column. Column order is free, a title row may
sit above the header (the header is the first of the first 10 rows holding 公民身份号码), blank
header cells (the tail of a merged cell) are skipped and unknown headers are ignored with a warning.

An item column is named by the item's name in the scoring catalogue (进食, 床椅转移 …) or by
"indicator·item" (日常生活活动·进食). Where both standards have an item of that name (进食, 洗澡 …)
the column serves the standard of each row: a sheet with a 评估标准 column may mix standards.
The standard of a row is its 评估标准 cell; a blank cell, or a sheet without that column, takes the
sheet's standard: `--standard`, else a standard named in a title row above the header
(the template writes one).
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db import models
from django.utils import translation

from eldercare.assessment.models import Place, Reason
from eldercare.assessment.scoring import (
    EVENT_KINDS,
    EVENT_NAMES,
    GBT42195,
    MZT039,
    STANDARD_NAMES,
    STANDARDS,
    Item,
    catalogue,
)
from eldercare.registry.importing.columns import (
    DATE_FORMS,
    HEADER_SEARCH_ROWS,
    column_letter,
    normalize_header,
)
from eldercare.registry.importing.errors import FileImportError

# How each standard is written in a 评估标准 cell or a title, after keeping only ASCII letters and
# digits, upper-cased: "GB/T 42195-2022" → "GBT421952022", "mzt039-2013" → "MZT0392013".
STANDARD_MARKS = {MZT039: "MZT039", GBT42195: "GBT42195"}
STANDARD_LABELS = {MZT039: "MZ/T 039-2013", GBT42195: "GB/T 42195-2022"}
FLAG_VALUES = {"是": True, "有": True, "否": False, "无": False}
# Other ways the reasons and places are written on paper forms, besides the labels and codes.
REASON_ALIASES = {
    "首次": Reason.FIRST,
    "首评": Reason.FIRST,
    "初次评估": Reason.FIRST,
    "常规": Reason.PERIODIC,
    "定期评估": Reason.PERIODIC,
    "即时评估": Reason.STATUS_CHANGE,
    "即时": Reason.STATUS_CHANGE,
    "状况发生变化": Reason.STATUS_CHANGE,
    "应要求评估": Reason.ON_REQUEST,
    "应要求": Reason.ON_REQUEST,
    "复评": Reason.RECHECK,
}
PLACE_ALIASES = {
    "家中": Place.HOME,
    "家庭": Place.HOME,
    "社区": Place.COMMUNITY,
    "机构": Place.FACILITY,
    "医院": Place.HOSPITAL,
}
_ITEM_SEPARATORS_RE = re.compile(r"[·•・‧∙⋅.。\-—–_:：]+")
_NOT_MARK_RE = re.compile(r"[^0-9A-Z]+")


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: str  # "是", "否", or a sentence
    help: str
    values: tuple[str, ...] = ()  # the values offered in the template's drop-down list
    is_text: bool = False  # must stay text in Excel (long digit strings)


def _labels(choices: type[models.Choices]) -> tuple[str, ...]:
    with translation.override("zh-hans"):
        return tuple(str(label) for label in choices.labels)


def choice_lookup(choices: type[models.Choices], aliases: Mapping[str, str]) -> dict[str, str]:
    """Normalised cell text → value, for the labels, the codes and the aliases of `choices`."""
    with translation.override("zh-hans"):
        lookup = {normalize_header(label): value for value, label in choices.choices}
    lookup.update({value: value for value in choices.values})
    lookup.update({normalize_header(alias): str(value) for alias, value in aliases.items()})
    return lookup


REASONS = choice_lookup(Reason, REASON_ALIASES)
PLACES = choice_lookup(Place, PLACE_ALIASES)

FIXED_COLUMNS: tuple[Column, ...] = (
    Column(
        "公民身份号码",
        "id_number",
        "是",
        "18 位（15 位旧号码自动转换），须是已登记且在您管辖范围内的老人；请把该列设为“文本”格式，"
        "存成数字的号码已丢失末几位，会被拒绝",
        is_text=True,
    ),
    Column("姓名", "name", "否", "填写时须与登记的姓名一致"),
    Column(
        "评估标准",
        "standard",
        "否",
        "MZ/T 039-2013 或 GB/T 42195-2022；有此列时每行可用不同标准，空白时用导入时指定的标准"
        "（或表格标题中注明的标准）",
        values=(STANDARD_LABELS[MZT039], STANDARD_LABELS[GBT42195]),
    ),
    Column("评估日期", "assessed_on", "是", f"不能晚于导入当天；可用格式：{DATE_FORMS}"),
    Column(
        "评估原因",
        "reason",
        "是",
        "也可写简称：首次评估、常规评估、即时评估、应要求评估、复评",
        values=_labels(Reason),
    ),
    Column("评估地点", "place", "是", "", values=_labels(Place)),
    Column("评估员一", "first_assessor", "是", "评估员姓名（2–30 个字符）或平台评估员的用户名"),
    Column("评估员二", "second_assessor", "是", "两项标准均要求两名评估员，不能与评估员一相同"),
)
CONDITION_COLUMNS: tuple[Column, ...] = (
    Column("昏迷", "coma", "否", "是/否，空白为否；为“是”时可不填各评估项目", ("是", "否")),
    Column("痴呆", "dementia", "否", "已确诊痴呆：是/否，空白为否", ("是", "否")),
    Column(
        "精神疾病", "psychiatric_disorder", "否", "已确诊精神疾病：是/否，空白为否", ("是", "否")
    ),
    *(
        Column(
            f"{EVENT_NAMES[kind]}次数",
            f"events.{kind}",
            "否",
            f"近30天{EVENT_NAMES[kind]}次数：0 或正整数，空白为 0",
        )
        for kind in EVENT_KINDS
    ),
)
COLUMNS = (*FIXED_COLUMNS, *CONDITION_COLUMNS)
HEADERS = {column.key: column.header for column in COLUMNS}
BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_KEYS = ("assessed_on", "reason", "place", "first_assessor", "second_assessor")


def items(standard: str) -> tuple[Item, ...]:
    return tuple(item for indicator in catalogue(standard) for item in indicator.items)


def item_help(item: Item) -> str:
    return "；".join(f"{option.score}＝{option.text}" for option in item.options)


def _item_key(header: str) -> str:
    return _ITEM_SEPARATORS_RE.sub("·", header)


def _item_lookup(standard: str) -> dict[str, str]:
    """Normalised header → item key: the item's name, and "indicator·item"."""
    lookup: dict[str, str] = {}
    for indicator in catalogue(standard):
        for item in indicator.items:
            lookup[_item_key(normalize_header(item.name))] = item.key
            lookup[_item_key(normalize_header(f"{indicator.name}·{item.name}"))] = item.key
    return lookup


ITEM_LOOKUP = {standard: _item_lookup(standard) for standard in STANDARDS}
_FIXED = {normalize_header(column.header): column for column in COLUMNS}


def standard_in(text: object) -> str | None:
    """The standard a cell or title names (MZ/T 039…, gbt42195-2022…), else None."""
    mark = _NOT_MARK_RE.sub("", normalize_header(text).upper())
    found = [standard for standard, code in STANDARD_MARKS.items() if code in mark]
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class Layout:
    """Where the header is, which column holds which field, and the sheet's standard."""

    header_row: int
    index: dict[str, int]  # fixed and condition column key → position
    items: dict[str, dict[str, int]]  # standard → item key → position
    item_headers: dict[int, str]  # position → the item column's header as the file has it
    standard: str | None  # the sheet's standard, for rows without a 评估标准 cell
    warnings: list[str] = field(default_factory=list)

    def has(self, key: str) -> bool:
        return key in self.index


def find_layout(rows: Iterable[tuple[int, Sequence[object]]], *, standard: str | None) -> Layout:
    """Locate the header among the first rows; FileImportError if required columns are missing.

    `standard` is the one the user chose for the whole sheet (`--standard`), if any.
    """
    best: tuple[int, int, list[str]] | None = None
    above: list[str] = []
    for number, cells in rows:
        if number > HEADER_SEARCH_ROWS:
            break
        headers = [normalize_header(cell) for cell in cells]
        if HEADERS["id_number"] in headers:
            return _layout(number, headers, standard, above)
        known = sum(_known(header) for header in headers)
        if known >= 2 and (best is None or known > best[0]):
            best = (known, number, headers)
        above.extend(header for header in headers if header)
    if best is not None:
        return _layout(best[1], best[2], standard, above)
    raise FileImportError(
        f"前{HEADER_SEARCH_ROWS}行中没有找到表头行：表头须含有“{HEADERS['id_number']}”列"
    )


def _known(header: str) -> bool:
    if not header:
        return False
    return header in _FIXED or any(_item_key(header) in ITEM_LOOKUP[s] for s in STANDARDS)


def _layout(number: int, headers: list[str], chosen: str | None, above: list[str]) -> Layout:
    index: dict[str, int] = {}
    found: dict[str, dict[str, int]] = {standard: {} for standard in STANDARDS}
    item_headers: dict[int, str] = {}
    unknown: list[str] = []

    def twice(header: str, first: int, second: int) -> FileImportError:
        return FileImportError(
            f"第{number}行表头中“{header}”出现了两次（第 {column_letter(first)} 列和第 "
            f"{column_letter(second)} 列），无法确定以哪一列为准"
        )

    for position, header in enumerate(headers):
        if not header:
            continue
        column = _FIXED.get(header)
        if column is not None:
            if column.key in index:
                raise twice(column.header, index[column.key], position)
            index[column.key] = position
            continue
        key = _item_key(header)
        matched = False
        for one in STANDARDS:
            item = ITEM_LOOKUP[one].get(key)
            if item is None:
                continue
            matched = True
            if item in found[one]:
                raise twice(header, found[one][item], position)
            found[one][item] = position
            item_headers[position] = header
        if not matched:
            unknown.append(header)

    standard = _sheet_standard(chosen, above)
    warnings = [f"以下列无法识别，已忽略：{'、'.join(unknown)}"] if unknown else []
    missing = [HEADERS[key] for key in ("id_number", *REQUIRED_KEYS) if key not in index]
    if missing:
        raise FileImportError(f"缺少必需的列：{'、'.join(missing)}")
    if "standard" not in index:
        if standard is None:
            raise FileImportError(
                "未指明评估标准：请在表中增加“评估标准”列，或导入时指定评估标准"
                f"（{' 或 '.join(STANDARDS)}）"
            )
        # One standard for the whole sheet: its items are required, the other's are ignored.
        missing += [item.name for item in items(standard) if item.key not in found[standard]]
        other = sorted(
            {p for s in STANDARDS if s != standard for p in found[s].values()}
            - set(found[standard].values())
        )
        if other:
            names = "、".join(item_headers.pop(p) for p in other)
            warnings.append(f"以下列不是{STANDARD_LABELS[standard]}的评估项目，已忽略：{names}")
        found = {standard: found[standard]}
    elif not any(len(found[s]) == len(items(s)) for s in STANDARDS):
        # Mixed standards: the columns of at least one standard must all be there.
        fullest = max(STANDARDS, key=lambda s: len(found[s]) / len(items(s)))
        absent = [item.name for item in items(fullest) if item.key not in found[fullest]]
        missing.append(f"{STANDARD_LABELS[fullest]}的评估项目{'、'.join(absent)}")
    if missing:
        raise FileImportError(f"缺少必需的列：{'、'.join(missing)}")
    return Layout(
        header_row=number,
        index=index,
        items=found,
        item_headers=item_headers,
        standard=standard,
        warnings=warnings,
    )


def _sheet_standard(chosen: str | None, above: list[str]) -> str | None:
    titled = {standard for standard in map(standard_in, above) if standard is not None}
    if chosen is not None:
        if chosen not in STANDARDS:
            raise FileImportError(f"未知的评估标准“{chosen}”，可用：{'、'.join(STANDARDS)}")
        if titled - {chosen}:
            raise FileImportError(
                f"表格标题注明的是{STANDARD_NAMES[titled.pop()]}，与指定的评估标准"
                f"（{STANDARD_NAMES[chosen]}）不一致"
            )
        return chosen
    if len(titled) > 1:
        raise FileImportError("表格标题中同时出现了两项评估标准，请导入时指定评估标准")
    return titled.pop() if titled else None
