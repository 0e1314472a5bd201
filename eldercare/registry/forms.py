"""Page forms collect raw values only; the services validate (the same rules as API and import)."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eldercare.registry.choices import (
    ContactRelation,
    DisabilityGrade,
    DisabilityType,
    EconomicStatus,
    FamilyPlanningStatus,
    HealthStatus,
    LivingArrangement,
    MedicalInsurance,
    ResidenceType,
    ResidentStatus,
    ServiceNeed,
)
from eldercare.registry.importing.kinds import ImportKind
from eldercare.registry.validation import FieldProblem


def _blank_first(choices: Sequence[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", "—"), *choices]


class ResidentForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=30)
    id_number = forms.CharField(label=_("公民身份号码"), max_length=30)
    ethnicity = forms.CharField(label=_("民族"), required=False, max_length=10)
    phones = forms.CharField(
        label=_("联系电话"), required=False, help_text=_("多个号码用顿号或逗号分隔")
    )
    region_code = forms.CharField(label=_("所属村（社区）区划代码"), max_length=12)
    household_address = forms.CharField(label=_("户籍地址"), required=False, max_length=200)
    residence_address = forms.CharField(label=_("现居住地址"), required=False, max_length=200)
    residence_type = forms.ChoiceField(label=_("户籍与居住"), choices=ResidenceType.choices)
    living_arrangement = forms.ChoiceField(
        label=_("居住状况"), choices=_blank_first(LivingArrangement.choices), required=False
    )
    economic_status = forms.ChoiceField(
        label=_("经济状况"), choices=_blank_first(EconomicStatus.choices), required=False
    )
    family_planning_status = forms.ChoiceField(
        label=_("计生特殊家庭"), choices=FamilyPlanningStatus.choices
    )
    disability_type = forms.ChoiceField(
        label=_("残疾类别"), choices=_blank_first(DisabilityType.choices), required=False
    )
    disability_grade = forms.ChoiceField(
        label=_("残疾等级"),
        choices=_blank_first([(str(value), label) for value, label in DisabilityGrade.choices]),
        required=False,
    )
    medical_insurance = forms.ChoiceField(
        label=_("医保类型"), choices=_blank_first(MedicalInsurance.choices), required=False
    )
    reason = forms.CharField(label=_("修改原因"), required=False, max_length=200)

    def add_problems(self, problems: list[FieldProblem]) -> None:
        for problem in problems:
            field = problem.field if problem.field in self.fields else None
            self.add_error(
                field, problem.message if field else f"{problem.label}：{problem.message}"
            )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=ResidentStatus.choices)
    status_date = forms.DateField(
        label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    moved_to = forms.CharField(label=_("迁往"), required=False, max_length=200)
    reason = forms.CharField(label=_("原因"), required=False, max_length=200)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=30, required=False)
    relation = forms.ChoiceField(
        label=_("关系"), choices=_blank_first(ContactRelation.choices), required=False
    )
    phone = forms.CharField(label=_("电话"), max_length=24, required=False)


ContactFormSet = forms.formset_factory(ContactForm, extra=2, max_num=10)


class ScreeningForm(forms.Form):
    screened_on = forms.DateField(
        label=_("筛查日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    needs = forms.MultipleChoiceField(
        label=_("服务需求"),
        choices=ServiceNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    health_status = forms.ChoiceField(
        label=_("健康状况"), choices=_blank_first(HealthStatus.choices), required=False
    )
    care_situation = forms.CharField(label=_("照护情况"), required=False, max_length=200)
    surveyor_name = forms.CharField(label=_("筛查人"), required=False, max_length=30)
    notes = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("文件（.xlsx / .xls / .csv）"))
    is_valid_only = forms.BooleanField(label=_("仅导入正确的行（错误行单独报告）"), required=False)

    def __init__(self, *args: Any, kind: ImportKind, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind.option_choices:
            self.fields["option"] = forms.ChoiceField(
                label=str(kind.option_label),
                choices=[("", "—"), *kind.option_choices.items()],
                required=False,
            )
