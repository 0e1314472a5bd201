"""What the task-list and scoring-sheet files share: the header keys and their checks. No Django."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from typing import Any

import yaml

from eldercare.governance.rules.marked_yaml import Walker
from eldercare.regions.codes import RegionCodeError, level_of, normalize_code

NATIONAL = ("", "national", "全国")
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def check_format(walker: Walker, node: yaml.Node | None, expected: str) -> None:
    text = walker.text(node, "format", required=True)
    if text and text != expected:
        walker.problem(node, "format", "format_unknown", f"格式应为 {expected}，实为 {text}")


def check_key(walker: Walker, node: yaml.Node | None) -> str:
    key = walker.text(node, "key", required=True)
    if key and not KEY_PATTERN.match(key):
        walker.problem(
            node, "key", "key_invalid", f"key 只能用小写字母、数字和连字符（2–63个）：{key}"
        )
    return key


def region_code(walker: Walker, node: yaml.Node | None, *, allow_national: bool) -> str | None:
    """ "" for national, a 12-digit code of a province, city or county, or None when wrong."""
    if node is None:
        return None
    text = walker.text(node, "region")
    if text in NATIONAL:
        if allow_national:
            return ""
        walker.problem(node, "region", "region_invalid", "应为区划代码，不能为全国")
        return None
    try:
        code = normalize_code(text)
        level = level_of(code)
    except RegionCodeError as error:
        walker.problem(node, "region", "region_invalid", str(error))
        return None
    if level > 3:
        walker.problem(node, "region", "region_level", f"应为省、市或县级区划：{code}")
        return None
    return code


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)  # dates, decimals


def fingerprint(content: Any) -> str:
    """A digest of the parsed content: comments and layout of the file do not change it."""
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, default=_plain)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
