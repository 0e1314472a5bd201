"""Forms of the entitlement pages; values are checked again by the services."""

from django import forms
from django.utils.translation import gettext_lazy as _


class RunForm(forms.Form):
    region_code = forms.CharField(label=_("区划代码"), max_length=12)
    month = forms.CharField(
        label=_("补贴月份"), max_length=7, widget=forms.TextInput(attrs={"type": "month"})
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("规则文件（YAML）"))
    activate = forms.BooleanField(label=_("上传后立即启用"), required=False)


class RetireForm(forms.Form):
    reason = forms.CharField(label=_("停用原因"), max_length=500)
