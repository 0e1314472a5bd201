"""Page forms of applications. They shape input (yuan → fen, "2026-12" → a month); the services
validate it by the same rules as the API."""

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eldercare.applications.chain import (
    DEFAULT_WORKING_DAYS,
    LEVEL_NAMES,
    MAX_WORKING_DAYS,
    MIN_WORKING_DAYS,
)
from eldercare.applications.models import (
    ApplicantKind,
    ApplicationKind,
    ApplicationStatus,
    BenefitKind,
    ReviewLevel,
)
from eldercare.applications.queries import MINE_CHOICES
from eldercare.core.money import MoneyFormatError, parse_yuan
from eldercare.registry.choices import ContactRelation


def _blank_first(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


def _fen(value: str) -> int | None:
    if not value.strip():
        return None
    try:
        return parse_yuan(value, allow_zero=False)
    except MoneyFormatError as error:
        raise forms.ValidationError(error.message) from error


FAMILY_RELATIONS = [
    (value, label)
    for value, label in ContactRelation.choices
    if value not in ("grid_worker", "village_cadre")
]


class ApplicationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("申请类型"), choices=ApplicationKind.choices, widget=forms.RadioSelect
    )
    benefit_kind = forms.ChoiceField(
        label=_("补贴类型"), choices=_blank_first(BenefitKind.choices), required=False
    )
    amount_yuan = forms.CharField(
        label=_("申请金额（元）"),
        required=False,
        help_text=_("留空表示按政策核定，由县级审批时填写"),
    )
    service_item = forms.ChoiceField(label=_("服务项目"), choices=[], required=False)
    applicant_kind = forms.ChoiceField(
        label=_("申请人"), choices=ApplicantKind.choices, widget=forms.RadioSelect
    )
    applicant_name = forms.CharField(label=_("家属姓名"), required=False, max_length=30)
    applicant_relation = forms.ChoiceField(
        label=_("与老人关系"), choices=_blank_first(FAMILY_RELATIONS), required=False
    )
    applicant_phone = forms.CharField(label=_("家属电话"), required=False, max_length=24)
    reason = forms.CharField(
        label=_("申请理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, service_items: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_item"].choices = _blank_first(service_items)  # type: ignore[attr-defined]

    def clean_amount_yuan(self) -> int | None:
        return _fen(self.cleaned_data.get("amount_yuan") or "")

    def to_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["amount_fen"] = data.pop("amount_yuan")
        return data


class DecisionForm(forms.Form):
    """One form for the three decisions; the button pressed says which."""

    comment = forms.CharField(
        label=_("意见（退回、不予批准时必填）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    approved_amount_yuan = forms.CharField(
        label=_("核定金额（元）"), required=False, help_text=_("最后一步填写；留空按申请金额")
    )
    first_month = forms.CharField(
        label=_("待遇起始月份"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
        help_text=_("最后一步填写；留空为批准当月"),
    )
    step = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_approved_amount_yuan(self) -> int | None:
        return _fen(self.cleaned_data.get("approved_amount_yuan") or "")

    def clean_first_month(self) -> date | None:
        value = (self.cleaned_data.get("first_month") or "").strip()
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.split("-")[:2])
            return date(year, month, 1)
        except ValueError as error:
            raise forms.ValidationError(_("月份格式应为 2026-12")) from error


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("材料文件（PDF、JPG、PNG）"))
    description = forms.CharField(label=_("材料说明"), required=False, max_length=100)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("说明"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), choices=_blank_first(ApplicationStatus.choices), required=False
    )
    step = forms.ChoiceField(
        label=_("审核环节"), choices=_blank_first(ReviewLevel.choices), required=False
    )
    kind = forms.ChoiceField(
        label=_("类型"), choices=_blank_first(ApplicationKind.choices), required=False
    )
    mine = forms.ChoiceField(
        label=_("范围"), choices=_blank_first(MINE_CHOICES.items()), required=False
    )
    overdue = forms.BooleanField(label=_("仅逾期"), required=False)
    number = forms.CharField(label=_("申请编号"), required=False, max_length=20)


class ChainForm(forms.Form):
    """Up to four steps: a level and its working days each; blank levels are left out."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for position in range(1, len(LEVEL_NAMES) + 1):
            self.fields[f"level_{position}"] = forms.ChoiceField(
                label=_("第%(n)d步") % {"n": position},
                choices=_blank_first(ReviewLevel.choices),
                required=False,
            )
            self.fields[f"days_{position}"] = forms.IntegerField(
                label=_("办理时限（工作日）"),
                min_value=MIN_WORKING_DAYS,
                max_value=MAX_WORKING_DAYS,
                required=False,
            )

    @classmethod
    def initial_from(cls, steps: list[dict[str, Any]]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for position, step in enumerate(steps, start=1):
            initial[f"level_{position}"] = step["level"]
            initial[f"days_{position}"] = step["working_days"]
        return initial

    def to_steps(self) -> list[dict[str, Any]]:
        steps = []
        for position in range(1, len(LEVEL_NAMES) + 1):
            level = self.cleaned_data.get(f"level_{position}")
            if level:
                days = self.cleaned_data.get(f"days_{position}")
                steps.append({"level": level, "working_days": days or DEFAULT_WORKING_DAYS})
        return steps
