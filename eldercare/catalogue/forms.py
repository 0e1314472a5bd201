"""Page forms collect raw values only; the services validate (the same rules as API and loader)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eldercare.catalogue.errors import Problem
from eldercare.catalogue.models import ListKind, ServiceCategory, ServiceUnit

DEFAULT = ""
TRI_STATE = [(DEFAULT, _("按项目默认")), ("true", _("是")), ("false", _("否"))]
YES_NO = [("true", _("是")), ("false", _("否"))]


class ProblemsMixin:
    def add_problems(self, problems: list[Problem]) -> None:
        form: Any = self
        for problem in problems:
            field = problem.field if problem.field in form.fields else None
            form.add_error(
                field, problem.message if field else f"{problem.label}：{problem.message}"
            )


class InEffectForm(forms.Form):
    region = forms.CharField(label=_("区划代码"), required=False, max_length=12)
    on = forms.DateField(
        label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class NewVersionForm(forms.Form):
    region_code = forms.CharField(
        label=_("区划代码"), required=False, max_length=12, help_text=_("为空表示全国")
    )
    kind = forms.ChoiceField(label=_("清单类型"), choices=ListKind.choices)


class ListHeaderForm(ProblemsMixin, forms.Form):
    name = forms.CharField(label=_("清单名称"), max_length=100)
    basis = forms.CharField(
        label=_("政策依据"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    effective_from = forms.DateField(
        label=_("生效日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    effective_to = forms.DateField(
        label=_("失效日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("最后适用的一天；为空表示长期有效"),
    )


class EntryForm(ProblemsMixin, forms.Form):
    local_price = forms.CharField(
        label=_("本地价格（元）"),
        required=False,
        max_length=20,
        help_text=_("新增时为空则取项目标准价格；修改时为空表示不定价"),
    )
    is_price_example = forms.ChoiceField(label=_("示例价格"), choices=TRI_STATE, required=False)
    is_basic = forms.ChoiceField(label=_("基本服务（政府保障）"), choices=TRI_STATE, required=False)
    eligibility = forms.CharField(
        label=_("服务对象"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    funding = forms.CharField(
        label=_("资金来源"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    frequency_limit = forms.CharField(label=_("频次限制"), required=False, max_length=200)
    lead_agency = forms.CharField(label=_("牵头部门"), required=False, max_length=100)

    def entry_data(self, *, adding: bool) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("item_code", None)
        for key in ("is_price_example", "is_basic"):
            if data.get(key) == DEFAULT:
                data.pop(key)
        if adding and not str(data.get("local_price") or "").strip():
            data.pop("local_price", None)
        return data


class NewEntryForm(EntryForm):
    item_code = forms.ChoiceField(label=_("服务项目"), choices=())

    field_order = ["item_code"]

    def __init__(self, *args: Any, item_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["item_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = item_choices


class ItemForm(ProblemsMixin, forms.Form):
    code = forms.CharField(
        label=_("项目编码"), max_length=20, help_text=_("大写字母、数字和连字符，如 YZ-X-003")
    )
    name = forms.CharField(label=_("项目名称"), max_length=60)
    category = forms.ChoiceField(label=_("服务类别"), choices=ServiceCategory.choices)
    unit = forms.ChoiceField(label=_("计价单位"), choices=ServiceUnit.choices)
    standard_price = forms.CharField(
        label=_("标准价格（元）"), required=False, max_length=20, help_text=_("为空表示不定价")
    )
    is_price_example = forms.ChoiceField(label=_("示例价格"), choices=YES_NO, initial="false")
    service_standard = forms.CharField(
        label=_("服务标准"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    minimum_minutes = forms.CharField(label=_("最短服务时长（分钟）"), required=False, max_length=5)
    is_basic = forms.ChoiceField(label=_("基本服务（政府保障）"), choices=YES_NO, initial="false")
    is_active = forms.ChoiceField(label=_("启用"), choices=YES_NO, initial="true")
    source = forms.CharField(label=_("依据"), required=False, max_length=200)
    reason = forms.CharField(label=_("修改原因"), required=False, max_length=200)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
            self.fields["code"].required = False
        else:
            del self.fields["reason"]

    def item_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("reason", None)
        return data


class NewItemForm(ItemForm):
    region_code = forms.CharField(
        label=_("设立区划代码"), required=False, max_length=12, help_text=_("为空表示通用项目")
    )

    field_order = ["region_code"]

    def item_data(self) -> dict[str, Any]:
        data = super().item_data()
        data.pop("region_code", None)
        return data
