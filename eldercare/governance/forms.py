"""Forms of the governance pages: they parse and check the shape of the input; the services
decide whether the request is allowed."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from eldercare.governance.indicators.computed import is_computed
from eldercare.governance.models import Organisation, SupervisionLevel, TaskList
from eldercare.governance.rules.indicator_catalogue import CATALOGUE, Source

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class RegionDayForm(forms.Form):
    """?region=…&on=… of the indicator and sheet pages; both optional."""

    region = forms.CharField(label=_("区划代码"), max_length=12, required=False)
    on = forms.DateField(label=_("日期"), required=False, widget=DATE_INPUT)


class StaleForm(forms.Form):
    days = forms.IntegerField(label=_("多少天未报告"), min_value=1, max_value=365, required=False)


class ReportForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("报告单位"), queryset=Organisation.objects.none(), required=False
    )
    reported_on = forms.DateField(label=_("报告日期"), widget=DATE_INPUT)
    percent = forms.IntegerField(label=_("完成进度（%）"), min_value=0, max_value=100)
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label=_("附件"), required=False)

    def __init__(self, *args: Any, units: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[u.pk for u in units])
        field.required = bool(units)
        if not units:
            field.widget = forms.HiddenInput()


class SupervisionForm(forms.Form):
    region_code = forms.CharField(label=_("被督查区划代码"), max_length=12)
    level = forms.ChoiceField(label=_("督查层级"), choices=SupervisionLevel.choices)
    held_on = forms.DateField(label=_("督查日期"), widget=DATE_INPUT)
    title = forms.CharField(label=_("名称"), max_length=200)
    task_list = forms.ModelChoiceField(
        label=_("督查的任务清单"), queryset=TaskList.objects.none(), required=False
    )
    summary = forms.CharField(
        label=_("总体情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    finding = forms.CharField(
        label=_("发现的问题"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    rectification_due_on = forms.DateField(label=_("整改期限"), required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, task_lists: QuerySet[TaskList], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["task_list"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = task_lists


class FindingForm(forms.Form):
    text = forms.CharField(label=_("发现的问题"), widget=forms.Textarea(attrs={"rows": 2}))
    rectification_due_on = forms.DateField(label=_("整改期限"), required=False, widget=DATE_INPUT)


class RectifyForm(forms.Form):
    rectified_on = forms.DateField(label=_("整改完成日期"), widget=DATE_INPUT)
    note = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 2}))


class ManualScoreForm(forms.Form):
    sub_item = forms.CharField(label=_("细项编号"), max_length=20)
    region_code = forms.CharField(label=_("区划代码"), max_length=12)
    as_of = forms.DateField(label=_("评分日期"), widget=DATE_INPUT)
    points = forms.DecimalField(label=_("得分"), max_digits=6, decimal_places=2)
    evidence = forms.CharField(label=_("评分依据"), widget=forms.Textarea(attrs={"rows": 2}))


class RunForm(forms.Form):
    region_code = forms.CharField(label=_("考核区划代码"), max_length=12)
    as_of = forms.DateField(label=_("考核日期"), widget=DATE_INPUT)


def manual_indicator_choices() -> list[tuple[str, str]]:
    return [
        (code, d.name)
        for code, d in CATALOGUE.items()
        if d.source == Source.MANUAL and not is_computed(code)
    ]


class IndicatorValueForm(forms.Form):
    code = forms.ChoiceField(label=_("指标"), choices=manual_indicator_choices)
    region_code = forms.CharField(label=_("区划代码"), max_length=12)
    as_of = forms.DateField(label=_("统计截止日期"), widget=DATE_INPUT)
    value = forms.DecimalField(
        label=_("数值（比例填小数，如 0.55）"), max_digits=16, decimal_places=4, required=False
    )
    numerator = forms.DecimalField(label=_("分子"), max_digits=16, decimal_places=4, required=False)
    denominator = forms.DecimalField(
        label=_("分母"), max_digits=16, decimal_places=4, required=False
    )
    evidence = forms.CharField(label=_("依据"), widget=forms.Textarea(attrs={"rows": 2}))
