"""Forms of the pages; they only read input, the services decide."""

import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eldercare.carevisits.models import ContactKind, FollowUpKind, VisitorKind, Wellbeing
from eldercare.carevisits.rules.keyelderly import ARRANGEMENTS, DIFFICULTIES
from eldercare.registry.choices import CATEGORY_LABELS, ServiceNeed

WORKER_KINDS = [
    (VisitorKind.VILLAGE_WORKER, VisitorKind.VILLAGE_WORKER.label),
    (VisitorKind.GRID_WORKER, VisitorKind.GRID_WORKER.label),
    (VisitorKind.TOWNSHIP_WORKER, VisitorKind.TOWNSHIP_WORKER.label),
]
FOLLOW_UP_CHOICES = [("", _("无需后续处理")), *FollowUpKind.choices]


class SignForm(forms.Form):
    worker = forms.TypedChoiceField(label=_("责任人（平台用户）"), coerce=int)
    worker_kind = forms.ChoiceField(label=_("责任人身份"), choices=WORKER_KINDS)
    neighbour_name = forms.CharField(label=_("近邻姓名"), max_length=30, required=False)
    neighbour_phone = forms.CharField(label=_("近邻电话"), max_length=24, required=False)
    relative_name = forms.CharField(label=_("亲属姓名"), max_length=30, required=False)
    relative_phone = forms.CharField(label=_("亲属电话"), max_length=24, required=False)
    starts_on = forms.DateField(
        label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    ends_on = forms.DateField(
        label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )

    def __init__(self, *args: Any, workers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        worker = self.fields["worker"]
        assert isinstance(worker, forms.ChoiceField)
        worker.choices = workers

    def visitors(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        found: list[dict[str, Any]] = [{"kind": data["worker_kind"], "user": data["worker"]}]
        for kind in (VisitorKind.NEIGHBOUR, VisitorKind.RELATIVE):
            name, phone = data[f"{kind}_name"], data[f"{kind}_phone"]
            if name or phone:
                found.append({"kind": kind, "name": name, "phone": phone})
        return found


class AmendForm(SignForm):
    """An empty phone keeps the visitor's current phone (phones are not shown unmasked)."""

    reason = forms.CharField(label=_("变更原因"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["starts_on"]


class EndForm(forms.Form):
    reason = forms.CharField(label=_("终止原因"), max_length=200)
    ends_on = forms.DateField(
        label=_("终止日期"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )


class ContactForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("方式"), choices=ContactKind.choices, widget=forms.RadioSelect, initial="home_visit"
    )
    occurred_at = forms.DateTimeField(
        label=_("联系时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    health = forms.ChoiceField(label=_("身体状况"), choices=Wellbeing.choices)
    living_conditions = forms.ChoiceField(label=_("生活状况"), choices=Wellbeing.choices)
    needs = forms.MultipleChoiceField(
        label=_("服务需求"),
        choices=ServiceNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    findings = forms.CharField(
        label=_("情况记录"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    follow_up = forms.ChoiceField(label=_("后续处理"), choices=FOLLOW_UP_CHOICES, required=False)
    follow_up_department = forms.CharField(label=_("转办部门"), max_length=60, required=False)
    follow_up_note = forms.CharField(label=_("后续处理说明"), max_length=300, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    @staticmethod
    def initial_values() -> dict[str, Any]:
        return {
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "idempotency_key": uuid.uuid4().hex,
        }

    def follow_ups(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        if not data.get("follow_up"):
            return []
        return [
            {
                "kind": data["follow_up"],
                "department": data.get("follow_up_department", ""),
                "note": data.get("follow_up_note", ""),
            }
        ]


class PolicyForm(forms.Form):
    arrangements = forms.MultipleChoiceField(
        label=_("居住状况（任一）"),
        widget=forms.CheckboxSelectMultiple,
        choices=[(str(c), CATEGORY_LABELS[c]) for c in ARRANGEMENTS],
    )
    difficulties = forms.MultipleChoiceField(
        label=_("困难情形（任一）"),
        widget=forms.CheckboxSelectMultiple,
        choices=[(str(c), CATEGORY_LABELS[c]) for c in DIFFICULTIES],
    )
    min_contacts = forms.IntegerField(label=_("每周联系天数"), min_value=1, max_value=7)
    min_visits = forms.IntegerField(label=_("其中上门走访次数"), min_value=0, max_value=7)
