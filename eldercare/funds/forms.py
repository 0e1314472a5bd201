"""Forms of the fund pages: they parse yuan and dates into the services' inputs (rules.py)."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eldercare.core.money import MoneyFormatError, parse_yuan
from eldercare.funds import rules
from eldercare.funds.models import FundKind, FundUse, Project, ProjectCategory
from eldercare.regions.models import Region

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


def _fen(value: str) -> int:
    try:
        return parse_yuan(value, allow_zero=False)
    except MoneyFormatError as error:
        raise forms.ValidationError(error.message) from error


def region_choices(regions: Iterable[Region]) -> list[tuple[str, str]]:
    return [(region.code, f"{region.name}（{region.code}）") for region in regions]


class AmountMixin(forms.Form):
    amount_yuan = forms.CharField(label=_("金额（元）"), max_length=20)

    def clean_amount_yuan(self) -> int:
        return _fen(self.cleaned_data.get("amount_yuan") or "")


class SourceForm(AmountMixin):
    region_code = forms.ChoiceField(label=_("资金所属区划"))
    kind = forms.ChoiceField(label=_("资金来源"), choices=FundKind.choices)
    year = forms.IntegerField(
        label=_("年度"), min_value=rules.FIRST_YEAR, max_value=rules.LAST_YEAR
    )
    name = forms.CharField(label=_("资金名称"), max_length=100)
    document_no = forms.CharField(label=_("文号"), max_length=60, required=False)
    received_on = forms.DateField(label=_("到位日期"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    field_order = ["region_code", "kind", "year", "name", "amount_yuan", "received_on"]

    def __init__(self, *args: Any, regions: Iterable[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = region_choices(regions)  # type: ignore[attr-defined]

    def to_input(self) -> rules.SourceInput:
        data = self.cleaned_data
        return rules.SourceInput(
            region_code=data["region_code"],
            kind=data["kind"],
            year=data["year"],
            name=data["name"],
            amount_fen=data["amount_yuan"],
            received_on=data["received_on"],
            document_no=data.get("document_no") or "",
            note=data.get("note") or "",
        )


class AllocationForm(AmountMixin):
    region_code = forms.ChoiceField(label=_("下达区划"))
    project = forms.ModelChoiceField(
        label=_("项目"), queryset=Project.objects.none(), required=False
    )
    use = forms.ChoiceField(label=_("资金用途"), choices=FundUse.choices)
    allocated_on = forms.DateField(label=_("下达日期"), widget=DATE_WIDGET)
    document_no = forms.CharField(label=_("文号"), max_length=60, required=False)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    field_order = ["region_code", "project", "use", "amount_yuan", "allocated_on"]

    def __init__(self, *args: Any, regions: Iterable[Region], projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = region_choices(regions)  # type: ignore[attr-defined]
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]

    def to_input(self) -> rules.AllocationInput:
        data = self.cleaned_data
        project = data.get("project")
        return rules.AllocationInput(
            region_code=data["region_code"],
            amount_fen=data["amount_yuan"],
            allocated_on=data["allocated_on"],
            project_id=project.pk if project else None,
            use=data["use"],
            document_no=data.get("document_no") or "",
            note=data.get("note") or "",
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class ExpenditureForm(AmountMixin):
    spent_on = forms.DateField(label=_("支出日期"), widget=DATE_WIDGET)
    payee = forms.CharField(label=_("收款单位（人）"), max_length=100)
    purpose = forms.CharField(label=_("用途"), max_length=200)
    voucher_no = forms.CharField(label=_("凭证号"), max_length=40)
    vouchers = MultipleFileField(label=_("凭证附件（PDF、JPG、PNG，可多选）"), required=False)

    field_order = ["amount_yuan", "spent_on", "payee", "purpose", "voucher_no", "vouchers"]

    def to_input(self) -> rules.ExpenditureInput:
        data = self.cleaned_data
        return rules.ExpenditureInput(
            amount_fen=data["amount_yuan"],
            spent_on=data["spent_on"],
            payee=data["payee"],
            purpose=data["purpose"],
            voucher_no=data["voucher_no"],
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("更正原因"), max_length=200)
    # Unticked: the entry is only reversed (cancelled); ticked: the corrected values below follow.
    replace = forms.BooleanField(label=_("录入更正后的记录"), required=False, initial=True)


class VoucherForm(forms.Form):
    file = forms.FileField(label=_("凭证附件（PDF、JPG、PNG）"))


class ProjectForm(forms.Form):
    region_code = forms.ChoiceField(label=_("实施区划"))
    name = forms.CharField(label=_("项目名称"), max_length=100)
    category = forms.ChoiceField(label=_("项目类别"), choices=ProjectCategory.choices)
    description = forms.CharField(
        label=_("项目内容"), max_length=2000, required=False, widget=forms.Textarea({"rows": 3})
    )

    def __init__(self, *args: Any, regions: Iterable[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = region_choices(regions)  # type: ignore[attr-defined]

    def to_input(self) -> rules.ProjectInput:
        data = self.cleaned_data
        return rules.ProjectInput(
            region_code=data["region_code"],
            name=data["name"],
            category=data["category"],
            description=data.get("description") or "",
        )


class ExecutionFilterForm(forms.Form):
    region = forms.CharField(required=False, widget=forms.HiddenInput)
    on = forms.DateField(label=_("截至日期"), required=False, widget=DATE_WIDGET)
    kind = forms.ChoiceField(
        label=_("资金来源"), required=False, choices=[("", _("全部资金")), *FundKind.choices]
    )
