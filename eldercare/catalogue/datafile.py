"""The catalogue's data files: reading and checking them, with the place of every problem.

A file is one region's (or the national) items and lists:

    region: "431100000000"          # "" for the national file
    region_name: 永州市               # informative only
    items:   [{code, name, category, unit, standard_price, is_price_example, service_standard,
               minimum_minutes, is_basic, is_active, source}, …]
    lists:   [{kind, name, effective_from, effective_to, basis,
               entries: [{item, local_price, is_price_example, is_basic, eligibility, funding,
                          frequency_limit, lead_agency}, …]}, …]

`read_file` checks a whole file against the same cleaning rules as the pages and reports every
problem with its file, line and key path (`lists[0].entries[3].local_price`). Nothing here touches
the database; loading.py writes.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from eldercare.catalogue.cleaning import clean_entry, clean_item, clean_kind, clean_list_header
from eldercare.catalogue.errors import CatalogueFileError, FileProblem, Problem
from eldercare.catalogue.models import ListKind
from eldercare.regions.codes import RegionCodeError, normalize_code

DATA_DIR = Path(__file__).resolve().parent / "data"
NATIONAL = ("", "national", "全国")

FILE_KEYS = {"region", "region_name", "items", "lists"}
ITEM_FILE_KEYS = {
    "code",
    "name",
    "category",
    "unit",
    "standard_price",
    "is_price_example",
    "service_standard",
    "minimum_minutes",
    "is_basic",
    "is_active",
    "source",
}
LIST_FILE_KEYS = {"kind", "name", "effective_from", "effective_to", "basis", "entries"}
ENTRY_FILE_KEYS = {
    "item",
    "local_price",
    "is_price_example",
    "is_basic",
    "eligibility",
    "funding",
    "frequency_limit",
    "lead_agency",
}


# --- YAML with line numbers ---------------------------------------------------------------------


class _Mapping(dict[str, Any]):
    """A YAML mapping that remembers where it and each of its keys were written."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    """Safe YAML; mappings keep line numbers, duplicate keys are refused, and dates stay text
    (so a bad date is reported by the same rule as on the pages, with its line)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Mapping:
    loader.flatten_mapping(node)
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = str(loader.construct_object(key_node, deep=True))
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"重复的键：{key}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)  # type: ignore[arg-type]


# --- parsed files -------------------------------------------------------------------------------


@dataclass
class ParsedItem:
    line: int
    values: dict[str, Any]


@dataclass
class ParsedEntry:
    line: int
    path: str
    item_code: str
    values: dict[str, Any]


@dataclass
class ParsedList:
    line: int
    path: str
    date_line: int
    kind: str
    header: dict[str, Any]
    entries: list[ParsedEntry]
    fingerprint: str = ""


@dataclass
class ParsedFile:
    name: str
    region_code: str
    items: list[ParsedItem] = field(default_factory=list)
    lists: list[ParsedList] = field(default_factory=list)


class _Collector:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[FileProblem] = []

    def add(self, line: int, path: str, code: str, message: str) -> None:
        self.problems.append(FileProblem(self.file, line, path, code, message))

    def add_all(self, mapping: _Mapping, prefix: str, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(
                mapping.line_of(problem.field),
                f"{prefix}.{problem.field}" if problem.field else prefix,
                problem.code,
                problem.message,
            )

    def unknown_keys(self, mapping: _Mapping, prefix: str, allowed: set[str]) -> None:
        for key in sorted(set(mapping) - allowed):
            path = f"{prefix}.{key}" if prefix else key
            self.add(mapping.line_of(key), path, "key_unknown", f"无法识别的键：{key}")


def shipped_files() -> list[Path]:
    """The data files of the package, national first (file names sort that way)."""
    return sorted(DATA_DIR.glob("*.yaml"))


def read_file(path: Path) -> ParsedFile:
    """Parse and check one file; CatalogueFileError names every problem with its line."""
    name = path.name
    out = _Collector(name)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except UnicodeDecodeError as error:
        raise CatalogueFileError(
            [FileProblem(name, 0, "", "encoding", f"文件应为 UTF-8 编码：{error}")]
        ) from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark is not None else 0
        message = getattr(error, "problem", None) or str(error)
        raise CatalogueFileError(
            [FileProblem(name, line, "", "yaml_syntax", f"YAML 格式错误：{message}")]
        ) from error
    if not isinstance(raw, _Mapping):
        raise CatalogueFileError(
            [FileProblem(name, 1, "", "file_shape", "文件应为含 region、items、lists 的映射")]
        )
    out.unknown_keys(raw, "", FILE_KEYS)
    region_code = _region(raw, out)
    parsed = ParsedFile(name=name, region_code=region_code or "")
    for index, item in enumerate(_sequence(raw, "items", out)):
        prefix = f"items[{index}]"
        if not isinstance(item, _Mapping):
            out.add(raw.line_of("items"), prefix, "shape", "每个项目应为映射（code、name …）")
            continue
        out.unknown_keys(item, prefix, ITEM_FILE_KEYS)
        values, problems = clean_item(item, creating=True)
        out.add_all(item, prefix, problems)
        parsed.items.append(ParsedItem(line=item.line, values=values))
    for index, entry_list in enumerate(_sequence(raw, "lists", out)):
        prefix = f"lists[{index}]"
        if not isinstance(entry_list, _Mapping):
            out.add(raw.line_of("lists"), prefix, "shape", "每个清单应为映射（kind、name …）")
            continue
        parsed_list = _list(entry_list, prefix, region_code, out)
        if parsed_list is not None:
            parsed.lists.append(parsed_list)
    _check_duplicates(parsed, out)
    if out.problems:
        raise CatalogueFileError(out.problems)
    for parsed_list in parsed.lists:
        parsed_list.fingerprint = _fingerprint(parsed.region_code, parsed_list)
    return parsed


def _region(raw: _Mapping, out: _Collector) -> str | None:
    """ "" for the national file, a 12-digit code, or None when missing or malformed."""
    if "region" not in raw:
        out.add(raw.line, "region", "required", '缺少 region（全国清单写 ""）')
        return None
    value = raw["region"]
    text = "" if value is None else str(value).strip()
    if text in NATIONAL:
        return ""
    try:
        return normalize_code(text)
    except RegionCodeError as error:
        out.add(raw.line_of("region"), "region", "region_invalid", str(error))
        return None


def _sequence(raw: _Mapping, key: str, out: _Collector) -> list[Any]:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        out.add(raw.line_of(key), key, "shape", f"{key} 应为列表")
        return []
    return value


def _list(
    raw: _Mapping, prefix: str, region_code: str | None, out: _Collector
) -> ParsedList | None:
    out.unknown_keys(raw, prefix, LIST_FILE_KEYS)
    before = len(out.problems)
    kind = clean_kind(raw.get("kind")) if raw.get("kind") is not None else None
    if kind is None:
        out.add(
            raw.line_of("kind"),
            f"{prefix}.kind",
            "choice_unknown" if "kind" in raw else "required",
            f"清单类型应为 {'、'.join(ListKind.values)}：{raw.get('kind', '（缺）')}",
        )
    elif region_code == "" and kind != ListKind.BASIC:
        out.add(raw.line_of("kind"), f"{prefix}.kind", "kind_national", "全国只有基本养老服务清单")
    for key in ("name", "effective_from"):
        if not str(raw.get(key) or "").strip():
            out.add(raw.line_of(key), f"{prefix}.{key}", "required", "必填")
    header, problems = clean_list_header(
        {key: raw[key] for key in ("name", "basis", "effective_from", "effective_to") if key in raw}
    )
    out.add_all(raw, prefix, problems)
    entries: list[ParsedEntry] = []
    raw_entries = raw.get("entries")
    if raw_entries is None:
        raw_entries = []
    if not isinstance(raw_entries, list):
        out.add(raw.line_of("entries"), f"{prefix}.entries", "shape", "entries 应为列表")
        raw_entries = []
    for index, entry in enumerate(raw_entries):
        path = f"{prefix}.entries[{index}]"
        if not isinstance(entry, _Mapping):
            out.add(
                raw.line_of("entries"), path, "shape", "每个条目应为映射（item、local_price …）"
            )
            continue
        out.unknown_keys(entry, path, ENTRY_FILE_KEYS)
        code = str(entry.get("item") or "").strip().upper()
        if not code:
            out.add(entry.line_of("item"), f"{path}.item", "required", "必填（服务项目编码）")
        values, problems = clean_entry({k: v for k, v in entry.items() if k != "item"})
        out.add_all(entry, path, problems)
        entries.append(ParsedEntry(line=entry.line, path=path, item_code=code, values=values))
    if len(out.problems) > before or kind is None:
        return None
    return ParsedList(
        line=raw.line,
        path=prefix,
        date_line=raw.line_of("effective_from"),
        kind=kind,
        header=header,
        entries=entries,
    )


def _check_duplicates(parsed: ParsedFile, out: _Collector) -> None:
    seen: dict[str, int] = {}
    for index, item in enumerate(parsed.items):
        code = item.values.get("code")
        if code is None:
            continue
        if code in seen:
            out.add(
                item.line,
                f"items[{index}].code",
                "code_duplicate",
                f"项目编码 {code} 重复（第{seen[code]}行已有）",
            )
        seen.setdefault(code, item.line)
    kinds: dict[str, int] = {}
    for parsed_list in parsed.lists:
        if parsed_list.kind in kinds:
            out.add(
                parsed_list.line,
                f"{parsed_list.path}.kind",
                "kind_duplicate",
                f"同一文件中 {parsed_list.kind} 清单只能有一个（第{kinds[parsed_list.kind]}行已有）",
            )
        kinds.setdefault(parsed_list.kind, parsed_list.line)
        codes: dict[str, int] = {}
        for entry in parsed_list.entries:
            if entry.item_code and entry.item_code in codes:
                out.add(
                    entry.line,
                    f"{entry.path}.item",
                    "item_duplicate",
                    f"服务项目 {entry.item_code} 在本清单中重复（第{codes[entry.item_code]}行已有）",
                )
            codes.setdefault(entry.item_code, entry.line)


def _fingerprint(region_code: str, parsed_list: ParsedList) -> str:
    content = {
        "region": region_code,
        "kind": parsed_list.kind,
        "header": parsed_list.header,
        "entries": [[entry.item_code, entry.values] for entry in parsed_list.entries],
    }
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
