from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from eldercare.planning.models import AreaKind
from eldercare.planning.rules.geometry import DEFAULT_SPEED_M_PER_MIN


class ImportForm(forms.Form):
    file = forms.FileField(label=_("文件（.xlsx、.xls、.csv）"))
    dry_run = forms.BooleanField(label=_("只检查，不导入"), required=False, initial=True)


class PointForm(forms.Form):
    region_code = forms.CharField(label=_("村（社区）区划代码"), max_length=12, min_length=12)
    latitude = forms.DecimalField(label=_("纬度（WGS-84）"), max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("经度（WGS-84）"), max_digits=9, decimal_places=6)
    households = forms.IntegerField(label=_("户数"), min_value=0, required=False)


class GenerateForm(forms.Form):
    region_code = forms.CharField(
        label=_("县（市、区）或乡镇区划代码"), max_length=12, min_length=12
    )
    latitude = forms.DecimalField(label=_("中心纬度"), max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("中心经度"), max_digits=9, decimal_places=6)
    spread_km = forms.DecimalField(
        label=_("分布半径（公里）"), max_digits=5, decimal_places=1, initial=Decimal(15)
    )


class AreaForm(forms.Form):
    region_code = forms.CharField(label=_("所在村（社区）区划代码"), max_length=12, min_length=12)
    name = forms.CharField(label=_("小区名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=AreaKind.choices)
    households = forms.IntegerField(label=_("户数"), min_value=0)
    service_floor_area_m2 = forms.DecimalField(
        label=_("养老服务用房面积（平方米）"), min_value=Decimal(0), max_digits=9, decimal_places=1
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class CircleForm(forms.Form):
    region_code = forms.CharField(label=_("区划代码"), max_length=12, min_length=12)
    urban_minutes = forms.IntegerField(label=_("城镇步行时间（分钟）"), initial=15)
    rural_minutes = forms.IntegerField(label=_("农村步行时间（分钟）"), initial=15)
    speed_m_per_min = forms.IntegerField(
        label=_("步行速度（米/分钟）"), initial=DEFAULT_SPEED_M_PER_MIN
    )
    basis = forms.CharField(label=_("依据"), max_length=200, required=False)
