"""The API's shapes: plain functions build the data; Serializer classes describe it for OpenAPI
and parse the input of the few writes."""

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from eldercare.governance.indicators.values import IndicatorRow
from eldercare.governance.models import ProgressReport, ScoringRun, Task, TaskList


def task_list_data(task_list: TaskList, counts: dict[str, int]) -> dict[str, Any]:
    return {
        "id": task_list.pk,
        "key": task_list.key,
        "region_code": task_list.region_code,
        "region_name": task_list.region_name,
        "kind": task_list.kind,
        "title": task_list.title,
        "source_document": task_list.source,
        "period_start": task_list.period_start,
        "period_end": task_list.period_end,
        "counts": counts,
    }


def task_data(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "task_list": task.task_list_id,
        "section": task.section,
        "number": task.number,
        "part": task.part,
        "display_number": task.display_number,
        "name": task.name,
        "requirement": task.requirement,
        "content": task.content,
        "goals": task.goals,
        "lead_units": [u.name for u in task.lead_units.all()],
        "co_units": [u.name for u in task.co_units.all()],
        "lead_text": task.lead_text,
        "co_text": task.co_text,
        "deadline_text": task.deadline_text,
        "deadline_kind": task.deadline_kind,
        "milestones": task.milestones,
        "due_on": task.due_on,
        "status": task.status,
        "percent": task.percent,
        "completed_on": task.completed_on,
        "last_reported_on": task.last_reported_on,
    }


def report_data(report: ProgressReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "task": report.task_id,
        "organisation": report.organisation.name if report.organisation else None,
        "region_code": report.region_code,
        "reported_on": report.reported_on,
        "percent": report.percent,
        "text": report.text,
    }


def points(value: Decimal) -> str:
    """77.50 → "77.5", 0.00 → "0": the same text however the value was read."""
    return "0" if value == 0 else f"{value.normalize():f}"


def run_summary(run: ScoringRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "sheet": run.sheet_id,
        "sheet_title": run.sheet.title,
        "region_code": run.region_code,
        "as_of": run.as_of,
        "base_total": points(run.base_total),
        "bonus_total": points(run.bonus_total),
        "total": points(run.total),
        "created_at": run.created_at,
    }


def indicator_data(row: IndicatorRow) -> dict[str, Any]:
    value = row.value
    return {
        "code": row.definition.code,
        "name": row.definition.name,
        "unit": row.definition.unit.value,
        "origin": row.definition.source.value,
        "population": row.definition.population,
        "numerator_definition": row.definition.numerator,
        "denominator_definition": row.definition.denominator,
        "as_of": value.as_of if value else None,
        "value": None if value is None or value.value is None else str(value.value),
        "numerator": None if value is None or value.numerator is None else str(value.numerator),
        "denominator": None
        if value is None or value.denominator is None
        else str(value.denominator),
        "targets": [
            {
                "label": gap.target.label,
                "value": str(gap.target.value),
                "is_upper_bound": gap.target.is_upper_bound,
                "due_on": gap.target.due_on,
                "gap": None if gap.gap is None else str(gap.gap),
            }
            for gap in row.targets
        ],
    }


class TaskListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    source_document = serializers.CharField()
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    counts = serializers.DictField(child=serializers.IntegerField())


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    task_list = serializers.IntegerField()
    section = serializers.CharField()
    number = serializers.CharField()
    part = serializers.IntegerField()
    display_number = serializers.CharField()
    name = serializers.CharField()
    requirement = serializers.CharField()
    content = serializers.ListField(child=serializers.CharField())
    goals = serializers.ListField(child=serializers.CharField())
    lead_units = serializers.ListField(child=serializers.CharField())
    co_units = serializers.ListField(child=serializers.CharField())
    lead_text = serializers.CharField()
    co_text = serializers.CharField()
    deadline_text = serializers.CharField()
    deadline_kind = serializers.CharField()
    milestones = serializers.ListField(child=serializers.DictField())
    due_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    percent = serializers.IntegerField()
    completed_on = serializers.DateField(allow_null=True)
    last_reported_on = serializers.DateField(allow_null=True)


class TaskListDetailSerializer(TaskListSerializer):
    tasks = TaskSerializer(many=True)


class ReportInputSerializer(serializers.Serializer):
    organisation = serializers.CharField(required=False, allow_blank=True, help_text="单位名称")
    reported_on = serializers.DateField()
    percent = serializers.IntegerField(min_value=0, max_value=100)
    text = serializers.CharField()


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    task = serializers.IntegerField()
    organisation = serializers.CharField(allow_null=True)
    region_code = serializers.CharField()
    reported_on = serializers.DateField()
    percent = serializers.IntegerField()
    text = serializers.CharField()


class RunInputSerializer(serializers.Serializer):
    sheet = serializers.IntegerField()
    region_code = serializers.CharField()
    as_of = serializers.DateField()


class RunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sheet = serializers.IntegerField()
    sheet_title = serializers.CharField()
    region_code = serializers.CharField()
    as_of = serializers.DateField()
    base_total = serializers.CharField()
    bonus_total = serializers.CharField()
    total = serializers.CharField()
    created_at = serializers.DateTimeField()


class RunDetailSerializer(RunSerializer):
    report = serializers.DictField()


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    origin = serializers.CharField(help_text="registry、governance（平台数据）或 manual（填报）")
    population = serializers.CharField()
    numerator_definition = serializers.CharField()
    denominator_definition = serializers.CharField()
    as_of = serializers.DateField(allow_null=True)
    value = serializers.CharField(allow_null=True)
    numerator = serializers.CharField(allow_null=True)
    denominator = serializers.CharField(allow_null=True)
    targets = serializers.ListField(child=serializers.DictField())


class ErrorSerializer(serializers.Serializer):
    field = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()
