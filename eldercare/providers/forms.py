"""Page forms: they parse what was typed; every business rule is checked in the services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eldercare.catalogue.models import ServiceItem
from eldercare.core.money import MoneyFormatError, parse_yuan
from eldercare.providers.models import (
    CaregiverLevel,
    FacilityKind,
    LicenceKind,
    OperationMode,
    Provider,
    ProviderKind,
    ProviderStatus,
    StaffKind,
)

DATE = forms.DateInput(attrs={"type": "date"})


def _items() -> Any:
    return ServiceItem.objects.filter(is_active=True).order_by("code")


class ProviderFilterForm(forms.Form):
    q = forms.CharField(label=_("名称或信用代码"), required=False)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *ProviderStatus.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("机构类型"), choices=[("", _("全部")), *ProviderKind.choices], required=False
    )
    region = forms.CharField(label=_("服务区划代码"), required=False)
    brand = forms.CharField(label=_("品牌/连锁"), required=False)


class ProviderForm(forms.Form):
    name = forms.CharField(label=_("机构名称"), max_length=100)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=40)
    kind = forms.ChoiceField(label=_("机构类型"), choices=ProviderKind.choices)
    region_code = forms.ChoiceField(label=_("登记区划"))
    areas = forms.MultipleChoiceField(
        label=_("服务区域"),
        required=False,
        help_text=_("不选时为登记区划；可多选（按住 Ctrl）"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    brand = forms.CharField(label=_("品牌/连锁"), max_length=60, required=False)
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=30, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=30, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=24, required=False)
    hotline = forms.CharField(label=_("服务热线/呼叫中心"), max_length=24, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    description = forms.CharField(label=_("简介"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = regions  # type: ignore[attr-defined]
        self.fields["areas"].choices = regions  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    transition = forms.ChoiceField(
        choices=[(t, t) for t in ("suspend", "blacklist", "lift", "exit", "leave")]
    )
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)
    decided_on = forms.DateField(label=_("决定日期"), widget=DATE, required=False)
    authority = forms.CharField(label=_("决定机关"), max_length=100, required=False)


class PriceForm(forms.Form):
    item = forms.ModelChoiceField(label=_("服务项目"), queryset=ServiceItem.objects.none())
    price_yuan = forms.CharField(label=_("价格（元）"), max_length=16)
    effective_from = forms.DateField(label=_("生效日期"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = _items()  # type: ignore[attr-defined]

    def clean_price_yuan(self) -> int:
        try:
            return parse_yuan(self.cleaned_data["price_yuan"])
        except MoneyFormatError as error:
            raise forms.ValidationError(error.message) from error


class LicenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("证照类型"), choices=LicenceKind.choices)
    number = forms.CharField(label=_("证照编号"), max_length=60)
    issued_by = forms.CharField(label=_("发证机关"), max_length=100, required=False)
    valid_from = forms.DateField(label=_("有效期起"), widget=DATE, required=False)
    valid_to = forms.DateField(label=_("有效期至"), widget=DATE, required=False)


class StaffForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=30)
    id_number = forms.CharField(label=_("公民身份号码"), max_length=24)
    phone = forms.CharField(label=_("手机号码"), max_length=24, required=False)
    kind = forms.ChoiceField(label=_("岗位"), choices=StaffKind.choices)
    caregiver_level = forms.ChoiceField(
        label=_("养老护理员等级"), choices=CaregiverLevel.choices, required=False
    )
    certificate_number = forms.CharField(
        label=_("职业技能等级证书编号"), max_length=40, required=False
    )
    health_certificate_expires = forms.DateField(
        label=_("健康证有效期至"), widget=DATE, required=False
    )
    region_code = forms.ChoiceField(label=_("工作区域"))
    base_latitude = forms.CharField(label=_("出发点纬度（WGS-84）"), required=False)
    base_longitude = forms.CharField(label=_("出发点经度（WGS-84）"), required=False)
    skills = forms.ModelMultipleChoiceField(
        label=_("可提供的服务项目"),
        queryset=ServiceItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = regions  # type: ignore[attr-defined]
        self.fields["skills"].queryset = _items()  # type: ignore[attr-defined]


class TrainingForm(forms.Form):
    topic = forms.CharField(label=_("培训内容"), max_length=100)
    trained_on = forms.DateField(label=_("培训日期"), widget=DATE)
    hours = forms.DecimalField(label=_("学时"), max_digits=5, decimal_places=1)
    kind = forms.ChoiceField(
        label=_("培训类型"), choices=[("pre_job", _("岗前培训")), ("on_job", _("在岗培训"))]
    )
    organiser = forms.CharField(label=_("培训机构"), max_length=100, required=False)


class AvailabilityForm(forms.Form):
    """One line per window: "weekday start end", e.g. "1 08:00 12:00" (1 = Monday)."""

    windows = forms.CharField(
        label=_("可服务时段"),
        widget=forms.Textarea(attrs={"rows": 7}),
        required=False,
        help_text=_("每行一个时段：星期（1–7）开始时间 结束时间，如 1 08:00 12:00"),
    )


class LoginForm(forms.Form):
    username = forms.CharField(label=_("登录账号"), max_length=150)


class FacilityFilterForm(forms.Form):
    q = forms.CharField(label=_("名称"), required=False)
    kind = forms.ChoiceField(
        label=_("设施类型"), choices=[("", _("全部")), *FacilityKind.choices], required=False
    )
    region = forms.CharField(label=_("区划代码"), required=False)
    operating = forms.ChoiceField(
        label=_("运营"),
        choices=[("", _("全部")), ("yes", _("正常运营")), ("no", _("未运营"))],
        required=False,
    )


class FacilityForm(forms.Form):
    name = forms.CharField(label=_("设施名称"), max_length=100)
    kind = forms.ChoiceField(label=_("设施类型"), choices=FacilityKind.choices)
    region_code = forms.ChoiceField(label=_("所在村（社区）"))
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    latitude = forms.CharField(label=_("纬度（WGS-84）"), required=False)
    longitude = forms.CharField(label=_("经度（WGS-84）"), required=False)
    floor_area_m2 = forms.CharField(label=_("建筑面积（平方米）"), required=False)
    beds = forms.CharField(label=_("床位数"), required=False)
    operation_mode = forms.ChoiceField(label=_("运营方式"), choices=OperationMode.choices)
    operator = forms.ModelChoiceField(
        label=_("运营机构"), queryset=Provider.objects.none(), required=False
    )
    opening_hours = forms.CharField(label=_("开放时间"), max_length=100, required=False)
    services = forms.ModelMultipleChoiceField(
        label=_("提供的服务"),
        queryset=ServiceItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_operating = forms.BooleanField(label=_("正常运营"), required=False)
    is_newly_built = forms.BooleanField(label=_("新增（试点期间建设）"), required=False)
    medical_partner = forms.CharField(label=_("签约医疗卫生机构"), max_length=100, required=False)
    built_on = forms.DateField(label=_("建成日期"), widget=DATE, required=False)

    def __init__(
        self, *args: Any, villages: list[tuple[str, str]], operators: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = villages  # type: ignore[attr-defined]
        self.fields["operator"].queryset = operators  # type: ignore[attr-defined]
        self.fields["services"].queryset = _items()  # type: ignore[attr-defined]
