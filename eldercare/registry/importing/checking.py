"""Checking one row of the screening sheet, and what a valid row would change.

The field rules are registry.validation.clean_resident's; the village is found by villages.py.
Blank cells carry no information: a new resident gets the model defaults for them, a registered
one keeps the stored values. A row whose ID is registered changes only the fields whose cell is
filled and differs, so importing the same file twice changes nothing the second time. The
minimum registry age applies to new residents only; someone already on the register is not
removed from it by a later change of the region's age floor.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import translation

from eldercare.accounts.access import in_scope
from eldercare.core.idcard import IdNumber
from eldercare.core.normalize import (
    ValueFormatError,
    clean_compact,
    clean_name,
    clean_text,
    parse_date,
    parse_phones,
)
from eldercare.regions.services import minimum_registry_age, registry_age_floors
from eldercare.registry.choices import ContactRelation
from eldercare.registry.importing.columns import (
    CONTACT_KEYS,
    HEADERS,
    RESIDENT_KEYS,
    SCREENING_KEYS,
    Layout,
)
from eldercare.registry.importing.common import CACHE_LIMIT, cell, duplicate_message, is_blank
from eldercare.registry.importing.readers import NumberedRow
from eldercare.registry.importing.results import RowProblem, Verdict
from eldercare.registry.importing.villages import VillageFinder
from eldercare.registry.services import duplicate_problem, parse_needs
from eldercare.registry.validation import clean_resident

Add = Callable[[str, str, str], None]

# Words used in sheets for the relations of ContactRelation, besides its labels and codes.
_RELATION_ALIASES = {
    "儿子": "child",
    "女儿": "child",
    "儿女": "child",
    "子": "child",
    "女": "child",
    "老伴": "spouse",
    "丈夫": "spouse",
    "妻子": "spouse",
    "夫妻": "spouse",
    "孙子": "relative",
    "孙女": "relative",
    "外孙": "relative",
    "外孙女": "relative",
    "儿媳": "relative",
    "女婿": "relative",
    "兄弟": "relative",
    "姐妹": "relative",
    "侄子": "relative",
    "侄女": "relative",
    "亲属": "relative",
    "亲戚": "relative",
    "村干部": "village_cadre",
    "社区干部": "village_cadre",
}


def _relations() -> dict[str, str]:
    with translation.override("zh-hans"):
        lookup = {str(label): value for value, label in ContactRelation.choices}
    lookup.update({value: value for value in ContactRelation.values})
    lookup.update(_RELATION_ALIASES)
    return lookup


_RELATIONS = _relations()


@dataclass(slots=True)
class Existing:
    """A registered resident as the sheet can change it (loaded per batch by the pipeline)."""

    pk: int
    values: dict[str, Any]
    phones: list[str] = field(default_factory=list)
    contacts: list[tuple[int, str, str, str, int]] = field(default_factory=list)
    screenings: dict[date, tuple[int, list[str], str]] = field(default_factory=dict)


@dataclass(slots=True)
class Contact:
    name: str
    relation: str
    phone: str

    def label(self) -> str:
        return f"{self.name}/{self.relation}/{self.phone}"


@dataclass(slots=True)
class Screening:
    screened_on: date
    needs: list[str] | None
    surveyor_name: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "screened_on": self.screened_on.isoformat(),
            "needs": self.needs or [],
            "surveyor_name": self.surveyor_name or "",
        }


@dataclass(slots=True)
class Plan:
    """What one valid row changes: everything for a new resident, the differences otherwise."""

    row: int
    id_number: str
    existing: Existing | None
    fields: dict[str, Any]
    phones: list[str] | None = None
    contact: Contact | None = None
    contact_update: int | None = None  # pk of the existing contact of the same name
    screening: Screening | None = None
    screening_update: int | None = None  # pk of the existing screening of that day
    changes: dict[str, list[Any]] = field(default_factory=dict)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


class RowChecker:
    """Checks rows one by one, with the region and needs look-ups cached for the whole file."""

    def __init__(
        self, actor: Any, today: date, layout: Layout, duplicates: dict[int, list[int]]
    ) -> None:
        self.actor = actor
        self.today = today
        self.layout = layout
        self.duplicates = duplicates
        self.resident_columns = [
            (key, layout.index[key]) for key in RESIDENT_KEYS if key in layout.index
        ]
        self.has_contacts = any(layout.has(key) for key in CONTACT_KEYS)
        self.has_screening = any(layout.has(key) for key in SCREENING_KEYS)
        self.villages = VillageFinder(actor, today, layout)
        self.minimum_ages: dict[str, int] = {}
        self.age_floors = registry_age_floors()
        self.needs: dict[str, tuple[list[str], list[str]]] = {}

    def prefetch(self, batch: list[NumberedRow]) -> None:
        """Look up what the batch's rows refer to (their village codes) with one query."""
        self.villages.prefetch(batch)

    def _cell(self, cells: Sequence[Any], key: str) -> Any:
        return cell(cells, self.layout.index.get(key))

    def check(
        self, row: int, cells: Sequence[Any], identity: IdNumber | None, existing: Existing | None
    ) -> Verdict[Plan]:
        """Every problem of the row, or what it changes (no plan: nothing)."""
        problems: list[RowProblem] = []

        def add(column: str, code: str, message: str) -> None:
            problems.append((column, code, message))

        raw: dict[str, Any] = {}
        for key, position in self.resident_columns:
            value = cell(cells, position)
            if not is_blank(value):
                raw[key] = value
        if "id_number" not in raw:
            add(HEADERS["id_number"], "required", "必填")
        if identity is not None:
            others = self.duplicates.get(int(identity.number[:17]))
            if others:
                message = duplicate_message(row, others, what="的公民身份号码重复")
                add(HEADERS["id_number"], "id_duplicate_in_file", message)
        if existing is not None and not in_scope(self.actor, existing.values["region_code"]):
            problem = duplicate_problem(self.actor, existing.values["id_number"])
            if problem is not None:
                add(HEADERS["id_number"], problem.code, problem.message)
        raw.pop("region_code", None)
        region_code = self.villages.find(cells, is_new=existing is None, add=add)
        if region_code is not None:
            raw["region_code"] = region_code
        if existing is None and "name" not in raw:
            add(HEADERS["name"], "required", "必填")
        minimum_age = self._minimum_age(region_code) if existing is None and region_code else None
        values, field_problems = clean_resident(
            raw, today=self.today, minimum_age=minimum_age, identity=identity
        )
        for field_problem in field_problems:
            add(field_problem.label, field_problem.code, field_problem.message)
        contact = self._contact(cells, add) if self.has_contacts else None
        screening = self._screening(cells, add) if self.has_screening else None

        if problems:
            return Verdict(problems)
        phones = values.pop("phones", None)
        if existing is None:
            plan = Plan(
                row, values["id_number"], None, values, phones, contact, screening=screening
            )
            return Verdict(plan=plan)
        plan = self._differences(row, existing, values, phones, contact, screening)
        return Verdict(plan=plan) if plan.changes else Verdict()

    def _differences(
        self,
        row: int,
        existing: Existing,
        values: dict[str, Any],
        phones: list[str] | None,
        contact: Contact | None,
        screening: Screening | None,
    ) -> Plan:
        old = existing.values
        changed = {name: value for name, value in values.items() if old.get(name) != value}
        plan = Plan(row, old["id_number"], existing, changed)
        plan.changes = {
            name: [_jsonable(old.get(name)), _jsonable(v)] for name, v in changed.items()
        }
        if phones is not None and phones != existing.phones:
            plan.phones = phones
            plan.changes["phones"] = [existing.phones, phones]
        if contact is not None:
            same_name = next((c for c in existing.contacts if c[1] == contact.name), None)
            if same_name is None or (same_name[2], same_name[3]) != (
                contact.relation,
                contact.phone,
            ):
                plan.contact = contact
                plan.contact_update = same_name[0] if same_name else None
                before = "/".join(same_name[1:4]) if same_name else None
                plan.changes["contacts"] = [before, contact.label()]
        if screening is not None:
            stored = existing.screenings.get(screening.screened_on)
            if stored is None:
                plan.screening = screening
                plan.changes["screening"] = [None, screening.as_json()]
            else:
                pk, needs, surveyor = stored
                merged = Screening(
                    screening.screened_on,
                    needs if screening.needs is None else screening.needs,
                    surveyor if screening.surveyor_name is None else screening.surveyor_name,
                )
                if (merged.needs, merged.surveyor_name) != (needs, surveyor):
                    plan.screening, plan.screening_update = merged, pk
                    previous = Screening(screening.screened_on, needs, surveyor)
                    plan.changes["screening"] = [previous.as_json(), merged.as_json()]
        return plan

    def _minimum_age(self, region_code: str) -> int:
        age = self.minimum_ages.get(region_code)
        if age is None:
            age = self.minimum_ages[region_code] = minimum_registry_age(
                region_code, self.age_floors
            )
        return age

    # --- contact and screening -----------------------------------------------------------------

    def _contact(self, cells: Sequence[Any], add: Add) -> Contact | None:
        values = {key: self._cell(cells, key) for key in CONTACT_KEYS}
        if all(is_blank(value) for value in values.values()):
            return None
        missing = [key for key, value in values.items() if is_blank(value)]
        if missing:
            for key in missing:
                add(
                    HEADERS[key],
                    "contact_incomplete",
                    "紧急联系人、紧急联系人电话、与老人关系须同时填写",
                )
            return None
        ok = True
        name = clean_name(values["contact_name"])
        if len(name) > 30:
            add(HEADERS["contact_name"], "name_length", f"应为1–30个字符，实为{len(name)}个")
            ok = False
        phone = ""
        try:
            phones = parse_phones(values["contact_phone"])
        except ValueFormatError as error:
            add(HEADERS["contact_phone"], error.code, str(error))
            ok = False
        else:
            if len(phones) != 1:
                add(HEADERS["contact_phone"], "contact_phone_count", "只能填写一个电话号码")
                ok = False
            else:
                phone = phones[0]
        text = clean_compact(values["contact_relation"])
        relation = _RELATIONS.get(text)
        if relation is None:
            with translation.override("zh-hans"):
                allowed = "、".join(str(label) for label in ContactRelation.labels)
            add(
                HEADERS["contact_relation"],
                "choice_unknown",
                f"无法识别“{text}”，可选：{allowed}",
            )
            ok = False
        if not ok or relation is None:
            return None
        return Contact(name, relation, phone)

    def _screening(self, cells: Sequence[Any], add: Add) -> Screening | None:
        screened = self._cell(cells, "screened_on")
        needs_cell = self._cell(cells, "needs")
        surveyor_cell = self._cell(cells, "surveyor_name")
        if is_blank(screened):
            if not (is_blank(needs_cell) and is_blank(surveyor_cell)):
                add(
                    HEADERS["screened_on"],
                    "required",
                    "填写了服务需求或筛查人时须填写筛查日期",
                )
            return None
        ok = True
        try:
            screened_on = parse_date(screened)
        except ValueFormatError as error:
            add(HEADERS["screened_on"], error.code, str(error))
            return None
        if screened_on > self.today:
            add(HEADERS["screened_on"], "date_future", "筛查日期不能晚于今天")
            ok = False
        needs: list[str] | None = None
        if not is_blank(needs_cell):
            codes, unknown = self._parse_needs(needs_cell)
            if unknown:
                add(HEADERS["needs"], "choice_unknown", f"无法识别的服务需求：{'、'.join(unknown)}")
                ok = False
            needs = codes
        surveyor: str | None = None
        if not is_blank(surveyor_cell):
            surveyor = clean_name(surveyor_cell)
            if len(surveyor) > 30:
                add(
                    HEADERS["surveyor_name"],
                    "name_length",
                    f"应为1–30个字符，实为{len(surveyor)}个",
                )
                ok = False
        return Screening(screened_on, needs, surveyor) if ok else None

    def _parse_needs(self, value: object) -> tuple[list[str], list[str]]:
        text = clean_text(value)
        found = self.needs.get(text)
        if found is None:
            found = parse_needs(text)
            if len(self.needs) < CACHE_LIMIT:
                self.needs[text] = found
        return list(found[0]), found[1]
