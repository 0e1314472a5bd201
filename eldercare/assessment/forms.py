"""Page forms of capability assessment. They only shape input; services.py validates it."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eldercare.accounts.models import Role, User
from eldercare.assessment.basic_info import LABELS as BASIC_INFO_LABELS
from eldercare.assessment.basic_info import LIST_FIELDS, NUMBER_FIELDS
from eldercare.assessment.models import AssessmentPolicy, Place, Reason, Standard
from eldercare.assessment.scoring import EVENT_KINDS, EVENT_NAMES
from eldercare.regions.codes import ancestor_codes

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def assessors_for(region_code: str) -> Any:
    """Active assessors whose region covers the resident's village."""
    return User.objects.filter(
        role=Role.ASSESSOR, is_active=True, region_code__in=ancestor_codes(region_code)
    ).order_by("username")


class AssessorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class HeaderForm(forms.Form):
    standard = forms.ChoiceField(
        label=_("评估标准"), choices=Standard.choices, widget=forms.RadioSelect
    )
    assessed_on = forms.DateField(label=_("评估日期"), widget=_DATE)
    place = forms.ChoiceField(label=_("评估地点"), choices=Place.choices)
    place_detail = forms.CharField(label=_("地点说明"), required=False, max_length=200)
    reason = forms.ChoiceField(label=_("评估原因"), choices=Reason.choices)
    first_assessor = AssessorChoiceField(label=_("评估员一"), queryset=User.objects.none())
    second_assessor = AssessorChoiceField(label=_("评估员二"), queryset=User.objects.none())

    def __init__(self, *args: Any, region_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assessors = assessors_for(region_code)
        self.fields["first_assessor"].queryset = assessors  # type: ignore[attr-defined]
        self.fields["second_assessor"].queryset = assessors  # type: ignore[attr-defined]


class ConditionsForm(forms.Form):
    """The conditions that adjust the level, and the rest of the basic-information form."""

    coma = forms.BooleanField(label=_("昏迷"), required=False)
    dementia = forms.BooleanField(label=_("经诊断的痴呆（F00–F03）"), required=False)
    psychiatric_disorder = forms.BooleanField(
        label=_("经精神科医师诊断的其他精神和行为障碍（F04–F99）"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in EVENT_KINDS:
            self.fields[f"event_{kind}"] = forms.IntegerField(
                label=_("近30天%(event)s次数") % {"event": EVENT_NAMES[kind]},
                min_value=0,
                max_value=99,
                initial=0,
                required=False,
            )
        for key, label in BASIC_INFO_LABELS.items():
            if key in LIST_FIELDS:
                field: forms.Field = forms.CharField(
                    label=label,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text=_("每行一项"),
                )
            elif key in NUMBER_FIELDS:
                field = forms.DecimalField(label=label, required=False, decimal_places=1)
            else:
                field = forms.CharField(label=label, required=False, max_length=200)
            self.fields[f"info_{key}"] = field

    @classmethod
    def initial_from(cls, conditions: dict[str, Any], basic_info: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: bool(conditions.get(name))
            for name in ("coma", "dementia", "psychiatric_disorder")
        }
        events = conditions.get("events_30d") or {}
        initial |= {f"event_{kind}": events.get(kind, 0) for kind in EVENT_KINDS}
        for key, value in basic_info.items():
            initial[f"info_{key}"] = "\n".join(value) if isinstance(value, list) else value
        return initial

    def to_data(self) -> dict[str, Any]:
        """The cleaned form as the service's `conditions` and `basic_info`."""
        data = self.cleaned_data
        conditions = {
            "coma": data["coma"],
            "dementia": data["dementia"],
            "psychiatric_disorder": data["psychiatric_disorder"],
            "events_30d": {kind: data[f"event_{kind}"] or 0 for kind in EVENT_KINDS},
        }
        basic_info: dict[str, Any] = {}
        for key in BASIC_INFO_LABELS:
            value = data[f"info_{key}"]
            if value in (None, ""):
                continue
            if key in LIST_FIELDS:
                basic_info[key] = [line for line in str(value).splitlines() if line.strip()]
            elif key in NUMBER_FIELDS:
                basic_info[key] = float(value)
            else:
                basic_info[key] = value
        return {"conditions": conditions, "basic_info": basic_info}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class PolicyForm(forms.ModelForm):
    class Meta:
        model = AssessmentPolicy
        fields = ["reassessment_months", "clause_stacking", "event_counting"]


class DueFilterForm(forms.Form):
    window = forms.ChoiceField(
        label=_("范围"),
        required=False,
        choices=[("overdue", _("已逾期")), ("30", _("30天内到期")), ("90", _("90天内到期"))],
    )
    region = forms.CharField(label=_("区划代码"), required=False, max_length=12)
    assessor = forms.ModelChoiceField(
        label=_("评估员"), required=False, queryset=User.objects.filter(role=Role.ASSESSOR)
    )
