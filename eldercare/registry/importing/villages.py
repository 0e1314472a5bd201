"""The village of a screening-sheet row: its 12-digit code, or its township and village names.

A code must be a current village-level region inside the actor's scope; an unknown code and one
outside the scope get the same wording (that of services.check_village). Names are looked up
inside the scope, as sheets write them: 何仙观村 / 多福社区 for the statistical names 何仙观村委会 /
多福社区居委会, 某某 or 某某办事处 for a township. Each code and each township name is looked up
once per file: the codes a batch brings up first with one query for the batch.
"""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from eldercare.accounts.access import in_scope, scope_code
from eldercare.core.normalize import clean_compact
from eldercare.regions.models import Region, RegionLevel
from eldercare.registry.importing.columns import HEADERS, Layout
from eldercare.registry.importing.common import CACHE_LIMIT, cell, chunks, is_blank
from eldercare.registry.importing.readers import NumberedRow
from eldercare.registry.validation import FieldProblem, clean_resident

_VILLAGE_SUFFIXES = (
    ("社区居民委员会", "社区"),
    ("社区居委会", "社区"),
    ("居民委员会", "社区"),
    ("居委会", "社区"),
    ("村民委员会", "村"),
    ("村委会", "村"),
)
_TOWNSHIP_SUFFIX = "办事处"


def _village_key(name: object) -> str:
    """Sheets write 何仙观村 / 多福社区 where the statistical name is 何仙观村委会 / 多福社区居委会."""
    text = clean_compact(name)
    for suffix, short in _VILLAGE_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)] + short
    return text


def _township_key(name: object) -> str:
    text = clean_compact(name)
    if text.endswith(_TOWNSHIP_SUFFIX) and len(text) > len(_TOWNSHIP_SUFFIX):
        return text[: -len(_TOWNSHIP_SUFFIX)]
    return text


def _outside(code: str) -> FieldProblem:
    """The wording of services.check_village: unknown and out-of-scope codes look the same."""
    return FieldProblem("region_code", "region_unknown", f"区划代码 {code} 不在您的管辖范围内")


class VillageFinder:
    """The village codes of rows, with what was looked up cached for the whole file."""

    def __init__(self, actor: Any, today: date, layout: Layout) -> None:
        self.actor = actor
        self.today = today
        self.layout = layout
        self.scope = scope_code(actor)
        self.codes: dict[object, tuple[str | None, FieldProblem | None]] = {}
        self.region_problems: dict[str, FieldProblem | None] = {}
        self.townships: dict[str, dict[str, list[str]]] = {}

    def _cell(self, cells: Sequence[Any], key: str) -> Any:
        return cell(cells, self.layout.index.get(key))

    def _normalized_code(self, value: object) -> tuple[str | None, FieldProblem | None]:
        """The cell as a 12-digit code, through clean_resident's own rule for the field."""
        key = value if isinstance(value, str | float | int) else str(value)
        found = self.codes.get(key)
        if found is None:
            values, problems = clean_resident({"region_code": value}, today=self.today)
            found = (values.get("region_code"), problems[0] if problems else None)
            if len(self.codes) < CACHE_LIMIT:
                self.codes[key] = found
        return found

    def prefetch(self, batch: list[NumberedRow]) -> None:
        """Check the batch's codes not seen before, with one query."""
        if not self.layout.has("region_code"):
            return
        wanted: set[str] = set()
        for _, cells in batch:
            value = self._cell(cells, "region_code")
            if is_blank(value):
                continue
            code, _problem = self._normalized_code(value)
            if code is None or code in self.region_problems:
                continue
            if in_scope(self.actor, code):
                wanted.add(code)
            else:
                self.region_problems[code] = _outside(code)
        found: dict[str, tuple[int, str]] = {}
        for chunk in chunks(sorted(wanted)):
            for code, level, name in (
                Region.objects.current().filter(code__in=chunk).values_list("code", "level", "name")
            ):
                found[code] = (level, name)
        for code in wanted:
            if code not in found:
                self.region_problems[code] = _outside(code)
            elif found[code][0] != RegionLevel.VILLAGE:
                self.region_problems[code] = FieldProblem(
                    "region_code", "region_not_village", f"{found[code][1]} 不是村（社区）级区划"
                )
            else:
                self.region_problems[code] = None

    def find(
        self, cells: Sequence[Any], *, is_new: bool, add: Callable[[str, str, str], None]
    ) -> str | None:
        """The row's village code, from the code column or the two name columns.

        A new resident must have one; a registered one keeps theirs when the row names none.
        """
        value = self._cell(cells, "region_code")
        if not is_blank(value):
            code, problem = self._normalized_code(value)
            if code is not None:
                problem = self.region_problems.get(code)
            if problem is not None:
                add(HEADERS["region_code"], problem.code, problem.message)
                return None
            return code
        township = self._cell(cells, "township_name")
        village = self._cell(cells, "village_name")
        if is_blank(township) and is_blank(village):
            if is_new:
                column = "region_code" if self.layout.has("region_code") else "village_name"
                add(HEADERS[column], "required", "必填")
            return None
        if is_blank(township) or is_blank(village):
            column = "township_name" if is_blank(township) else "village_name"
            add(
                HEADERS[column],
                "required",
                f"按名称确定区划时须同时填写{HEADERS['township_name']}和{HEADERS['village_name']}",
            )
            return None
        return self._resolve_names(clean_compact(township), clean_compact(village), add)

    def _resolve_names(
        self, township: str, village: str, add: Callable[[str, str, str], None]
    ) -> str | None:
        villages = self._township_villages(township)
        if not villages:
            add(
                HEADERS["township_name"],
                "region_name_unknown",
                f"在您的管辖范围内找不到乡镇（街道）“{township}”",
            )
            return None
        codes = villages.get(_village_key(village), [])
        if not codes:
            add(
                HEADERS["village_name"],
                "region_name_unknown",
                f"在您的管辖范围内，“{township}”下找不到村（社区）“{village}”",
            )
            return None
        if len(codes) > 1:
            add(
                HEADERS["village_name"],
                "region_name_ambiguous",
                f"“{township} {village}”对应多个村（社区）：{'、'.join(codes)}，请改填所属区划代码",
            )
            return None
        return codes[0]

    def _township_villages(self, township: str) -> dict[str, list[str]]:
        """Village name key → codes, for the townships of that name inside the actor's scope."""
        key = _township_key(township)
        if key in self.townships:
            return self.townships[key]
        villages: dict[str, list[str]] = {}
        if self.scope is not None:
            regions = Region.objects.current()
            if self.scope:
                regions = regions.within(self.scope)
            township_codes = list(
                regions.filter(
                    level=RegionLevel.TOWNSHIP, name__in=[key, key + _TOWNSHIP_SUFFIX]
                ).values_list("code", flat=True)
            )
            for code, name in (
                regions.filter(level=RegionLevel.VILLAGE, parent_code__in=township_codes)
                .order_by("code")
                .values_list("code", "name")
            ):
                villages.setdefault(_village_key(name), []).append(code)
        self.townships[key] = villages
        return villages
