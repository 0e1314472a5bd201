from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RefreshStatus(models.TextChoices):
    RUNNING = "running", _("统计中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    SUPERSEDED = "superseded", _("已被更新的统计取代")


class RefreshReason(models.TextChoices):
    COMMAND = "command", _("命令行")
    NIGHTLY = "nightly", _("每日定时")
    IMPORT = "import", _("导入完成后")
    PAGE = "page", _("页面请求")


class Refresh(models.Model):
    """One pre-aggregation of the dashboard's counts as of a day; the latest finished one is shown."""

    as_of = models.DateField(_("统计日期"))
    reason = models.CharField(_("触发原因"), max_length=10, choices=RefreshReason.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=RefreshStatus.choices, default=RefreshStatus.RUNNING
    )
    started_at = models.DateTimeField(_("开始时间"), db_index=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    regions = models.PositiveIntegerField(_("区划数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("看板统计")
        verbose_name_plural = _("看板统计")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.as_of:%Y-%m-%d} {self.get_status_display()}"


class RegionCounts(models.Model):
    """A region's counts in one refresh: {figure key: {count key: n}} summed over its subtree.

    Villages hold their own counts; every region above holds the sum over the villages whose code
    starts with its prefix; "" is the whole country. Reading a region's dashboard is one row.
    """

    scope_field = "region_code"

    refresh = models.ForeignKey(Refresh, on_delete=models.CASCADE, related_name="region_counts")
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    counts = models.JSONField(_("计数"), default=dict)

    class Meta:
        verbose_name = _("区划计数")
        verbose_name_plural = _("区划计数")
        constraints = [
            models.UniqueConstraint(
                fields=["refresh", "region_code"], name="dashboard_counts_one_per_region"
            )
        ]

    def __str__(self) -> str:
        return self.region_code or "全国"
