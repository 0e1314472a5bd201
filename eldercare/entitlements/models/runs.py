"""The monthly entitlement run: one row per run, its progress, cursor and report.

A run credits every eligible resident of a region for one month, in batches; after each batch
(one transaction with the batch's credits) it moves its cursor (the last resident done, in
(region_code, id) order) and adds the batch's figures to `report`. A run that failed or whose
worker died is resumed from the cursor; the ledger's references make a second pass over the same
residents credit nothing twice anyway.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A running run that has not reported for this long lost its worker: it may be resumed.
STALE_AFTER = timedelta(minutes=15)


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("发放中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class EntitlementRun(models.Model):
    scope_field = "region_code"

    month = models.DateField(_("补贴月份"))  # the first day of the month
    region_code = models.CharField(_("区划代码"), max_length=12)
    status = models.CharField(
        _("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    # The day the rules are evaluated on: the first day of the month.
    evaluated_on = models.DateField(_("评估日期"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_by_username = models.CharField(_("发起人"), max_length=150)
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    # Resumption: the last resident done, in the run's (region_code, id) order.
    cursor_region_code = models.CharField(max_length=12, blank=True)
    cursor_resident_id = models.BigIntegerField(default=0)
    residents_total = models.PositiveIntegerField(_("在册老年人数"), null=True, blank=True)
    residents_done = models.PositiveIntegerField(_("已处理人数"), default=0)
    batches_done = models.PositiveIntegerField(default=0)
    # {township code: {figure: number}} — see eldercare.entitlements.runs.FIGURES.
    report = models.JSONField(_("分区统计"), default=dict, blank=True)
    # The rule files used: {region code: {"id", "revision", "sha256"}}.
    documents = models.JSONField(default=dict, blank=True)
    # Unused credit swept before crediting: {"lots": n, "amount_fen": n}.
    expiry = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("错误信息"), blank=True)

    class Meta:
        verbose_name = _("月度补贴发放")
        verbose_name_plural = _("月度补贴发放")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["month", "status"], name="entitlement_run_month_status"),
            models.Index(fields=["region_code", "created_at"], name="entitlement_run_region"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.region_code}"

    @property
    def is_stale(self) -> bool:
        if self.status != RunStatus.RUNNING:
            return False
        last = self.heartbeat_at or self.started_at or self.created_at
        return last is not None and timezone.now() - last > STALE_AFTER

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)
