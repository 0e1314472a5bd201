from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from eldercare.core.holiday_models import Holiday, HolidayYear  # noqa: F401


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    VIEW_UNMASKED = "view_unmasked", _("查看完整个人信息")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")


class AuditEvent(models.Model):
    """Append-only: who did what to which record, in which region, and what changed."""

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_username = models.CharField(_("操作人"), max_length=150)
    action = models.CharField(_("操作"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("对象类型"), max_length=50)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    detail = models.JSONField(_("说明"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["region_code", "created_at"], name="audit_region_time"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_username} {self.get_action_display()} {self.object_repr}"
