"""A region's entitlement rule file as stored in the database, with its history.

Each upload (or shipped file loaded) is a `PolicyDocument` revision of its region: a draft until
someone activates it; activating retires the region's previous active document. The active
document of the nearest region up the tree governs a resident (a county's replaces its city's),
for the monthly run, the resident page and the API alike. Texts are never edited: a change is a
new revision.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("现行")
    RETIRED = "retired", _("已停用")


class DocumentOrigin(models.TextChoices):
    SHIPPED = "shipped", _("随程序提供")
    UPLOAD = "upload", _("上传")


class PolicyDocument(models.Model):
    scope_field = "region_code"

    region_code = models.CharField(_("区划代码"), max_length=12)
    revision = models.PositiveIntegerField(_("版本序号"))
    name = models.CharField(_("规则名称"), max_length=200)
    # The file's own `version` field ("2021.1"), as written.
    policy_version = models.CharField(_("文件版本"), max_length=50)
    source_name = models.CharField(_("文件名"), max_length=200)
    text = models.TextField(_("规则文件"))
    sha256 = models.CharField(max_length=64)
    origin = models.CharField(
        _("来源"), max_length=10, choices=DocumentOrigin.choices, default=DocumentOrigin.UPLOAD
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_by_username = models.CharField(_("上传人"), max_length=150)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    activated_by_username = models.CharField(_("启用人"), max_length=150, blank=True)
    activated_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("补贴规则文件")
        verbose_name_plural = _("补贴规则文件")
        ordering = ["region_code", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "revision"], name="policy_document_revision_unique"
            ),
            models.UniqueConstraint(
                fields=["region_code"],
                condition=Q(status="active"),
                name="policy_document_one_active_per_region",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(activated_at__isnull=False),
                name="policy_document_active_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "region_code"], name="policy_document_status")]

    def __str__(self) -> str:
        return f"{self.name}（{self.region_code} 第{self.revision}版）"
