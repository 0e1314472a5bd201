"""Checking one row of an assessment sheet: every cell, every problem, each naming its column.

The rules `services.record_assessment` applies (dates, assessors, scores) are checked here as well,
on data looked up per batch, so that a dry run — which writes nothing — says what a real import
would do: the dates and assessors by the service's own `assessed_on_problem` and
`is_assessor_for`, the scores by the pure engine. The service still checks again when the row is
recorded.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from eldercare.accounts.models import User
from eldercare.assessment.errors import Problem
from eldercare.assessment.importing.cells import (
    SameAssessment,
    flag,
    integer,
    row_standard,
    same_assessment,
)
from eldercare.assessment.importing.columns import (
    BY_KEY,
    HEADERS,
    PLACES,
    REASONS,
    STANDARD_LABELS,
    Layout,
    items,
)
from eldercare.assessment.models import Standard
from eldercare.assessment.scoring import (
    EVENT_KINDS,
    AnswerError,
    AnswerSet,
    Conditions,
    Events30d,
    Item,
    score,
)
from eldercare.assessment.validation import PaperAssessor, assessed_on_problem, is_assessor_for
from eldercare.core.idcard import IdNumber, IdNumberError
from eldercare.core.normalize import ValueFormatError, clean_compact, clean_name, parse_date
from eldercare.registry.importing.common import cell, duplicate_message, is_blank
from eldercare.registry.importing.results import RowProblem, Verdict
from eldercare.registry.models import Resident

FLAGS = ("coma", "dementia", "psychiatric_disorder")
NOT_FOUND = "不在您的管辖范围内或未登记"
CONFLICT = "该老人当天已有一份不同的评估，请在系统中更正"

Add = Callable[[str, str, str], None]


def conditions_in_full(data: object) -> dict[str, Any]:
    """Conditions with every flag and count (absent: false, 0), as the import stores them."""
    given = data if isinstance(data, dict) else {}
    events = given.get("events_30d")
    events = events if isinstance(events, dict) else {}
    return {
        **{name: bool(given.get(name, False)) for name in FLAGS},
        "events_30d": {kind: int(events.get(kind) or 0) for kind in EVENT_KINDS},
    }


@dataclass(frozen=True, slots=True)
class Content:
    """What a re-import compares: equal content on the same day is the same assessment."""

    reason: str
    place: str
    first_assessor: str
    second_assessor: str
    answers: dict[str, int]
    conditions: dict[str, Any]

    def first_difference(self, other: "Content", standard: str) -> str:
        """The field name (or item key) of the first difference, in column order."""
        for name in ("reason", "place", "first_assessor", "second_assessor"):
            if getattr(self, name) != getattr(other, name):
                return name
        for item in items(standard):
            if self.answers.get(item.key) != other.answers.get(item.key):
                return item.key
        for name in FLAGS:
            if self.conditions[name] != other.conditions[name]:
                return f"conditions.{name}"
        for kind in EVENT_KINDS:
            if self.conditions["events_30d"][kind] != other.conditions["events_30d"][kind]:
                return f"conditions.events_30d.{kind}"
        return "assessed_on"


@dataclass(frozen=True, slots=True)
class Stored:
    is_valid: bool  # finished and not superseded by a finished correction
    content: Content


@dataclass(slots=True)
class Lookups:
    """What one batch's rows refer to, fetched with one query each."""

    residents: dict[str, Resident] = field(default_factory=dict)  # by ID number, in scope only
    stored: dict[tuple[int, str, date], list[Stored]] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)  # by username


@dataclass(slots=True)
class Plan:
    """A valid row to record: the `data` of services.record_assessment."""

    row: int
    standard: str
    resident: Resident
    data: dict[str, Any]


class RowChecker:
    def __init__(
        self, layout: Layout, today: date, duplicates: dict[SameAssessment, list[int]]
    ) -> None:
        self.layout = layout
        self.today = today
        self.duplicates = duplicates
        self.items = {standard: items(standard) for standard in layout.items}

    def check(
        self,
        row: int,
        cells: Sequence[Any],
        identity: IdNumber | IdNumberError | None,
        lookups: Lookups,
    ) -> Verdict[Plan]:
        """Every problem of the row, or the plan to record it (no plan: already stored)."""
        problems: list[RowProblem] = []

        def add(column: str, code: str, message: str) -> None:
            problems.append((column, code, message))

        resident = self._resident(row, cells, identity, lookups, add)
        standard = self._standard(cells, add)
        assessed_on = self._date(cells, standard, resident, add)
        reason = self._choice(cells, "reason", REASONS, add)
        place = self._choice(cells, "place", PLACES, add)
        first = self._assessor(cells, "first_assessor", resident, lookups, add)
        second = self._assessor(cells, "second_assessor", resident, lookups, add)
        if first and second and first[1] == second[1]:
            add(HEADERS["second_assessor"], "same_assessor", "两名评估员不能是同一人")
        conditions = self._conditions(cells, add)
        answers = self._answers(cells, standard, conditions, add) if standard else None
        if problems:
            return Verdict(problems)
        assert resident is not None and standard is not None and assessed_on is not None
        assert reason and place and first and second and conditions and answers is not None
        content = Content(reason, place, first[1], second[1], answers, conditions)
        same_day = lookups.stored.get((resident.pk, standard, assessed_on), [])
        if any(stored.content == content for stored in same_day):
            return Verdict()
        valid = next((stored for stored in same_day if stored.is_valid), None)
        if valid is not None:
            column = self.column(content.first_difference(valid.content, standard), standard)
            return Verdict([(column, "assessment_conflict", CONFLICT)])
        data = {
            "standard": standard,
            "assessed_on": assessed_on,
            "place": place,
            "reason": reason,
            "first_assessor": first[0],
            "second_assessor": second[0],
            "answers": answers,
            "conditions": conditions,
        }
        return Verdict(plan=Plan(row, standard, resident, data))

    def column(self, name: str, standard: str) -> str:
        """The column header of a service field name, item key or condition path."""
        if name in HEADERS:
            return HEADERS[name]
        if name == "resident":
            return HEADERS["id_number"]
        condition = name.removeprefix("conditions.")
        if condition in FLAGS:
            return HEADERS[condition]
        if condition.startswith("events_30d."):
            return HEADERS.get("events." + condition.removeprefix("events_30d."), name)
        position = self.layout.items.get(standard, {}).get(name)
        if position is not None:
            return self.layout.item_headers[position]
        item = next((i for i in items(standard) if i.key == name), None)
        return item.name if item is not None else Problem(name, "", "").label

    # --- the fields of a row -------------------------------------------------------------------

    def _value(self, cells: Sequence[Any], key: str) -> Any:
        return cell(cells, self.layout.index.get(key))

    def _resident(
        self,
        row: int,
        cells: Sequence[Any],
        identity: IdNumber | IdNumberError | None,
        lookups: Lookups,
        add: Add,
    ) -> Resident | None:
        column = HEADERS["id_number"]
        if identity is None:
            add(column, "required", "必填")
            return None
        if isinstance(identity, IdNumberError):
            add(column, identity.code, identity.message)
            return None
        resident = lookups.residents.get(identity.number)
        if resident is None:
            add(column, "resident_not_found", NOT_FOUND)
            return None
        key = same_assessment(cells, self.layout, int(identity.number[:17]))
        others = self.duplicates.get(key, []) if key is not None else []
        if others:
            message = duplicate_message(row, others, what="是同一老人同一天按同一标准的评估")
            add(column, "assessment_duplicate_in_file", message)
        name = self._value(cells, "name")
        if not is_blank(name) and clean_name(name) != resident.name:
            add(
                HEADERS["name"],
                "name_mismatch",
                f"与登记的姓名不一致：该身份证号登记为“{resident.name}”",
            )
        return resident

    def _standard(self, cells: Sequence[Any], add: Add) -> str | None:
        standard, value = row_standard(cells, self.layout)
        if standard is not None:
            return standard
        if value is None:
            add(HEADERS["standard"], "required", "必填：本表未统一指定评估标准")
        else:
            labels = "、".join(STANDARD_LABELS.values())
            add(
                HEADERS["standard"],
                "choice_unknown",
                f"无法识别“{clean_compact(value)}”，可选：{labels}",
            )
        return None

    def _date(
        self, cells: Sequence[Any], standard: str | None, resident: Resident | None, add: Add
    ) -> date | None:
        column = HEADERS["assessed_on"]
        value = self._value(cells, "assessed_on")
        if is_blank(value):
            add(column, "required", "必填")
            return None
        try:
            day = parse_date(value)
        except ValueFormatError as error:
            add(column, error.code, error.message)
            return None
        problem = assessed_on_problem(
            day,
            standard=standard,
            birth_date=resident.birth_date if resident is not None else None,
            today=self.today,
        )
        if problem is not None:
            add(column, problem.code, problem.message)
            return None
        return day

    def _choice(self, cells: Sequence[Any], key: str, lookup: dict[str, str], add: Add) -> str:
        value = self._value(cells, key)
        if is_blank(value):
            add(HEADERS[key], "required", "必填")
            return ""
        text = clean_compact(value)
        found = lookup.get(text) or lookup.get(text.lower())
        if found is None:
            choices = "、".join(BY_KEY[key].values)
            add(HEADERS[key], "choice_unknown", f"无法识别“{text}”，可选：{choices}")
            return ""
        return found

    def _assessor(
        self,
        cells: Sequence[Any],
        key: str,
        resident: Resident | None,
        lookups: Lookups,
        add: Add,
    ) -> tuple[User | PaperAssessor, str] | None:
        """(what to give the service, the name it will store): a platform user or a name."""
        column = HEADERS[key]
        value = self._value(cells, key)
        if is_blank(value):
            add(column, "required", "必填：两项评估标准均要求两名评估员")
            return None
        text = clean_name(value)
        user = lookups.users.get(text)
        if user is not None:
            if resident is not None and not is_assessor_for(user, resident):
                add(column, "not_an_assessor", f"{user.display_name} 不是负责该区域的评估员")
                return None
            return user, user.display_name[:30]
        if not 2 <= len(text) <= 30:
            add(column, "name_length", f"评估员姓名应为2–30个字符，实为{len(text)}个")
            return None
        if text.isdigit():
            add(column, "assessor_name", "请填写评估员的姓名，而不是编号")
            return None
        return PaperAssessor(text), text

    def _conditions(self, cells: Sequence[Any], add: Add) -> dict[str, Any] | None:
        ok = True
        flags: dict[str, bool] = {}
        for name in FLAGS:
            value = self._value(cells, name)
            found = flag(value)
            if found is None:
                add(
                    HEADERS[name],
                    "choice_unknown",
                    f"无法识别“{clean_compact(value)}”：应填“是”或“否”，也可留空（表示否）",
                )
                ok = False
            else:
                flags[name] = found
        events: dict[str, int] = {}
        for kind in EVENT_KINDS:
            key = f"events.{kind}"
            value = self._value(cells, key)
            count = 0 if is_blank(value) else integer(value, unit="次")
            if count is None:
                add(HEADERS[key], "count_invalid", f"“{clean_compact(value)}”不是次数：应为整数")
                ok = False
            elif count < 0:
                add(HEADERS[key], "count_negative", "次数不能为负数")
                ok = False
            else:
                events[kind] = count
        return {**flags, "events_30d": events} if ok else None

    def _answers(
        self, cells: Sequence[Any], standard: str, conditions: dict[str, Any] | None, add: Add
    ) -> dict[str, int] | None:
        positions = self.layout.items[standard]
        headers = self.layout.item_headers
        answers: dict[str, int] = {}
        missing: list[Item] = []
        ok = True
        for item in self.items[standard]:
            position = positions.get(item.key)
            value = cell(cells, position)
            if is_blank(value):
                missing.append(item)
                continue
            column = headers[position] if position is not None else item.name
            allowed = "、".join(str(option.score) for option in item.options)
            number = integer(value, unit="分")
            if number is None:
                add(
                    column,
                    "score_invalid",
                    f"无法识别“{clean_compact(value)}”：请填写所选选项的得分（{allowed}）",
                )
                ok = False
            elif number not in item.allowed_scores:
                add(column, "score_not_allowed", f"得分{number}不在可选分值（{allowed}）中")
                ok = False
            else:
                answers[item.key] = number
        own = set(positions.values())
        for position, header in headers.items():
            if position not in own and not is_blank(cell(cells, position)):
                add(
                    header,
                    "item_not_in_standard",
                    f"“{header}”不是{STANDARD_LABELS[standard]}的评估项目，此行应留空",
                )
                ok = False
        coma = flag(self._value(cells, "coma"))
        # MZ/T 039: 意识水平 3 (昏迷) is coma too (docs/decisions/0004-assessment-scoring.md).
        if standard == Standard.MZT039 and answers.get("sense.consciousness") == 3:
            coma = True
        if missing and coma is not True:
            ok = False
            # An unreadable 昏迷 cell is reported already: whether items may be blank is unknown.
            for item in missing if coma is False else ():
                position = positions.get(item.key)
                if position is None:
                    add(item.name, "missing_item", f"缺少“{item.name}”的评分：表中没有这一列")
                else:
                    add(headers[position], "missing_item", f"缺少“{item.name}”的评分")
        if not ok or conditions is None:
            return None
        return self._scored(standard, answers, conditions, add)

    def _scored(
        self, standard: str, answers: dict[str, int], conditions: dict[str, Any], add: Add
    ) -> dict[str, int] | None:
        """The pure engine has the last word on whether the answers can be scored."""
        events = Events30d(**conditions["events_30d"])
        flags = {name: conditions[name] for name in FLAGS}
        try:
            score(AnswerSet(standard, answers, Conditions(**flags, events_30d=events)))
        except AnswerError as error:
            add(self.column(error.field, standard), error.code, error.message)
            return None
        return answers
