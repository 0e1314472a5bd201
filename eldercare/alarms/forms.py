"""Page forms of the alarms app; they only parse, the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from eldercare.alarms.models import DeviceKind, Outcome, StepKind
from eldercare.alarms.rules.chain import MAX_STEPS, Step


class DeviceForm(forms.Form):
    vendor = forms.CharField(label=_("厂商代码"), max_length=32)
    serial = forms.CharField(label=_("序列号/IMEI"), max_length=64)
    kind = forms.ChoiceField(label=_("设备类型"), choices=DeviceKind.choices)
    model_name = forms.CharField(label=_("型号"), max_length=60, required=False)
    region_code = forms.CharField(label=_("登记区划代码"), max_length=12)


class BindForm(forms.Form):
    resident = forms.IntegerField(label=_("老人编号"), min_value=1)
    address = forms.CharField(
        label=_("安装地址（空则用现居住地址）"), max_length=200, required=False
    )
    installed_on = forms.DateField(label=_("安装日期"), required=False)
    latitude = forms.DecimalField(label=_("纬度"), required=False, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("经度"), required=False, max_digits=9, decimal_places=6)


class ReasonForm(forms.Form):
    text = forms.CharField(label=_("原因"), max_length=200)


class DeviceFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[
            ("", _("全部")),
            ("active", _("在用")),
            ("in_stock", _("未绑定")),
            ("retired", _("已报废")),
            ("offline", _("离线")),
            ("low_battery", _("电量低")),
        ],
    )
    q = forms.CharField(label=_("序列号/老人姓名"), required=False, max_length=64)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("内容"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("处置结果"), choices=Outcome.choices)
    text = forms.CharField(label=_("说明"), max_length=1000, required=False)


class ChainStepForm(forms.Form):
    kind = forms.ChoiceField(label=_("环节类型"), choices=StepKind.choices)
    name = forms.CharField(label=_("名称"), max_length=100)
    phone = forms.CharField(label=_("电话"), max_length=24, required=False)
    timeout_seconds = forms.IntegerField(label=_("确认时限（秒）"), min_value=1)

    def to_step(self) -> Step:
        data = self.cleaned_data
        return Step(data["kind"], data["name"], data.get("phone") or "", data["timeout_seconds"])


ChainFormSet = forms.formset_factory(ChainStepForm, extra=2, max_num=MAX_STEPS, can_delete=True)
