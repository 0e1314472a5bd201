"""Export of the register as .xlsx in the screening-sheet layout, so an export re-imports.

Rows are streamed (`.values()` + `.iterator()`), written with xlsxwriter in constant-memory mode
and enriched per chunk with one query for phones (and one for region names not seen yet), so
memory and query count do not grow with the number of residents.
"""

import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from typing import Any, Protocol

import xlsxwriter
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone, translation

from eldercare.accounts.access import Action, can, require, scope_code, scoped
from eldercare.core.audit import record
from eldercare.core.masking import mask_id_number, mask_phone
from eldercare.core.models import AuditAction
from eldercare.regions.codes import parent_code
from eldercare.regions.services import region_names
from eldercare.registry.choices import (
    CATEGORY_LABELS,
    DisabilityGrade,
    DisabilityType,
    EconomicStatus,
    FamilyPlanningStatus,
    LivingArrangement,
    MedicalInsurance,
    ResidentStatus,
    Sex,
)
from eldercare.registry.models import Resident
from eldercare.registry.rules import age_on
from eldercare.registry.serializers import phones_by_resident, resident_categories

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The import template's headers in its order (shared/spec/import-template.md), then derived ones.
TEMPLATE_HEADERS = (
    "姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "民族",
    "联系电话",
    "所属区划代码",
    "所属乡镇（街道）",
    "所属村（社区）",
    "户籍地址",
    "现居住地址",
    "居住状况",
    "经济状况",
    "计生特殊家庭",
    "残疾类别",
    "残疾等级",
    "医保类型",
)
HEADERS = (*TEMPLATE_HEADERS, "年龄", "类别", "状态")
SHEET_NAME = "老年人名册"
CHUNK_SIZE = 2000
# The import splits phone lists on 、 too, so the joined cell re-imports as the same numbers.
LIST_SEPARATOR = "、"

_COLUMNS = (
    "id",
    "name",
    "id_number",
    "sex",
    "birth_date",
    "ethnicity",
    "region_code",
    "household_address",
    "residence_address",
    "living_arrangement",
    "economic_status",
    "family_planning_status",
    "disability_type",
    "disability_grade",
    "medical_insurance",
    "status",
)
_CHOICES = {
    "sex": Sex,
    "living_arrangement": LivingArrangement,
    "economic_status": EconomicStatus,
    "family_planning_status": FamilyPlanningStatus,
    "disability_type": DisabilityType,
    "disability_grade": DisabilityGrade,
    "medical_insurance": MedicalInsurance,
    "status": ResidentStatus,
}
_TEXT_COLUMNS = ("公民身份号码", "联系电话", "所属区划代码")


class Writable(Protocol):
    """A binary file or an HttpResponse: xlsxwriter only writes to it."""

    def write(self, data: bytes, /) -> Any: ...


def export_residents(
    *,
    actor: Any,
    queryset: QuerySet[Resident],
    filters: dict[str, str],
    path_or_buffer: str | os.PathLike[str] | Writable,
) -> int:
    """Write the residents of `queryset` (re-scoped to the actor) and audit it; returns the count.

    ID numbers and phones are masked unless the actor may see them unmasked.
    """
    require(actor, Action.EXPORT_REGISTRY)
    is_unmasked = can(actor, Action.VIEW_UNMASKED)
    today = timezone.localdate()
    with translation.override("zh-hans"):
        labels = {
            field: {value: str(label) for value, label in choices.choices}
            for field, choices in _CHOICES.items()
        }
    rows = scoped(actor, queryset).values(*_COLUMNS).iterator(chunk_size=CHUNK_SIZE)
    names: dict[str, str] = {}
    count = 0
    workbook = xlsxwriter.Workbook(
        path_or_buffer,
        {
            "constant_memory": True,
            # Names and addresses are data, never formulas or links (CSV/formula injection).
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    try:
        sheet = workbook.add_worksheet(SHEET_NAME)
        text = workbook.add_format({"num_format": "@"})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        bold = workbook.add_format({"bold": True})
        for column, header in enumerate(HEADERS):
            is_text = header in _TEXT_COLUMNS
            # A column-wide text format keeps IDs typed in later by a user as text too.
            sheet.set_column(column, column, 20 if is_text else 12, text if is_text else None)
            sheet.write_string(0, column, header, bold)
        for chunk in _chunks(rows, CHUNK_SIZE):
            phones = phones_by_resident(actor, [row["id"] for row in chunk])
            _add_region_names(names, (row["region_code"] for row in chunk))
            for row in chunk:
                count += 1
                numbers = phones.get(row["id"], [])
                cells = _cells(row, numbers, names, labels, today, is_unmasked=is_unmasked)
                for column, value in enumerate(cells):
                    if isinstance(value, date):
                        sheet.write_datetime(count, column, value, day)
                    elif isinstance(value, int):
                        sheet.write_number(count, column, value)
                    else:
                        sheet.write_string(
                            count, column, value, text if HEADERS[column] in _TEXT_COLUMNS else None
                        )
    finally:
        workbook.close()
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="registry.resident",
        region_code=scope_code(actor) or "",
        detail={"filters": dict(filters), "count": count, "unmasked": is_unmasked},
    )
    return count


def _cells(
    row: dict[str, Any],
    phones: list[str],
    names: dict[str, str],
    labels: dict[str, dict[Any, str]],
    today: date,
    *,
    is_unmasked: bool,
) -> list[str | int | date]:
    def label(field: str) -> str:
        return labels[field].get(row[field], "")

    id_number = row["id_number"] if is_unmasked else mask_id_number(row["id_number"])
    shown_phones = phones if is_unmasked else [mask_phone(phone) for phone in phones]
    return [
        row["name"],
        id_number,
        label("sex"),
        row["birth_date"],
        row["ethnicity"],
        LIST_SEPARATOR.join(shown_phones),
        row["region_code"],
        names.get(parent_code(row["region_code"]), ""),
        names.get(row["region_code"], ""),
        row["household_address"],
        row["residence_address"],
        label("living_arrangement"),
        label("economic_status"),
        label("family_planning_status"),
        label("disability_type"),
        label("disability_grade"),
        label("medical_insurance"),
        age_on(row["birth_date"], today),
        LIST_SEPARATOR.join(str(CATEGORY_LABELS[c]) for c in resident_categories(row, today)),
        label("status"),
    ]


def _add_region_names(names: dict[str, str], village_codes: Iterable[str]) -> None:
    """Fill `names` with the villages and their townships it lacks: one query, or none."""
    wanted = {code for village in set(village_codes) for code in (village, parent_code(village))}
    missing = wanted - names.keys()
    if missing:
        names.update(dict.fromkeys(missing, ""))
        names.update(region_names(missing))


def _chunks(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def export_response(
    *, actor: Any, queryset: QuerySet[Resident], filters: dict[str, str]
) -> FileResponse:
    """The export as a download, for the page and the API alike."""
    # On disk rather than in memory: a county's register is tens of megabytes of xlsx. Not a
    # `with` block: FileResponse closes the file once it has been sent.
    file = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        export_residents(actor=actor, queryset=queryset, filters=filters, path_or_buffer=file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"老年人名册-{timezone.localdate():%Y%m%d}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
