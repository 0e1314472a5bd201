from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    CITY_ADMIN = "city_admin", _("市级民政管理员")
    COUNTY_ADMIN = "county_admin", _("县级民政管理员")
    TOWNSHIP_WORKER = "township_worker", _("乡镇（街道）工作人员")
    VILLAGE_WORKER = "village_worker", _("村（社区）/网格员")
    ASSESSOR = "assessor", _("评估员")
    PROVIDER_MANAGER = "provider_manager", _("服务机构管理员")
    CAREGIVER = "caregiver", _("护理员")
    CALL_OPERATOR = "call_operator", _("呼叫中心坐席")
    AUDITOR = "auditor", _("审计（只读）")


class User(AbstractUser):
    """A person with one role, bound to one region whose subtree is all they can see."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    region_code = models.CharField(
        _("所属区划代码"), max_length=12, blank=True, help_text=_("可见范围为该区划及其下级")
    )
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
